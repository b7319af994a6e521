// End-to-end: `lmrec explain` and the reasons of `lmrec recommend` on a small clustered dataset.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset_file.h"
#include "support/run_lmrec.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::run_lmrec;

// Two clusters of 20 items; users stick to one, so every reason lies in the user's cluster.
class ExplainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::temp_dir("explain-cli");
    std::vector<testing::Event> events;
    for (int32_t u = 0; u < 60; ++u) {
      int32_t base = u % 2 ? 0 : 20;
      for (int32_t k = 0; k < 8; ++k) events.push_back({u, base + (u * 7 + k * 3) % 20, k});
    }
    data_ = dir_ + "/d.lmd";
    save_dataset(testing::make_dataset(60, 40, events), data_);
    auto train = run_lmrec("train --data " + data_ +
                           " --model pipeline --set members=ease,knn:itemknn,pop:popularity "
                           "--set ranker.rounds=20 --out " +
                           dir_ + "/m");
    ASSERT_EQ(train.status, 0) << train.out;
  }
  static std::string args(const std::string& extra) {
    return "--data " + data_ + " --model " + dir_ + "/m " + extra;
  }
  static std::string dir_, data_;
};
std::string ExplainCli::dir_, ExplainCli::data_;

int cluster(const std::string& item) { return std::stoi(item.substr(1)) < 20 ? 0 : 1; }

TEST_F(ExplainCli, ExplainsTheTopItemsWithChannelsFeaturesAndHistory) {
  auto r = run_lmrec("explain " + args("--user u1 -k 3 --json"));
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 3u) << r.out;
  for (const auto& item : j["items"]) {
    EXPECT_FALSE(item["channels"].empty()) << item.dump();
    EXPECT_FALSE(item["features"].empty()) << item.dump();
    ASSERT_FALSE(item["history"].empty()) << item.dump();
    for (const auto& h : item["history"])
      EXPECT_EQ(cluster(h["item"]), cluster(item["item"])) << item.dump();
  }
  auto one = run_lmrec("explain " + args("--user u1 --item i5"));
  EXPECT_EQ(one.status, 0) << one.out;
  EXPECT_NE(one.out.find("i5"), std::string::npos) << one.out;
}

TEST_F(ExplainCli, RecommendCarriesReasonsUnlessAskedNot) {
  auto r = run_lmrec("recommend " + args("--user u1 -k 2 --json"));
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_FALSE(j["items"][0]["reasons"]["text"].get<std::string>().empty());
  auto plain = run_lmrec("recommend " + args("--user u1 -k 2 --json --no-reasons"));
  ASSERT_EQ(plain.status, 0) << plain.out;
  EXPECT_EQ(nlohmann::json::parse(plain.out)["items"][0].count("reasons"), 0u);
}

TEST_F(ExplainCli, AuditCountsCasesWhereTheNamedHistoryMatters) {
  auto r = run_lmrec("explain " + args("--audit 20 --json"));
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["sampled_users"], 20);
  EXPECT_GT(j["cases"].get<int>(), 0);
  EXPECT_GE(j["fraction"].get<double>(), 0.9) << r.out;
}

TEST_F(ExplainCli, UnknownUserOrItemIsAConfigError) {
  auto user = run_lmrec("explain " + args("--user nobody"));
  EXPECT_EQ(user.status, 64) << user.out;
  EXPECT_NE(user.out.find("unknown user 'nobody'"), std::string::npos) << user.out;
  auto item = run_lmrec("explain " + args("--user u1 --item nothing"));
  EXPECT_EQ(item.status, 64) << item.out;
  EXPECT_NE(item.out.find("unknown item 'nothing'"), std::string::npos) << item.out;
  EXPECT_EQ(run_lmrec("explain " + args("")).status, 64);
}

}  // namespace
}  // namespace lmrec
