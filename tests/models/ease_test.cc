#include "models/ease.h"

#include <gtest/gtest.h>

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

#include "core/errors.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

EaseRecommender fitted(const Dataset& data, double lambda, bool binary) {
  EaseOptions o;
  o.lambda = lambda;
  o.binary = binary;
  EaseRecommender model(o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

// The closed form in double precision, straight from the definition.
Eigen::MatrixXd closed_form(const Dataset& data, double lambda, bool binary) {
  auto rows = testing::dense_user_item(data, binary);
  Eigen::MatrixXd x(data.n_users(), data.n_items());
  for (int32_t u = 0; u < data.n_users(); ++u)
    for (int32_t i = 0; i < data.n_items(); ++i) x(u, i) = rows[u][i];
  Eigen::MatrixXd g = x.transpose() * x;
  g.diagonal().array() += lambda;
  Eigen::MatrixXd p = g.inverse();
  Eigen::MatrixXd b = -p * p.diagonal().cwiseInverse().asDiagonal();
  b.diagonal().setZero();
  return b;
}

void expect_matches_closed_form(bool binary) {
  auto data = testing::random_dataset(3, 50, 20, 0.3);
  const double lambda = 5.0;
  auto model = fitted(data, lambda, binary);
  auto expected = closed_form(data, lambda, binary);
  int32_t n = model.n_items();
  ASSERT_EQ(model.weights().size(), static_cast<size_t>(n) * n);
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = 0; j < n; ++j) {
      float w = model.weights()[static_cast<size_t>(i) * n + j];
      if (i == j) {
        EXPECT_EQ(w, 0.0f);
      }
      EXPECT_NEAR(w, expected(i, j), 1e-4) << i << "," << j;
    }
}

TEST(Ease, BinaryWeightsMatchTheClosedForm) { expect_matches_closed_form(true); }
TEST(Ease, ValueWeightsMatchTheClosedForm) { expect_matches_closed_form(false); }

TEST(Ease, ScoreIsTheHistoryTimesB) {
  auto data = testing::random_dataset(9, 30, 10, 0.4);
  auto model = fitted(data, 3.0, false);
  UserContext user;
  user.items = {1, 4, 1};
  user.values = {2.0f, 0.5f, 1.0f};  // item 1 weighs 3 (values sum) when not binary
  std::vector<float> scores(model.n_items());
  model.score(std::span<const UserContext>(&user, 1), scores.data());
  int32_t n = model.n_items();
  for (int32_t j = 0; j < n; ++j)
    EXPECT_NEAR(scores[j], 3.0f * model.weights()[1 * n + j] + 0.5f * model.weights()[4 * n + j],
                1e-6);
}

TEST(Ease, RejectsBadOptions) {
  Options options;
  options.set("lambda", "0");
  EXPECT_THROW(EaseOptions::parse(options), ConfigError);
  options.set("lambda", "abc");
  EXPECT_THROW(EaseOptions::parse(options), ConfigError);
}

}  // namespace
}  // namespace lmrec
