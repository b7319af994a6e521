#include "models/ncf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

using testing::kClusterItems;

UserContext history(std::vector<int32_t> items) {
  UserContext c;
  c.items = std::move(items);
  return c;
}

std::unique_ptr<NcfRecommender> fitted(const std::string& variant, const Dataset& data) {
  Options o;
  o.set("variant", variant);
  for (const char* s : {"epochs=30", "batch_size=128", "learning_rate=0.01"}) o.set(s);
  auto model = std::make_unique<NcfRecommender>(NcfOptions::parse(o));
  NullProgress quiet;
  model->fit(data, {&quiet, {}});
  return model;
}

bool in_cluster_a(int32_t item) { return item < kClusterItems; }

// Mean score of the items in [first, first + kClusterItems) that `user` has not seen.
double mean_unseen(const std::vector<float>& scores, const UserContext& user, int32_t first) {
  double sum = 0;
  int n = 0;
  for (int32_t i = first; i < first + kClusterItems; ++i)
    if (std::find(user.items.begin(), user.items.end(), i) == user.items.end())
      sum += scores[i], ++n;
  return sum / n;
}

// Every variant ranks a user's own cluster above the other, for known users and for
// folded-in histories.
TEST(Ncf, EveryVariantLearnsTheTwoClusters) {
  auto data = testing::clustered_dataset();
  for (std::string variant : {"neumf", "gmf", "mlp"}) {
    auto model = fitted(variant, data);
    std::vector<float> scores(model->n_items());
    for (int32_t u : {0, 5, testing::kUsersA, testing::kUsersA + 7}) {
      UserContext user = make_context(data, u);
      model->score(std::span<const UserContext>(&user, 1), scores.data());
      double own = mean_unseen(scores, user, u < testing::kUsersA ? 0 : kClusterItems);
      double other = mean_unseen(scores, user, u < testing::kUsersA ? kClusterItems : 0);
      EXPECT_GT(own, other) << variant << " user " << u;
    }
    auto top_b = model->recommend(history({kClusterItems + 2, kClusterItems + 5}), 3);
    ASSERT_EQ(top_b.size(), 3u) << variant;
    for (const auto& s : top_b) EXPECT_FALSE(in_cluster_a(s.item)) << variant;
  }
}

// Ratings a model can only predict from both sides of the pair: users and items each fall in
// one of two groups, and a rating is 5 within a group and 1 across. Pairs with h(u, i) < 6 are
// for training, those with h(u, i) == 9 held out.
int pair_hash(int32_t u, int32_t i) { return (u * 7 + i * 11) % 10; }
float group_rating(int32_t u, int32_t i) { return u % 2 == i % 2 ? 5.0f : 1.0f; }

TEST(Ncf, ConcatMsePredictsHeldOutRatingsFarBetterThanTheMean) {
  constexpr int32_t kUsers = 40, kItems = 30;
  std::vector<testing::Rating> ratings;
  int64_t time = 1'600'000'000;
  for (int32_t u = 0; u < kUsers; ++u)
    for (int32_t i = 0; i < kItems; ++i)
      if (pair_hash(u, i) < 6) ratings.push_back({u, i, group_rating(u, i), time += 60});
  auto data = testing::rated_dataset(kUsers, kItems, ratings);
  double mean = 0;
  for (const auto& r : ratings) mean += r.value;
  mean /= static_cast<double>(ratings.size());

  auto model = fitted("concat-mse", data);
  EXPECT_TRUE(model->predicts_values());
  std::vector<float> scores(model->n_items());
  double model_se = 0, mean_se = 0;
  int n = 0;
  for (int32_t u = 0; u < kUsers; ++u) {
    UserContext user = make_context(data, u);
    model->score(std::span<const UserContext>(&user, 1), scores.data());
    for (int32_t i = 0; i < kItems; ++i) {
      if (pair_hash(u, i) != 9) continue;
      double truth = group_rating(u, i);
      model_se += (scores[i] - truth) * (scores[i] - truth);
      mean_se += (mean - truth) * (mean - truth);
      ++n;
    }
  }
  ASSERT_GT(n, 100);
  double model_rmse = std::sqrt(model_se / n), mean_rmse = std::sqrt(mean_se / n);
  // The mean is about 2 off on every pair; a model that learnt the groups is far closer.
  EXPECT_GT(mean_rmse, 1.9);
  EXPECT_LT(model_rmse, 0.5 * mean_rmse) << "model " << model_rmse << ", mean " << mean_rmse;
}

TEST(Ncf, FoldInIsDeterministicAndFollowsTheHistory) {
  auto data = testing::clustered_dataset();
  auto model = fitted("neumf", data);
  std::vector<UserContext> users = {history({0, 1, 2, 3}), history({0, 1, 2, 3}), history({})};
  std::vector<float> scores(users.size() * model->n_items());
  model->score(users, scores.data());
  auto n = static_cast<size_t>(model->n_items());
  EXPECT_TRUE(std::equal(scores.begin(), scores.begin() + n, scores.begin() + n));
  double a = 0, b = 0;
  for (int32_t i = 4; i < kClusterItems; ++i) a += scores[i];
  for (int32_t i = kClusterItems; i < 2 * kClusterItems; ++i) b += scores[i];
  EXPECT_GT(a / (kClusterItems - 4), b / kClusterItems);
}

TEST(Ncf, RejectsBadOptions) {
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{{"variant", "deep"},
                                                                            {"layers", "64,x"},
                                                                            {"layers", "1"},
                                                                            {"negatives", "-1"},
                                                                            {"factors", "0"}}) {
    Options o;
    o.set(key, value);
    EXPECT_THROW(NcfOptions::parse(o), ConfigError) << key << "=" << value;
  }
}

}  // namespace
}  // namespace lmrec
