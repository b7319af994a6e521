#include "models/mf.h"

#include <gtest/gtest.h>

#include <cmath>

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

#include "core/errors.h"
#include "models/model_test_data.h"
#include "models/sgd.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

MfRecommender fitted(const Dataset& data, MfOptions o = {}) {
  MfRecommender model(o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

float predict(const MfRecommender& model, const UserContext& user, int32_t item) {
  std::vector<float> row(static_cast<size_t>(model.n_items()));
  model.score(std::span<const UserContext>(&user, 1), row.data());
  return row[item];
}

// Ratings from a known model r = 3 + b_u + b_i + <p_u, q_i> + noise, rank 3, on a random 30% of
// the cells; every 10th sampled cell is held out.
struct Synthetic {
  Dataset train;
  std::vector<testing::Rating> held_out;
  double noise;
};

Synthetic synthetic_ratings(double noise) {
  const int32_t n_users = 400, n_items = 200, rank = 3;
  Rng rng(11);
  auto draw = [&](int n, double scale) {
    std::vector<double> v(n);
    for (double& x : v) x = scale * rng.normal();
    return v;
  };
  auto bu = draw(n_users, 0.4), bi = draw(n_items, 0.4);
  auto p = draw(n_users * rank, 0.6), q = draw(n_items * rank, 0.6);
  Synthetic s{{}, {}, noise};
  std::vector<testing::Rating> train;
  int64_t time = 1'000'000, cell = 0;
  for (int32_t u = 0; u < n_users; ++u)
    for (int32_t i = 0; i < n_items; ++i) {
      if (rng.uniform() >= 0.3) continue;
      double r = 3.0 + bu[u] + bi[i] + noise * rng.normal();
      for (int k = 0; k < rank; ++k) r += p[u * rank + k] * q[i * rank + k];
      testing::Rating rating{u, i, static_cast<float>(r), time += 60};
      (++cell % 10 == 0 ? s.held_out : train).push_back(rating);
    }
  s.train = testing::rated_dataset(n_users, n_items, train);
  return s;
}

TEST(Mf, HeldOutRmseApproachesTheNoise) {
  auto s = synthetic_ratings(0.3);
  MfOptions o;
  o.factors = 10;
  o.epochs = 60;
  o.learning_rate = 0.01;
  o.regularization = 0.02;
  auto model = fitted(s.train, o);
  double sse = 0, sse_mean = 0;
  for (const auto& r : s.held_out) {
    double err = predict(model, make_context(s.train, r.user), r.item) - r.value;
    double err_mean = model.global_mean() - r.value;
    sse += err * err, sse_mean += err_mean * err_mean;
  }
  double rmse = std::sqrt(sse / s.held_out.size());
  double rmse_mean = std::sqrt(sse_mean / s.held_out.size());
  EXPECT_LT(rmse, 1.25 * s.noise) << "global mean alone: " << rmse_mean;
  EXPECT_GT(rmse, 0.8 * s.noise);
  const auto& log = model.training_log();
  EXPECT_LT(log.back().loss, log.front().loss);
}

// The fold-in against the normal equations of the same ridge problem, built densely in double
// precision and solved by LU: minimise Σ (r - μ - b_i - b - <p, q_i>)² + n λ_b b² + n λ |p|².
TEST(Mf, FoldInEqualsTheDenseRidgeSolution) {
  auto data = testing::random_dataset(4, 40, 30, 0.3);
  MfOptions o;
  o.factors = 6;
  o.epochs = 10;
  o.regularization = 0.07;
  o.bias_regularization = 0.03;
  auto model = fitted(data, o);
  UserContext user;
  user.items = {2, 5, 7, 2, 11};
  user.values = {4.0f, 1.5f, 3.0f, 5.0f, 2.5f};
  const int f = model.factors(), d = f + 1;
  const double n = static_cast<double>(user.items.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(d, d);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(d);
  for (size_t k = 0; k < user.items.size(); ++k) {
    int32_t i = user.items[k];
    Eigen::VectorXd z(d);
    z(0) = 1.0;
    for (int c = 0; c < f; ++c) z(c + 1) = model.item_factors()[i * f + c];
    for (int r = 0; r < d; ++r)
      for (int c = 0; c < d; ++c) a(r, c) += z(r) * z(c);
    b += (user.values[k] - model.global_mean() - model.item_biases()[i]) * z;
  }
  a(0, 0) += n * o.bias_regularization;
  for (int c = 1; c < d; ++c) a(c, c) += n * o.regularization;
  Eigen::VectorXd x = a.fullPivLu().solve(b);

  std::vector<float> vec(f);
  float offset = model.user_vector(user, vec.data());
  EXPECT_NEAR(offset, model.global_mean() + x(0), 1e-5);
  for (int c = 0; c < f; ++c) EXPECT_NEAR(vec[c], x(c + 1), 1e-5) << c;
  // The solution is a minimum: the gradient of the objective vanishes there.
  EXPECT_LT((a * x - b).norm(), 1e-9 * (1 + b.norm()));
}

TEST(Mf, UnratedHistoryCountsAsTheTopRating) {
  auto data = testing::clustered_dataset();
  auto model = fitted(data);
  EXPECT_EQ(model.unrated_value(), 5.0f);
  UserContext unrated, rated;
  unrated.items = rated.items = {1, 2, 3};
  rated.values = {5.0f, 5.0f, 5.0f};
  std::vector<float> a(model.factors()), b(model.factors());
  EXPECT_EQ(model.user_vector(unrated, a.data()), model.user_vector(rated, b.data()));
  EXPECT_EQ(a, b);
  UserContext empty;
  EXPECT_EQ(model.user_vector(empty, a.data()), model.global_mean());
}

TEST(Mf, ImplicitDataIsAConfigError) {
  auto data = testing::make_dataset(3, 3, {{0, 0, 1}, {1, 1, 2}, {2, 2, 3}});
  ASSERT_FALSE(data.explicit_values);
  MfRecommender model;
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  EXPECT_THROW(model.fit(data, ctx), ConfigError);
}

TEST(Mf, NonFiniteRatingsAreUsageErrors) {
  auto data = testing::rated_dataset(2, 2, {{0, 0, 4.0f, 1}, {1, 1, NAN, 2}});
  MfRecommender model;
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  EXPECT_THROW(model.fit(data, ctx), UsageError);

  auto good = fitted(testing::clustered_dataset());
  std::vector<float> out(good.factors());
  UserContext user;
  user.items = {0, 1};
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    user.values = {3.0f, bad};
    EXPECT_THROW(good.user_vector(user, out.data()), UsageError);
  }
  user.values = {3.0f};  // one value for two items
  EXPECT_THROW(good.user_vector(user, out.data()), UsageError);
}

TEST(Mf, SameSeedSameModel) {
  auto data = testing::random_dataset(8, 60, 40, 0.2);
  auto a = fitted(data), b = fitted(data);
  EXPECT_TRUE(
      std::equal(a.item_factors().begin(), a.item_factors().end(), b.item_factors().begin()));
  MfOptions o;
  o.seed = 7;
  auto c = fitted(data, o);
  EXPECT_FALSE(
      std::equal(a.item_factors().begin(), a.item_factors().end(), c.item_factors().begin()));
}

TEST(Mf, OptionsRoundTripAndBadValuesAreRejected) {
  Options in;
  in.set("factors", "20");
  in.set("regularization", "0.1");
  in.set("bias_regularization", "0.005");
  in.set("epochs", "5");
  auto o = MfOptions::parse(in);
  EXPECT_EQ(o.factors, 20);
  EXPECT_EQ(o.bias_regularization, 0.005);
  EXPECT_EQ(MfOptions::parse(o.to_options()).to_options().values(), o.to_options().values());
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"factors", "-1"},
                                                        {"regularization", "0"},
                                                        {"bias_regularization", "-0.1"},
                                                        {"learning_rate", "nan"},
                                                        {"patience", "-1"},
                                                        {"bogus", "1"}}) {
    Options bad;
    bad.set(key, value);
    EXPECT_THROW(MfOptions::parse(bad), ConfigError) << key << "=" << value;
  }
}

}  // namespace
}  // namespace lmrec
