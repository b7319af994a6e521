// End-to-end: `lmrec eval --rerank-sweep` on a small generated dataset with categories.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset_file.h"
#include "support/run_lmrec.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::CommandResult;
using testing::run_lmrec;

// Two clusters of 20 items; users stick to one. Categories are blocks of four consecutive
// items, so a cluster's best items share few categories and diversity has room to grow.
std::string write_data(const std::string& dir) {
  std::vector<testing::Event> events;
  for (int32_t u = 0; u < 60; ++u) {
    int32_t base = u % 2 ? 0 : 20;
    for (int32_t k = 0; k < 8; ++k) events.push_back({u, base + (u * 7 + k * 3) % 20, k});
  }
  Dataset data = testing::make_dataset(60, 40, events);
  for (int32_t i = 0; i < 40; ++i)
    data.catalogue.categories[static_cast<size_t>(i)] = {
        data.catalogue.category_names.intern("c" + std::to_string(i / 4))};
  std::string path = dir + "/d.lmd";
  save_dataset(data, path);
  return path;
}

class RerankSweepCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::temp_dir("rerank-sweep");
    data_ = write_data(dir_);
    CommandResult train =
        run_lmrec("train --data " + data_ + " --model ease --out " + dir_ + "/m --json");
    ASSERT_EQ(train.status, 0) << train.out;
  }
  static std::string eval(const std::string& extra) {
    return "eval --data " + data_ + " --model " + dir_ + "/m " + extra;
  }
  static std::string dir_, data_;
};
std::string RerankSweepCli::dir_, RerankSweepCli::data_;

TEST_F(RerankSweepCli, MmrOverCategoriesTradesAccuracyForDiversity) {
  CommandResult plain = run_lmrec(eval("--json"));
  ASSERT_EQ(plain.status, 0) << plain.out;
  double plain_ndcg = nlohmann::json::parse(plain.out)["test"]["NDCG@10"];

  CommandResult sweep =
      run_lmrec(eval("--rerank-sweep mmr --rerank-set similarity=categories --json"));
  ASSERT_EQ(sweep.status, 0) << sweep.out;
  auto rows = nlohmann::json::parse(sweep.out);
  ASSERT_EQ(rows.size(), 10u) << sweep.out;
  EXPECT_DOUBLE_EQ(rows[0]["lambda"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(rows[9]["lambda"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(rows[0]["NDCG@10"].get<double>(), plain_ndcg);
  EXPECT_DOUBLE_EQ(rows[0]["NDCG_change_pct"].get<double>(), 0.0);
  EXPECT_GT(rows[9]["ILD@10"].get<double>(), rows[0]["ILD@10"].get<double>()) << sweep.out;
  for (const char* key : {"HR@10", "Coverage@10", "Novelty@10"})
    EXPECT_TRUE(rows[5][key].is_number()) << key;
}

TEST_F(RerankSweepCli, DppPrintsATable) {
  CommandResult sweep = run_lmrec(
      eval("--rerank-sweep dpp --rerank-set similarity=categories --rerank-candidates 30"));
  ASSERT_EQ(sweep.status, 0) << sweep.out;
  EXPECT_NE(sweep.out.find("lambda"), std::string::npos) << sweep.out;
  EXPECT_NE(sweep.out.find("0.9"), std::string::npos) << sweep.out;
}

TEST_F(RerankSweepCli, BadSweepsExitWithAConfigError) {
  CommandResult rules = run_lmrec(eval("--rerank-sweep rules"));
  EXPECT_EQ(rules.status, 64) << rules.out;
  // ease has no item vectors, and cosine similarity is the default.
  CommandResult cosine = run_lmrec(eval("--rerank-sweep mmr"));
  EXPECT_EQ(cosine.status, 64) << cosine.out;
  EXPECT_NE(cosine.out.find("ease"), std::string::npos) << cosine.out;
  CommandResult option =
      run_lmrec(eval("--rerank-sweep mmr --rerank-set lamda=1 --rerank-set similarity=categories"));
  EXPECT_EQ(option.status, 64) << option.out;
  EXPECT_NE(option.out.find("lamda"), std::string::npos) << option.out;
}

}  // namespace
}  // namespace lmrec
