// Hand-computed values for each metric, piece by piece and end to end.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/errors.h"
#include "eval/beyond_accuracy.h"
#include "eval/eval_test_util.h"
#include "eval/evaluator.h"
#include "eval/select_top_k.h"

namespace lmrec {
namespace {

using testing::make_dataset;
using testing::Row;
using testing::TableModel;

constexpr float kInf = std::numeric_limits<float>::infinity();
const double kLog3 = std::log2(3.0);

TEST(Metrics, RankCountsTiesToLowerIdAndIgnoresNaN) {
  std::vector<float> s = {1, 2, 2, std::nanf(""), 2, -kInf};
  EXPECT_EQ(rank_of(s, 1), 0);
  EXPECT_EQ(rank_of(s, 2), 1);
  EXPECT_EQ(rank_of(s, 4), 2);
  EXPECT_EQ(rank_of(s, 0), 3);
  EXPECT_FALSE(rankable(s[3]));
  EXPECT_FALSE(rankable(s[5]));
}

TEST(Metrics, ManyTargetRanksMatchOneByOne) {
  std::vector<float> s;
  for (int i = 0; i < 200; ++i) s.push_back(i % 7 == 0 ? std::nanf("") : float((i * 37) % 11));
  std::vector<int32_t> targets = {5, 3, 90, 44, 120, 199, 13, 60};
  std::vector<int64_t> ranks(targets.size());
  ranks_of(s, targets, ranks);
  for (size_t j = 0; j < targets.size(); ++j) EXPECT_EQ(ranks[j], rank_of(s, targets[j]));
}

TEST(Metrics, SelectTopKAgreesWithCoreTopK) {
  std::mt19937 rng(5);
  TopKSelector selector;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<float> s(1 + rng() % 3000);
    for (auto& x : s) {
      unsigned r = rng() % 20;
      x = r == 0 ? std::nanf("") : r == 1 ? -kInf : r == 2 ? kInf : float(rng() % (trial % 50 + 1));
      if (trial % 5 == 1) x = float(rng()) / 4e9f;  // (almost) no ties
      if (trial % 7 == 0) x = -kInf;                // rows with nothing to recommend
    }
    for (int k : {0, 1, 3, 20, 64, 400}) {
      const auto& got = selector.select(s, k);
      auto want = top_k(s, k);
      ASSERT_EQ(got.size(), want.size());
      for (size_t j = 0; j < want.size(); ++j) ASSERT_EQ(got[j].item, want[j].item);
    }
  }
}

TEST(Metrics, AccuracyFromHitRanks) {
  // Targets: 3, two of them at positions 1 and 3.
  std::vector<int64_t> hits = {0, 2};
  CaseAccuracy a = accuracy_at(hits, 3, 3);
  EXPECT_DOUBLE_EQ(a.hr, 1);
  EXPECT_DOUBLE_EQ(a.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.f1, 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.ndcg, (1 + 0.5) / (1 + 1 / kLog3 + 0.5));
  EXPECT_DOUBLE_EQ(a.mrr, 1);
  EXPECT_DOUBLE_EQ(a.map, (1 + 2.0 / 3) / 3);
  a = accuracy_at(hits, 3, 2);
  EXPECT_DOUBLE_EQ(a.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(a.precision, 0.5);
  EXPECT_DOUBLE_EQ(a.f1, 0.4);
  EXPECT_DOUBLE_EQ(a.ndcg, 1 / (1 + 1 / kLog3));
  EXPECT_DOUBLE_EQ(a.map, 0.5);
  // A single target at position 2.
  a = accuracy_at(std::vector<int64_t>{1}, 1, 10);
  EXPECT_DOUBLE_EQ(a.ndcg, 1 / kLog3);
  EXPECT_DOUBLE_EQ(a.mrr, 0.5);
  EXPECT_DOUBLE_EQ(a.map, 0.5);
  a = accuracy_at(std::vector<int64_t>{1}, 1, 1);
  EXPECT_EQ(a.hr + a.recall + a.precision + a.f1 + a.ndcg + a.mrr + a.map, 0);
}

TEST(Metrics, AucCountsPairs) {
  // 2 targets (one unrankable) and 4 negatives; the rankable one at rank 1 beats 3 negatives.
  EXPECT_DOUBLE_EQ(case_auc(std::vector<int64_t>{1}, 2, 4), 3.0 / 8);
  // Targets at ranks 0 and 2 with 3 negatives: 3 + 2 pairs won of 6.
  EXPECT_DOUBLE_EQ(case_auc(std::vector<int64_t>{0, 2}, 2, 3), 5.0 / 6);
}

TEST(Metrics, BeyondAccuracyPieces) {
  EXPECT_DOUBLE_EQ(gini(std::vector<int64_t>{0, 0, 0, 4}), 0.75);
  EXPECT_DOUBLE_EQ(gini(std::vector<int64_t>{2, 2, 2}), 0);
  EXPECT_DOUBLE_EQ(gini(std::vector<int64_t>{0, 0}), 0);
  EXPECT_DOUBLE_EQ(jaccard_distance(std::vector<int32_t>{1, 2}, std::vector<int32_t>{2, 3}),
                   2.0 / 3);
  EXPECT_DOUBLE_EQ(jaccard_distance({}, {}), 0);
  EXPECT_DOUBLE_EQ(jaccard_distance(std::vector<int32_t>{1}, {}), 1);
  EXPECT_DOUBLE_EQ(novelty(0, 3), 2);
  EXPECT_DOUBLE_EQ(novelty(3, 3), 0);
}

// Two users, five items. u0: history {0, 1}, test target 2. u1: history {3}, test targets
// {3, 4} (3 repeats the history and is therefore excluded).
struct Tiny {
  Split split;
  Dataset data = make_dataset(2, 5,
                              {{0, 0, 1, Role::kTrain},
                               {0, 1, 1, Role::kTrain},
                               {0, 2, 1, Role::kTest},
                               {1, 3, 1, Role::kTrain},
                               {1, 3, 1, Role::kTest},
                               {1, 4, 1, Role::kTest}},
                              &split);
  // u0 ranks (after excluding 0 and 1): 3, then 2 and 4 tied (2 first). u1: 4 first.
  TableModel model{{{9, 9, 1, 2, 1}, {0, 0, 0, 5, 3}}, 5};
};

TEST(Evaluator, TinyEndToEnd) {
  Tiny t;
  EvalOptions o;
  o.ks = {1, 2};
  EvalResult r = evaluate(t.model, t.data, t.split, Role::kTest, o);
  const auto& v = r.overall.values;
  EXPECT_EQ(r.overall.users, 2);
  // u0: target at position 2. u1: targets {3 excluded, 4 at position 1}.
  EXPECT_DOUBLE_EQ(v.at("HR@1"), 0.5);
  EXPECT_DOUBLE_EQ(v.at("HR@2"), 1.0);
  EXPECT_DOUBLE_EQ(v.at("Recall@2"), (1 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(v.at("Precision@2"), (0.5 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(v.at("NDCG@2"), (1 / kLog3 + 1 / (1 + 1 / kLog3)) / 2);
  EXPECT_DOUBLE_EQ(v.at("MRR@2"), (0.5 + 1) / 2);
  EXPECT_DOUBLE_EQ(v.at("MAP@2"), (0.5 + 0.5) / 2);
  // AUC: u0 negatives {3, 4}: target 2 beats 4 only -> 1/2. u1 negatives {0, 1, 2}: target 4
  // beats all 3, target 3 (excluded) none -> 3/6.
  EXPECT_DOUBLE_EQ(v.at("AUC"), 0.5);
  // Lists @2: u0 {3, 2}, u1 {4, 0}; @1: {3}, {4}.
  EXPECT_DOUBLE_EQ(v.at("Coverage@2"), 4.0 / 5);
  EXPECT_DOUBLE_EQ(v.at("Coverage@1"), 2.0 / 5);
  EXPECT_DOUBLE_EQ(v.at("Gini@1"), 0.6);  // counts {0,0,0,1,1}: (2*4-6 + 2*5-6) / 10
  // History popularity: item 0: 1 user, 1: 1, 2: 0, 3: 1, 4: 0 (n_users = 2).
  EXPECT_DOUBLE_EQ(v.at("ARP@2"), (1 + 0 + 0 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(v.at("Novelty@1"), (-std::log2(2.0 / 3) - std::log2(1.0 / 3)) / 2);
  EXPECT_FALSE(v.count("ILD@2"));  // no categories
  EXPECT_FALSE(v.count("RMSE"));
  ASSERT_EQ(r.slices.size(), 1u);
  EXPECT_EQ(r.slices[0].first, "1-5");
}

TEST(Evaluator, IncludingHistoryRanksItToo) {
  Tiny t;
  EvalOptions o;
  o.ks = {1};
  o.exclude_history = false;
  EvalResult r = evaluate(t.model, t.data, t.split, Role::kTest, o);
  // u0 list {0}: miss. u1 list {3}: hit on the repeated item.
  EXPECT_DOUBLE_EQ(r.overall.values.at("HR@1"), 0.5);
  EXPECT_DOUBLE_EQ(r.overall.values.at("Recall@1"), 0.25);
}

TEST(Evaluator, IntraListDistanceFromCategories) {
  Tiny t;
  auto& cat = t.data.catalogue;
  int32_t a = cat.category_names.intern("a"), b = cat.category_names.intern("b");
  cat.categories[2] = {a};
  cat.categories[3] = {a, b};
  cat.categories[4] = {b};
  EvalOptions o;
  o.ks = {2};
  EvalResult r = evaluate(t.model, t.data, t.split, Role::kTest, o);
  // u0 list {3, 2}: 1 - 1/2. u1 list {4, 0}: item 0 has no categories -> 1.
  EXPECT_DOUBLE_EQ(r.overall.values.at("ILD@2"), (0.5 + 1) / 2);
}

TEST(Evaluator, RmseMaeOverTargetRows) {
  Split split;
  Dataset data = make_dataset(2, 3,
                              {{0, 0, 4, Role::kTrain},
                               {0, 1, 5, Role::kTest},
                               {1, 2, 2, Role::kTest},
                               {1, 2, 3, Role::kTest}},
                              &split);
  TableModel model({{0, 4, 0}, {0, 0, 3}}, 3, /*values=*/true);
  EvalResult r = evaluate(model, data, split, Role::kTest);
  // Errors over the three target rows: -1, 1, 0.
  EXPECT_DOUBLE_EQ(r.overall.values.at("RMSE"), std::sqrt(2.0 / 3));
  EXPECT_DOUBLE_EQ(r.overall.values.at("MAE"), 2.0 / 3);
}

TEST(Evaluator, SpreadsMaxUsersAndHandlesEmptyPhases) {
  std::vector<Row> rows;
  for (int32_t u = 0; u < 10; ++u) rows.push_back({u, u % 3, 1, Role::kTest});
  Split split;
  Dataset data = make_dataset(10, 3, rows, &split);
  TableModel model(std::vector<std::vector<float>>(10, {3, 2, 1}), 3);
  EvalOptions o;
  o.ks = {1};
  o.max_users = 5;  // users 0, 2, 4, 6, 8: items 0, 2, 1, 0, 2 -> two hits
  EvalResult r = evaluate(model, data, split, Role::kTest, o);
  EXPECT_EQ(r.overall.users, 5);
  EXPECT_DOUBLE_EQ(r.overall.values.at("HR@1"), 0.4);
  ASSERT_EQ(r.slices.size(), 1u);
  EXPECT_EQ(r.slices[0].first, "0");
  EvalResult none = evaluate(model, data, split, Role::kValid, o);
  EXPECT_EQ(none.overall.users, 0);
  EXPECT_TRUE(none.overall.values.empty());
}

TEST(Evaluator, RefusesMismatchedInputsAndBadOptions) {
  Tiny t;
  TableModel wrong({{1, 2}, {1, 2}}, 2);
  EXPECT_THROW(evaluate(wrong, t.data, t.split, Role::kTest), UsageError);
  Split short_split = t.split;
  short_split.role.pop_back();
  EXPECT_THROW(evaluate(t.model, t.data, short_split, Role::kTest), UsageError);
  for (auto bad : {EvalOptions{.ks = {}}, EvalOptions{.ks = {0}}, EvalOptions{.batch_size = 0},
                   EvalOptions{.max_users = -1}, EvalOptions{.slice_edges = {5, 5}}})
    EXPECT_THROW(evaluate(t.model, t.data, t.split, Role::kTest, bad), ConfigError);
}

}  // namespace
}  // namespace lmrec
