#include "rerank/reranked_recommender.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "core/errors.h"
#include "rerank/rerank_test_items.h"

namespace lmrec {
namespace {

constexpr int32_t kItems = 12;

// Scores fall with the item id, so the base order is 0, 1, 2, ...
class DescendingModel : public Recommender {
 public:
  std::string name() const override { return "descending"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return kItems; }
  void score(std::span<const UserContext> users, float* scores) const override {
    for (size_t u = 0; u < users.size(); ++u)
      for (int32_t i = 0; i < kItems; ++i) scores[u * kItems + i] = 1000.0f - static_cast<float>(i);
  }
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
};

// Reverses the candidates it is given and keeps k: a reordering any test can predict.
class ReverseReranker : public Reranker {
 public:
  std::string name() const override { return "reverse"; }
  Options options() const override { return {}; }
  std::vector<ScoredItem> rerank(const UserContext&, std::span<const ScoredItem> ranked,
                                 int k) const override {
    std::vector<ScoredItem> out(ranked.rbegin(), ranked.rend());
    if (out.size() > static_cast<size_t>(k)) out.resize(static_cast<size_t>(k));
    return out;
  }
};

std::vector<int32_t> order(const std::vector<float>& row) {
  std::vector<int32_t> items(row.size());
  std::iota(items.begin(), items.end(), 0);
  std::stable_sort(items.begin(), items.end(),
                   [&](int32_t a, int32_t b) { return row[a] > row[b]; });
  return items;
}

TEST(RerankedRecommender, RanksTheRerankedListFirstAndTheRestInBaseOrder) {
  DescendingModel base;
  RerankedRecommender model(base, std::make_shared<ReverseReranker>(), {6, 3});
  UserContext user;
  user.items = {1, 4};
  std::vector<float> row(kItems);
  model.score({&user, 1}, row.data());
  // Candidates without the history: 0 2 3 5 6 7; reversed and cut to 3: 7 6 5.
  EXPECT_EQ(order(row), (std::vector<int32_t>{7, 6, 5, 0, 1, 2, 3, 4, 8, 9, 10, 11}));
  EXPECT_EQ(testing::ids(model.recommend(user, 3)), (std::vector<int32_t>{7, 6, 5}));
  EXPECT_EQ(model.name(), "descending+reverse");
}

TEST(RerankedRecommender, ScoresEveryUserOfABatchOnItsOwn) {
  DescendingModel base;
  RerankedRecommender model(base, make_reranker("none", {}, nullptr), {100, 4});
  std::vector<UserContext> users(2);
  users[0].items = {0, 1};
  users[1].items = {5};
  std::vector<float> rows(2 * kItems);
  model.score(users, rows.data());
  std::vector<float> first(rows.begin(), rows.begin() + kItems),
      second(rows.begin() + kItems, rows.end());
  auto first_order = order(first), second_order = order(second);
  first_order.resize(4);
  second_order.resize(4);
  EXPECT_EQ(first_order, (std::vector<int32_t>{2, 3, 4, 5}));
  EXPECT_EQ(second_order, (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(first[0], 1000.0f);  // the history keeps the base model's scores
  EXPECT_EQ(first[11], 989.0f);
}

TEST(RerankedRecommender, RefusesFitAndSave) {
  DescendingModel base;
  RerankedRecommender model(base, make_reranker("none", {}, nullptr));
  EXPECT_THROW(model.fit(Dataset{}, {}), UsageError);
  EXPECT_THROW(model.save_weights("x"), UsageError);
  EXPECT_THROW(RerankedRecommender(base, make_reranker("none", {}, nullptr), {0, 5}), ConfigError);
}

}  // namespace
}  // namespace lmrec
