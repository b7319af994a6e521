#include "models/itemknn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

ItemKnnRecommender fitted(const Dataset& data, int64_t neighbors, double shrink, bool binary) {
  ItemKnnOptions o;
  o.neighbors = neighbors;
  o.shrink = shrink;
  o.binary = binary;
  ItemKnnRecommender model(o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

// sim(i, j) = <x_i, x_j> / (|x_i| |x_j| + shrink) over the dense matrix.
std::vector<std::vector<double>> brute_force_similarity(const Dataset& data, bool binary,
                                                        double shrink) {
  auto x = testing::dense_user_item(data, binary);
  int32_t n = data.n_items();
  auto column_dot = [&](int32_t a, int32_t b) {
    double s = 0;
    for (const auto& row : x) s += row[a] * row[b];
    return s;
  };
  std::vector<std::vector<double>> sim(n, std::vector<double>(n, 0.0));
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = 0; j < n; ++j)
      if (i != j)
        sim[i][j] =
            column_dot(i, j) / (std::sqrt(column_dot(i, i)) * std::sqrt(column_dot(j, j)) + shrink);
  return sim;
}

void expect_matches_brute_force(bool binary) {
  auto data = testing::random_dataset(11, 40, 15, 0.25);
  const int64_t k = 4;
  const double shrink = 2.0;
  auto model = fitted(data, k, shrink, binary);
  auto sim = brute_force_similarity(data, binary, shrink);
  for (int32_t i = 0; i < data.n_items(); ++i) {
    std::vector<double> expected;
    for (double s : sim[i])
      if (s != 0.0) expected.push_back(s);
    std::sort(expected.rbegin(), expected.rend());
    expected.resize(std::min<size_t>(expected.size(), k));
    auto items = model.neighbor_items(i);
    auto sims = model.neighbor_sims(i);
    ASSERT_EQ(items.size(), expected.size()) << "item " << i;
    for (size_t m = 0; m < items.size(); ++m) {
      EXPECT_NE(items[m], i);
      EXPECT_NEAR(sims[m], expected[m], 1e-6) << "item " << i << " rank " << m;
      EXPECT_NEAR(sims[m], sim[i][items[m]], 1e-6) << "item " << i << " neighbour " << items[m];
    }
  }
}

TEST(ItemKnn, BinarySimilarityMatchesBruteForce) { expect_matches_brute_force(true); }
TEST(ItemKnn, ValueSimilarityMatchesBruteForce) { expect_matches_brute_force(false); }

TEST(ItemKnn, ScoreSumsTheHistoryItemsNeighbours) {
  auto data = testing::random_dataset(5, 30, 12, 0.3);
  auto model = fitted(data, 3, 1.0, true);
  UserContext user;
  user.items = {2, 7, 2};  // a repeat counts once when binary
  std::vector<float> scores(model.n_items());
  model.score(std::span<const UserContext>(&user, 1), scores.data());
  std::vector<float> expected(model.n_items(), 0.0f);
  for (int32_t h : {2, 7})
    for (size_t m = 0; m < model.neighbor_items(h).size(); ++m)
      expected[model.neighbor_items(h)[m]] += model.neighbor_sims(h)[m];
  for (int32_t i = 0; i < model.n_items(); ++i) EXPECT_FLOAT_EQ(scores[i], expected[i]);
}

TEST(ItemKnn, RejectsBadOptions) {
  Options options;
  options.set("neighbors", "0");
  EXPECT_THROW(ItemKnnOptions::parse(options), ConfigError);
  options.set("neighbors", "5");
  options.set("shrink", "-1");
  EXPECT_THROW(ItemKnnOptions::parse(options), ConfigError);
}

}  // namespace
}  // namespace lmrec
