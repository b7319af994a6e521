#include "models/bpr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/errors.h"
#include "core/threads.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

using testing::kClusterItems;

BprRecommender fitted(const Dataset& data, BprOptions o = {}, FitContext ctx = {}) {
  BprRecommender model(o);
  NullProgress quiet;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

std::vector<float> score_one(const Recommender& model, const UserContext& user) {
  std::vector<float> row(static_cast<size_t>(model.n_items()));
  model.score(std::span<const UserContext>(&user, 1), row.data());
  return row;
}

// Mean over users of the fraction of (own item, other item) pairs scored in the right order,
// each user scored from their whole history.
double training_auc(const Recommender& model, const Dataset& data) {
  double sum = 0;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    UserContext ctx = make_context(data, u);
    auto row = score_one(model, ctx);
    std::set<int32_t> own(ctx.items.begin(), ctx.items.end());
    double right = 0, pairs = 0;
    for (int32_t i : own)
      for (int32_t j = 0; j < data.n_items(); ++j)
        if (!own.count(j)) right += row[i] > row[j], ++pairs;
    sum += right / pairs;
  }
  return sum / data.n_users();
}

// Restores the thread count a test changed.
struct ThreadScope {
  explicit ThreadScope(int n) : saved(thread_count()) { set_threads(n); }
  ~ThreadScope() { set_threads(saved); }
  int saved;
};

TEST(BprSampler, NeverReturnsAHistoryItemAndCoversTheRest) {
  Rng rng(1);
  const int32_t n_items = 50;
  for (std::vector<int32_t> history : std::vector<std::vector<int32_t>>{
           {}, {0}, {49}, {3, 4, 5, 17, 30}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 48, 49}}) {
    std::set<int32_t> own(history.begin(), history.end());
    std::vector<int> counts(n_items, 0);
    const int draws = 20000;
    for (int k = 0; k < draws; ++k) {
      int32_t j = sample_negative(history, n_items, rng);
      ASSERT_GE(j, 0);
      ASSERT_LT(j, n_items);
      ASSERT_FALSE(own.count(j)) << j;
      ++counts[j];
    }
    // Uniform over the missing items: each within 25% of its expectation (about 7 sigma).
    double expected = static_cast<double>(draws) / (n_items - own.size());
    for (int32_t j = 0; j < n_items; ++j) {
      if (!own.count(j)) {
        EXPECT_NEAR(counts[j], expected, 0.25 * expected) << j;
      }
    }
  }
}

TEST(BprSampler, DenseHistories) {
  Rng rng(2);
  std::vector<int32_t> all(20);
  for (int32_t i = 0; i < 20; ++i) all[i] = i;
  EXPECT_EQ(sample_negative(all, 20, rng), -1);
  std::vector<int32_t> but_seven = all;
  but_seven.erase(but_seven.begin() + 7);
  for (int k = 0; k < 100; ++k) EXPECT_EQ(sample_negative(but_seven, 20, rng), 7);
}

// Four clusters of 20 items, each user holding 10 items of one. With 4 factors a fold-in over
// the untrained (random) item factors cannot single out a user's items; the training must
// first gather each cluster's items, which the AUC on the training pairs measures.
Dataset four_clusters() {
  Rng rng(9);
  std::vector<testing::Rating> ratings;
  int64_t time = 1'000'000;
  for (int32_t u = 0; u < 80; ++u) {
    std::vector<int32_t> items(20);
    for (int32_t k = 0; k < 20; ++k) items[k] = 20 * (u % 4) + k;
    for (int32_t k = 0; k < 10; ++k) {
      std::swap(items[k], items[k + rng.below(20 - k)]);
      ratings.push_back({u, items[k], 1.0f, time += 60});
    }
  }
  return testing::rated_dataset(80, 80, ratings);
}

TEST(Bpr, LossFallsAndTrainingAucRises) {
  auto data = four_clusters();
  BprOptions o;
  o.factors = 4;
  o.epochs = 1;
  auto early = fitted(data, o);
  o.epochs = 60;
  auto late = fitted(data, o);
  const auto& log = late.training_log();
  ASSERT_EQ(log.size(), 60u);
  double first = 0, last = 0;
  for (size_t e = 0; e < 10; ++e) first += log[e].loss, last += log[log.size() - 1 - e].loss;
  EXPECT_LT(last, 0.7 * first);
  double auc_early = training_auc(early, data), auc_late = training_auc(late, data);
  EXPECT_GT(auc_late, auc_early + 0.2) << auc_early;
  EXPECT_GT(auc_late, 0.9);
  EXPECT_GT(auc_late, 0.85);
}

TEST(Bpr, OneThreadAndASeedReproduceTheFitExactly) {
  ThreadScope one(1);
  // Large enough that several threads would be used if allowed.
  auto data = testing::random_dataset(5, 800, 300, 0.1);
  BprOptions o;
  o.epochs = 3;
  auto a = fitted(data, o), b = fitted(data, o);
  ASSERT_EQ(a.item_factors().size(), b.item_factors().size());
  EXPECT_TRUE(
      std::equal(a.item_factors().begin(), a.item_factors().end(), b.item_factors().begin()));
  EXPECT_TRUE(std::equal(a.item_biases().begin(), a.item_biases().end(), b.item_biases().begin()));
  o.seed = 43;
  auto c = fitted(data, o);
  EXPECT_FALSE(
      std::equal(a.item_factors().begin(), a.item_factors().end(), c.item_factors().begin()));
}

