#include "models/ials.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecALS";

// Uniform in [-scale, scale), from a portable generator so factors do not depend on the
// standard library's distributions.
std::vector<float> random_factors(size_t n, double scale, std::mt19937_64& rng) {
  std::vector<float> f(n);
  for (auto& v : f) {
    double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    v = static_cast<float>(scale * (2.0 * u - 1.0));
  }
  return f;
}

void check_values(std::span<const float> values, bool binary, const std::string& what) {
  for (float v : values) {
    if (!std::isfinite(v))
      LMREC_THROW(UsageError, "ials: " + what + " holds a NaN or infinite value");
    if (!binary && v < 0.0f)
      LMREC_THROW(UsageError, "ials: " + what +
                                  " holds a negative value; confidence 1 + alpha·value needs "
                                  "values >= 0 (or binary=true)");
  }
}

// The factors of the best validation score so far, for early stopping.
struct BestFactors {
  double score = -std::numeric_limits<double>::infinity();
  int64_t iteration = 0;
  int64_t evaluations_since = 0;
  std::vector<float> users, items;
};

std::string format_score(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", v);
  return buffer;
}

}  // namespace

IalsOptions IalsOptions::parse(const Options& options) {
  options.check_known("ials",
                      {"factors", "regularization", "reg_exponent", "alpha", "iterations", "solver",
                       "cg_steps", "init_scale", "seed", "patience", "eval_every", "binary"});
  IalsOptions o;
  o.factors = options.get_int("factors", o.factors);
  o.regularization = options.get_double("regularization", o.regularization);
  o.reg_exponent = options.get_double("reg_exponent", o.reg_exponent);
  o.alpha = options.get_double("alpha", o.alpha);
  o.iterations = options.get_int("iterations", o.iterations);
  o.solver = options.get_string("solver", o.solver);
  o.cg_steps = options.get_int("cg_steps", o.cg_steps);
  o.init_scale = options.get_double("init_scale", o.init_scale);
  o.seed = options.get_int("seed", o.seed);
  o.patience = options.get_int("patience", o.patience);
  o.eval_every = options.get_int("eval_every", o.eval_every);
  o.binary = options.get_bool("binary", o.binary);
  auto require = [](bool ok, const std::string& what) {
    if (!ok) LMREC_THROW(ConfigError, "ials: " + what);
  };
  require(o.factors >= 1 && o.factors <= 4096, "factors must be in [1, 4096]");
  require(o.regularization > 0, "regularization must be > 0");
  require(o.reg_exponent >= 0 && o.reg_exponent <= 2, "reg_exponent must be in [0, 2]");
  require(o.alpha >= 0 && std::isfinite(o.alpha), "alpha must be >= 0");
  require(o.iterations >= 1, "iterations must be >= 1");
  require(o.solver == "cg" || o.solver == "cholesky", "solver must be cg or cholesky");
  require(o.cg_steps >= 1, "cg_steps must be >= 1");
  require(o.init_scale > 0 && std::isfinite(o.init_scale), "init_scale must be > 0");
  require(o.seed >= 0, "seed must be >= 0");
  require(o.patience >= 0, "patience must be >= 0");
  require(o.eval_every >= 1, "eval_every must be >= 1");
  return o;
}

Options IalsOptions::to_options() const {
  Options o;
  o.set("factors", std::to_string(factors));
  o.set("regularization", format_option(regularization));
  o.set("reg_exponent", format_option(reg_exponent));
  o.set("alpha", format_option(alpha));
  o.set("iterations", std::to_string(iterations));
  o.set("solver", solver);
  o.set("cg_steps", std::to_string(cg_steps));
  o.set("init_scale", format_option(init_scale));
  o.set("seed", std::to_string(seed));
  o.set("patience", std::to_string(patience));
  o.set("eval_every", std::to_string(eval_every));
  o.set("binary", format_option(binary));
  return o;
}

als::Weights IalsOptions::weights() const {
  return {static_cast<float>(alpha), static_cast<float>(regularization),
          static_cast<float>(reg_exponent)};
}

IalsRecommender::IalsRecommender(IalsOptions options) : options_(std::move(options)) {}

