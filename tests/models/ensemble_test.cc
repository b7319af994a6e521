#include "models/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "models/model_test_data.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

Options small(std::vector<std::string> extra = {}) {
  Options o;
  for (const char* kv : {"member=sasrec", "hidden=16", "layers=1", "heads=1", "epochs=10",
                         "learning_rate=0.01", "dropout=0", "patience=0"})
    o.set(kv);
  for (const auto& kv : extra) o.set(kv);
  return o;
}

std::unique_ptr<Recommender> fitted(const Options& o, const Dataset& data) {
  auto model = make_recommender("ensemble", o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(data, ctx);
  return model;
}

std::vector<float> log_softmax(std::vector<float> s) {
  double z = 0;
  for (float v : s) z += std::exp(static_cast<double>(v));
  for (float& v : s) v -= static_cast<float>(std::log(z));
  return s;
}

// Members train from consecutive seeds, so they differ, and the ensemble scores the mean of
// their log-probabilities.
TEST(Ensemble, ScoresTheMeanLogProbabilityOfMembersFromDifferentSeeds) {
  auto data = testing::clustered_dataset();
  auto model = fitted(small({"seed=5"}), data);
  const auto& members = dynamic_cast<const EnsembleRecommender&>(*model).members();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0]->options().get_int("seed", -1), 5);
  EXPECT_EQ(members[1]->options().get_int("seed", -1), 6);
  UserContext user;
  user.items = {0, 1, 2};
  auto n = static_cast<size_t>(model->n_items());
  std::vector<float> a(n), b(n), fused(n);
  members[0]->score({&user, 1}, a.data());
  members[1]->score({&user, 1}, b.data());
  model->score({&user, 1}, fused.data());
  EXPECT_NE(a, b);
  auto la = log_softmax(a), lb = log_softmax(b);
  for (size_t i = 0; i < n; ++i) EXPECT_NEAR(fused[i], 0.5f * (la[i] + lb[i]), 1e-4f) << i;
}

// The members share the time limit: with it spent by the first, the second still trains (a
// batch) instead of running unlimited, and the whole fit stays near the limit.
TEST(Ensemble, MembersShareTheTimeLimit) {
  auto data = testing::clustered_dataset();
  auto model = fitted(small({"epochs=100000", "time_limit=0.4"}), data);
  const auto& members = dynamic_cast<const EnsembleRecommender&>(*model).members();
  ASSERT_EQ(members.size(), 2u);
  double first = members[0]->options().get_double("time_limit", 0);
  double second = members[1]->options().get_double("time_limit", 0);
  EXPECT_NEAR(first, 0.2, 1e-3);
  EXPECT_GT(second, 0.0);
  EXPECT_LE(second, 0.25);
}

TEST(Ensemble, RefusesNestingAndNoMembers) {
  EXPECT_THROW(make_recommender("ensemble", small({"member=ensemble"})), ConfigError);
  EXPECT_THROW(make_recommender("ensemble", small({"members=0"})), ConfigError);
  EXPECT_THROW(make_recommender("ensemble", small({"member=nothing"})), ConfigError);
  EXPECT_THROW(make_recommender("ensemble", small({"factors=8"})), ConfigError);  // sasrec's
}

}  // namespace
}  // namespace lmrec
