#include "eval/report.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lmrec {
namespace {

EvalResult sample_result() {
  EvalResult r;
  r.ks = {5, 10};
  r.seconds = 1.5;
  r.overall.users = 3;
  r.overall.values = {{"HR@5", 0.5},    {"HR@10", 0.75},         {"NDCG@5", 0.25},
                      {"NDCG@10", 0.3}, {"Coverage@5", 0.1},     {"Coverage@10", 0.2},
                      {"AUC", 0.9},     {"ILD@5", std::nan("")}, {"ILD@10", 0.4}};
  MetricSet slice;
  slice.users = 3;
  slice.values = {{"HR@5", 0.5}, {"HR@10", 0.75}, {"NDCG@5", 0.25}, {"NDCG@10", 0.3}};
  r.slices.emplace_back("1-5", slice);
  return r;
}

TEST(Report, JsonIsFlatPerObjectWithNullForUndefined) {
  nlohmann::json j = to_json(sample_result());
  EXPECT_EQ(j["overall"]["users"], 3);
  EXPECT_DOUBLE_EQ(j["overall"]["HR@10"].get<double>(), 0.75);
  EXPECT_TRUE(j["overall"]["ILD@5"].is_null());
  ASSERT_EQ(j["slices"].size(), 1u);
  EXPECT_EQ(j["slices"][0]["slice"], "1-5");
  EXPECT_EQ(j["slices"][0]["users"], 3);
  EXPECT_EQ(j["ks"], nlohmann::json({5, 10}));
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 1.5);
}

TEST(Report, TableHasAColumnPerCutoffAndSliceRows) {
  std::string t = to_table(sample_result());
  EXPECT_NE(t.find("metric             @5       @10"), std::string::npos) << t;
  EXPECT_NE(t.find("HR             0.5000    0.7500"), std::string::npos) << t;
  EXPECT_NE(t.find("AUC            0.9000"), std::string::npos) << t;
  EXPECT_NE(t.find("ILD                 -    0.4000"), std::string::npos) << t;
  EXPECT_NE(t.find("1-5                 3    0.5000"), std::string::npos) << t;
  EXPECT_EQ(t.find("Recall"), std::string::npos) << t;
  EXPECT_EQ(to_table(EvalResult{}), "no users to evaluate\n");
}

}  // namespace
}  // namespace lmrec