void IalsRecommender::fit(const Dataset& train, const FitContext& ctx) {
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  check_values(train.rows.value, true, "the training data");
  SparseRows by_user = user_item_matrix(train, options_.binary);
  check_values(by_user.value, options_.binary, "the training data");
  SparseRows by_item = transpose(by_user, train.n_items());

  auto k = static_cast<int32_t>(options_.factors);
  auto sk = static_cast<size_t>(k);
  std::mt19937_64 rng(static_cast<uint64_t>(options_.seed));
  user_factors_ =
      random_factors(static_cast<size_t>(train.n_users()) * sk, options_.init_scale, rng);
  item_factors_ =
      random_factors(static_cast<size_t>(train.n_items()) * sk, options_.init_scale, rng);
  item_biases_.clear();
  n_items_ = train.n_items();
  factors_ = k;

  als::Weights weights = options_.weights();
  als::Solver solver = options_.solver == "cholesky" ? als::Solver::kCholesky : als::Solver::kCg;
  auto steps = static_cast<int>(options_.cg_steps);
  bool validating = options_.patience > 0 && static_cast<bool>(ctx.validate);
  BestFactors best;
  progress.start("ials", options_.iterations, "iter");
  for (int64_t it = 1; it <= options_.iterations; ++it) {
    als::solve_rows(by_user, item_factors_, k, weights, solver, steps, user_factors_);
    als::solve_rows(by_item, user_factors_, k, weights, solver, steps, item_factors_);
    progress.advance(1);
    if (!validating || (it % options_.eval_every != 0 && it != options_.iterations)) continue;
    gram_ = als::gramian(item_factors_, k);
    double score = ctx.validate(*this);
    if (std::isnan(score)) {  // no validation cases: nothing to stop on
      validating = false;
      continue;
    }
    if (score > best.score) {
      best = {score, it, 0, user_factors_, item_factors_};
    } else {
      ++best.evaluations_since;
    }
    progress.status("valid " + format_score(score) + ", best " + format_score(best.score) + " @ " +
                    std::to_string(best.iteration));
    if (best.evaluations_since >= options_.patience) break;
  }
  if (best.iteration > 0) {
    user_factors_ = std::move(best.users);
    item_factors_ = std::move(best.items);
  }
  gram_ = als::gramian(item_factors_, k);
  progress.finish();
}

std::vector<float> IalsRecommender::solve_user(const UserContext& user) const {
  check_context(user);
  check_values(user.values, true, "the user's history");
  auto history = history_row(user, n_items_, options_.binary, name());
  std::vector<int32_t> cols(history.size());
  std::vector<float> values(history.size());
  for (size_t j = 0; j < history.size(); ++j)
    cols[j] = history[j].item, values[j] = history[j].weight;
  check_values(values, options_.binary, "the user's history");
  std::vector<float> x(static_cast<size_t>(factors_));
  als::Workspace ws(factors_);
  als::solve_exact(gram_, item_factors_, {cols, values}, options_.weights(), x.data(), ws);
  return x;
}

float IalsRecommender::user_vector(const UserContext& user, float* out) const {
  auto x = solve_user(user);
  std::copy(x.begin(), x.end(), out);
  return 0.0f;
}

void IalsRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!item_factors_.empty(), UsageError, "ials: save before fit()");
  save_factors(dir, kMagic, {});
}

void IalsRecommender::load_weights(const std::string& dir) {
  load_factors(dir, kMagic, 0);
  if (factors_ != options_.factors)
    LMREC_THROW(FormatError, dir + "/factors.bin: " + std::to_string(factors_) +
                                 " factors, but the options say " +
                                 std::to_string(options_.factors));
  user_factors_.clear();
  gram_ = als::gramian(item_factors_, factors_);
}

void IalsRecommender::replace_item_factors(std::vector<float> factors) {
  LMREC_CHECK(factors.size() == item_factors_.size(), UsageError,
              name() + ": replacement item factors have the wrong size");
  item_factors_ = std::move(factors);
  gram_ = als::gramian(item_factors_, factors_);
}

void IalsRecommender::export_factors(const std::string& dir) const {
  LMREC_CHECK(!item_factors_.empty(), UsageError, "ials: export before fit() or load");
  std::filesystem::create_directories(dir);
  write_npy(dir + "/items.npy", item_factors_, n_items_, factors_);
  if (!user_factors_.empty())
    write_npy(dir + "/users.npy", user_factors_,
              static_cast<int64_t>(user_factors_.size()) / factors_, factors_);
}

}  // namespace lmrec