TEST(Bpr, ParallelFitLearnsToo) {
  ThreadScope two(2);
  auto data = testing::random_dataset(5, 800, 300, 0.1);
  BprOptions o;
  o.epochs = 3;
  auto model = fitted(data, o);
  for (float v : model.item_factors()) ASSERT_TRUE(std::isfinite(v));
  EXPECT_LT(model.training_log().back().loss, model.training_log().front().loss);
}

// Fold-in from a history of one cluster ranks that cluster's unseen items above the other
// cluster's, although the other cluster is more popular: the best unseen item is always of the
// user's cluster, and nearly all (own, other) pairs are in order. (A rarely chosen item of the
// user's cluster may rank low; that is popularity, not a fold-in failure.)
TEST(Bpr, FoldInRanksTheUsersClusterFirst) {
  auto data = testing::clustered_dataset();
  auto model = fitted(data);
  double worst_auc = 1, mean_auc = 0;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    UserContext ctx = make_context(data, u);
    bool in_a = u < testing::kUsersA;
    auto top = model.recommend(ctx, 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item < kClusterItems, in_a) << "user " << u;
    auto row = score_one(model, ctx);
    std::set<int32_t> own(ctx.items.begin(), ctx.items.end());
    double right = 0, pairs = 0;
    for (int32_t i = 0; i < 2 * kClusterItems; ++i) {
      if (own.count(i) || (i < kClusterItems) != in_a) continue;
      for (int32_t j = 0; j < 2 * kClusterItems; ++j)
        if ((j < kClusterItems) != in_a) right += row[i] > row[j], ++pairs;
    }
    worst_auc = std::min(worst_auc, right / pairs);
    mean_auc += right / pairs / data.n_users();
  }
  EXPECT_GT(worst_auc, 0.85);
  EXPECT_GT(mean_auc, 0.98);
}

TEST(Bpr, FoldInIsDeterministicAndIgnoresHistoryOrderAndRepeats) {
  auto data = testing::clustered_dataset();
  auto model = fitted(data);
  std::vector<float> a(model.factors()), b(model.factors()), c(model.factors());
  UserContext x, y;
  x.items = {3, 1, 2};
  y.items = {1, 2, 3, 3};
  model.user_vector(x, a.data());
  model.user_vector(x, b.data());
  model.user_vector(y, c.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_NE(a, std::vector<float>(model.factors(), 0.0f));
  UserContext empty;
  EXPECT_EQ(model.user_vector(empty, a.data()), 0.0f);
  EXPECT_EQ(a, std::vector<float>(model.factors(), 0.0f));
}

TEST(Bpr, EarlyStoppingKeepsTheBestEpoch) {
  auto data = testing::clustered_dataset();
  std::vector<double> figures = {0.1, 0.3, 0.2, 0.25, 0.5};
  int calls = 0;
  FitContext ctx;
  ctx.validate = [&](const Recommender&) { return figures[calls++]; };
  BprOptions o;
  o.epochs = 10;
  o.patience = 2;
  auto stopped = fitted(data, o, ctx);
  EXPECT_EQ(calls, 4);  // epochs 3 and 4 bring no new best
  ASSERT_EQ(stopped.training_log().size(), 4u);
  EXPECT_EQ(stopped.training_log()[1].valid, 0.3);
  o.epochs = 2;
  o.patience = 0;
  auto two = fitted(data, o);
  EXPECT_TRUE(std::equal(stopped.item_factors().begin(), stopped.item_factors().end(),
                         two.item_factors().begin()));
}

TEST(Bpr, OptionsRoundTripAndBadValuesAreRejected) {
  Options in;
  in.set("factors", "16");
  in.set("learning_rate", "0.02");
  in.set("lr_decay", "0.9");
  in.set("item_bias", "false");
  in.set("fold_in_steps", "7");
  auto o = BprOptions::parse(in);
  EXPECT_EQ(o.factors, 16);
  EXPECT_EQ(o.learning_rate, 0.02);
  EXPECT_FALSE(o.item_bias);
  EXPECT_EQ(BprOptions::parse(o.to_options()).to_options().values(), o.to_options().values());
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"factors", "0"},
                                                        {"learning_rate", "0"},
                                                        {"lr_decay", "1.5"},
                                                        {"regularization", "-1"},
                                                        {"eval_every", "0"},
                                                        {"seed", "-3"},
                                                        {"epochs", "x"}}) {
    Options bad;
    bad.set(key, value);
    EXPECT_THROW(BprOptions::parse(bad), ConfigError) << key << "=" << value;
  }
}

TEST(Bpr, WithoutItemBiasesScoresAreDotProducts) {
  auto data = testing::clustered_dataset();
  BprOptions o;
  o.item_bias = false;
  auto model = fitted(data, o);
  EXPECT_TRUE(model.item_biases().empty());
  UserContext empty;
  for (float s : score_one(model, empty)) EXPECT_EQ(s, 0.0f);
}

}  // namespace
}  // namespace lmrec
