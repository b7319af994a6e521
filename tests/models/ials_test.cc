#include "models/ials.h"

#include <gtest/gtest.h>

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

#include <cmath>
#include <filesystem>

#include "core/errors.h"
#include "models/model_test_data.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

IalsRecommender fitted(const Dataset& data, const Options& options, FitContext ctx = {}) {
  IalsRecommender model(IalsOptions::parse(options));
  NullProgress quiet;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

Options opts(std::initializer_list<std::pair<const char*, const char*>> kv) {
  Options o;
  for (const auto& [k, v] : kv) o.set(k, v);
  return o;
}

std::vector<float> row_of(std::span<const float> m, int32_t r, int32_t k) {
  auto begin = m.begin() + static_cast<ptrdiff_t>(r) * k;
  return {begin, begin + k};
}

Eigen::MatrixXd dense(std::span<const float> m, int32_t k) {
  auto rows = static_cast<Eigen::Index>(m.size() / static_cast<size_t>(k));
  Eigen::MatrixXd d(rows, k);
  for (Eigen::Index r = 0; r < rows; ++r)
    for (int32_t c = 0; c < k; ++c) d(r, c) = m[static_cast<size_t>(r) * k + c];
  return d;
}

// The exact user step in double precision from the definition, over every item:
// (Σ_i c_i y_i y_iᵀ + λ_u I) x = Σ_i c_i p_i y_i with c_i = 1 + alpha·x_i, p_i = [x_i > 0].
Eigen::VectorXd brute_force_step(const std::vector<double>& x_row, const Eigen::MatrixXd& y,
                                 const IalsOptions& o) {
  auto k = y.cols();
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  int64_t n = 0;
  for (size_t i = 0; i < x_row.size(); ++i) {
    double c = 1.0 + o.alpha * x_row[i];
    a += c * y.row(static_cast<Eigen::Index>(i)).transpose() * y.row(static_cast<Eigen::Index>(i));
    if (x_row[i] > 0) b += c * y.row(static_cast<Eigen::Index>(i)).transpose(), ++n;
  }
  a.diagonal().array() += o.regularization * std::pow(static_cast<double>(n), o.reg_exponent);
  return a.ldlt().solve(b);
}

// Σ_{u,i} c_ui (p_ui − x_u·y_i)² + Σ_u λ_u |x_u|² + Σ_i λ_i |y_i|², straight from the definition.
double brute_force_loss(const Dataset& data, const IalsRecommender& model, const IalsOptions& o) {
  auto x_dense = testing::dense_user_item(data, o.binary);
  Eigen::MatrixXd x = dense(model.user_factors(), model.factors());
  Eigen::MatrixXd y = dense(model.item_factors(), model.factors());
  double total = 0;
  std::vector<int64_t> item_n(static_cast<size_t>(data.n_items()), 0);
  for (int32_t u = 0; u < data.n_users(); ++u) {
    int64_t n = 0;
    for (int32_t i = 0; i < data.n_items(); ++i) {
      double r = x_dense[u][i], s = x.row(u).dot(y.row(i)), p = r > 0 ? 1 : 0;
      total += (1.0 + o.alpha * r) * (p - s) * (p - s);
      if (r > 0) ++n, ++item_n[static_cast<size_t>(i)];
    }
    total += o.regularization * std::pow(static_cast<double>(n), o.reg_exponent) *
             x.row(u).squaredNorm();
  }
  for (int32_t i = 0; i < data.n_items(); ++i)
    total += o.regularization * std::pow(static_cast<double>(item_n[i]), o.reg_exponent) *
             y.row(i).squaredNorm();
  return total;
}

void expect_near_vector(const std::vector<float>& got, const Eigen::VectorXd& want, double tol) {
  ASSERT_EQ(got.size(), static_cast<size_t>(want.size()));
  for (size_t c = 0; c < got.size(); ++c)
    EXPECT_NEAR(got[c], want(static_cast<Eigen::Index>(c)), tol * (1 + std::abs(want(c)))) << c;
}

TEST(IalsOptions, RoundTripAndValidation) {
  auto o = IalsOptions::parse(opts({{"factors", "8"},
                                    {"regularization", "0.3"},
                                    {"alpha", "2.5"},
                                    {"solver", "cholesky"},
                                    {"reg_exponent", "1"},
                                    {"patience", "2"},
                                    {"binary", "false"}}));
  EXPECT_EQ(o.factors, 8);
  EXPECT_EQ(o.solver, "cholesky");
  EXPECT_FALSE(o.binary);
  auto again = IalsOptions::parse(o.to_options());
  EXPECT_EQ(again.to_options().values(), o.to_options().values());
  EXPECT_EQ(again.regularization, 0.3);
  EXPECT_THROW(IalsOptions::parse(opts({{"solver", "lu"}})), ConfigError);
  EXPECT_THROW(IalsOptions::parse(opts({{"regularization", "0"}})), ConfigError);
  EXPECT_THROW(IalsOptions::parse(opts({{"factors", "0"}})), ConfigError);
  EXPECT_THROW(IalsOptions::parse(opts({{"lambda", "1"}})), ConfigError);
}

// One Cholesky user step against the dense normal equations, for binary and valued data.
void expect_user_step_is_exact(bool binary, const char* exponent) {
  auto data = testing::random_dataset(5, 40, 25, 0.25);
  auto options = opts({{"factors", "6"},
                       {"iterations", "2"},
                       {"solver", "cholesky"},
                       {"regularization", "0.5"},
                       {"alpha", "3"},
                       {"reg_exponent", exponent},
                       {"binary", binary ? "true" : "false"}});
  auto model = fitted(data, options);
  auto o = IalsOptions::parse(options);
  auto x = testing::dense_user_item(data, binary);
  Eigen::MatrixXd y = dense(model.item_factors(), model.factors());
  for (int32_t u : {0, 7, 39}) {
    auto got = model.solve_user(make_context(data, u));
    expect_near_vector(got, brute_force_step(x[u], y, o), 1e-4);
  }
}

TEST(Ials, CholeskyUserStepEqualsDenseSolve) {
  expect_user_step_is_exact(true, "0");
  expect_user_step_is_exact(false, "0");
  expect_user_step_is_exact(true, "1");
}

TEST(Ials, TrainingUserFactorsAreTheExactStep) {
  // After a Cholesky fit, the training users' factors are the exact step against the item
  // factors of the previous iteration, i.e. of a fit one iteration shorter.
  auto data = testing::random_dataset(11, 30, 20, 0.3);
  auto base = opts({{"factors", "5"}, {"solver", "cholesky"}, {"alpha", "4"}});
  base.set("iterations", "3");
  auto three = fitted(data, base);
  base.set("iterations", "2");
  auto two = fitted(data, base);
  auto o = IalsOptions::parse(base);
  auto x = testing::dense_user_item(data, true);
  Eigen::MatrixXd y = dense(two.item_factors(), 5);
  for (int32_t u = 0; u < data.n_users(); ++u)
    expect_near_vector(row_of(three.user_factors(), u, 5), brute_force_step(x[u], y, o), 1e-4);
}

TEST(Ials, FoldInOfAHeldOutUserIsTheExactStep) {
  auto data = testing::random_dataset(8, 60, 30, 0.2);
  const int32_t held = 17;
  std::vector<uint8_t> keep(static_cast<size_t>(data.n_interactions()));
  for (int64_t r = 0; r < data.n_interactions(); ++r) keep[r] = data.rows.user[r] != held;
  auto options = opts({{"factors", "8"}, {"alpha", "5"}, {"binary", "false"}});
  auto model = fitted(data.subset(keep), options);
  auto row = testing::dense_user_item(data, false)[held];
  Eigen::MatrixXd y = dense(model.item_factors(), 8);
  UserContext ctx = make_context(data, held);
  ctx.user = -1;
  auto got = model.solve_user(ctx);
  expect_near_vector(got, brute_force_step(row, y, IalsOptions::parse(options)), 1e-4);
  // Scoring uses exactly this vector.
  std::vector<float> scores(static_cast<size_t>(model.n_items()));
  model.score(std::span<const UserContext>(&ctx, 1), scores.data());
  for (int32_t i = 0; i < model.n_items(); ++i) {
    double dot = 0;
    for (int32_t c = 0; c < 8; ++c) dot += got[c] * y(i, c);
    EXPECT_NEAR(scores[i], dot, 1e-5);
  }
}

void expect_loss_decreases(const char* exponent, bool binary) {
  auto data = testing::random_dataset(21, 50, 30, 0.2);
  auto options = opts({{"factors", "6"},
                       {"solver", "cholesky"},
                       {"alpha", "4"},
                       {"regularization", "0.2"},
                       {"reg_exponent", exponent},
                       {"binary", binary ? "true" : "false"}});
  auto o = IalsOptions::parse(options);
  double previous = INFINITY;
  for (int it = 1; it <= 8; ++it) {
    options.set("iterations", std::to_string(it));
    auto model = fitted(data, options);
    double loss = brute_force_loss(data, model, o);
    SparseRows rows = user_item_matrix(data, binary);
    EXPECT_NEAR(als::loss(rows, model.user_factors(), model.item_factors(), 6, o.weights()), loss,
                1e-4 * loss);
    EXPECT_LE(loss, previous * (1 + 1e-6)) << "iteration " << it;
    previous = loss;
  }
}

TEST(Ials, CholeskyLossDecreasesMonotonically) {
  expect_loss_decreases("0", true);
  expect_loss_decreases("1", true);
  expect_loss_decreases("0", false);
}

TEST(Ials, ConjugateGradientReachesTheCholeskyObjective) {
  auto data = testing::random_dataset(4, 80, 40, 0.15);
  auto options = opts({{"factors", "8"}, {"alpha", "4"}, {"iterations", "40"}});
  options.set("solver", "cholesky");
  auto exact = fitted(data, options);
  options.set("solver", "cg");
  auto cg = fitted(data, options);
  auto o = IalsOptions::parse(options);
  double l_exact = brute_force_loss(data, exact, o), l_cg = brute_force_loss(data, cg, o);
  EXPECT_NEAR(l_cg, l_exact, 1e-3 * l_exact);
  // And far below where they started.
  options.set("iterations", "1");
  EXPECT_LT(l_exact, 0.9 * brute_force_loss(data, fitted(data, options), o));
}

TEST(Ials, EarlyStoppingRestoresTheBestIteration) {
  auto data = testing::random_dataset(9, 40, 20, 0.3);
  std::vector<double> script = {0.1, 0.3, 0.2, 0.25, 0.9, 0.95};
  std::vector<std::vector<float>> seen;
  FitContext ctx;
  ctx.validate = [&](const Recommender& m) {
    seen.emplace_back(dynamic_cast<const IalsRecommender&>(m).item_factors().begin(),
                      dynamic_cast<const IalsRecommender&>(m).item_factors().end());
    return script[seen.size() - 1];
  };
  auto options = opts({{"factors", "4"}, {"iterations", "10"}, {"patience", "2"}});
  auto model = fitted(data, options, ctx);
  ASSERT_EQ(seen.size(), 4u);  // best at the 2nd, two evaluations without improvement
  std::vector<float> final_items(model.item_factors().begin(), model.item_factors().end());
  EXPECT_EQ(final_items, seen[1]);
  options.set("iterations", "2");
  options.set("patience", "0");
  auto two = fitted(data, options);
  EXPECT_EQ(std::vector<float>(two.item_factors().begin(), two.item_factors().end()), seen[1]);
  EXPECT_EQ(std::vector<float>(two.user_factors().begin(), two.user_factors().end()),
            std::vector<float>(model.user_factors().begin(), model.user_factors().end()));

  // Every second iteration: evaluations after iterations 2, 4, 6, 8.
  seen.clear();
  options = opts({{"factors", "4"}, {"iterations", "10"}, {"patience", "2"}, {"eval_every", "2"}});
  model = fitted(data, options, ctx);
  ASSERT_EQ(seen.size(), 4u);
  options.set("iterations", "4");
  options.set("patience", "0");
  auto four = fitted(data, options);
  EXPECT_EQ(std::vector<float>(four.item_factors().begin(), four.item_factors().end()), seen[1]);
  EXPECT_EQ(std::vector<float>(model.item_factors().begin(), model.item_factors().end()), seen[1]);
}

TEST(Ials, ItemsWithoutInteractionsGetZeroVectors) {
  auto data = testing::clustered_dataset();
  auto model = fitted(data, {});
  int32_t unseen = 2 * testing::kClusterItems;
  for (float v : row_of(model.item_factors(), unseen, model.factors())) EXPECT_EQ(v, 0.0f);
  UserContext empty;
  for (float v : model.solve_user(empty)) EXPECT_EQ(v, 0.0f);
}

TEST(Ials, RejectsNonFiniteAndNegativeValues) {
  auto data = testing::random_dataset(2, 10, 8, 0.5);
  data.rows.value[3] = NAN;
  EXPECT_THROW(fitted(data, {}), UsageError);
  data.rows.value[3] = INFINITY;
  EXPECT_THROW(fitted(data, opts({{"binary", "false"}})), UsageError);
  data.rows.value[3] = -10.0f;
  EXPECT_THROW(fitted(data, opts({{"binary", "false"}})), UsageError);
  auto model = fitted(data, {});  // binary: the value does not matter
  UserContext ctx = make_context(data, 0);
  ctx.values[0] = NAN;
  EXPECT_THROW(model.solve_user(ctx), UsageError);
}

TEST(Ials, ExportsFactorsAsNpy) {
  auto data = testing::random_dataset(6, 12, 9, 0.4);
  auto model = fitted(data, opts({{"factors", "3"}}));
  std::string dir = testing::temp_dir("ials-export") + "/out";
  model.export_factors(dir);
  int64_t rows = 0, cols = 0;
  auto items = read_npy(dir + "/items.npy", rows, cols);
  EXPECT_EQ(rows, 9);
  EXPECT_EQ(cols, 3);
  EXPECT_EQ(items, std::vector<float>(model.item_factors().begin(), model.item_factors().end()));
  auto users = read_npy(dir + "/users.npy", rows, cols);
  EXPECT_EQ(rows, 12);
  EXPECT_EQ(users, std::vector<float>(model.user_factors().begin(), model.user_factors().end()));
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

}  // namespace
}  // namespace lmrec
