#include "models/mf.h"

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/errors.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecBMF";
constexpr uint64_t kInitStream = 0, kShuffleStream = 1;
constexpr int64_t kRowsPerProgressStep = 1 << 16;

// The SGD state of one fit: the parameters and the training rows.
struct Parameters {
  int64_t f;
  float mean;
  std::vector<float> users, user_biases;
  float *items, *item_biases;
};

// One SGD step on the rating r of (u, i); returns the squared error before the step.
double train_step(Parameters& m, int32_t u, int32_t i, float r, float lr, float reg,
                  float bias_reg) {
  float* __restrict p = m.users.data() + u * m.f;
  float* __restrict q = m.items + i * m.f;
  float& bu = m.user_biases[u];
  float& bi = m.item_biases[i];
  float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
  for (int64_t k = 0; k < m.f; ++k) dot += p[k] * q[k];
  float e = r - (m.mean + bu + bi + dot);
  bu += lr * (e - bias_reg * bu);
  bi += lr * (e - bias_reg * bi);
  for (int64_t k = 0; k < m.f; ++k) {
    float pk = p[k];
    p[k] += lr * (e * q[k] - reg * pk);
    q[k] += lr * (e * pk - reg * q[k]);
  }
  return static_cast<double>(e) * e;
}

// One pass over the rows in a fresh random order; returns the summed squared error.
double run_epoch(Parameters& m, const Interactions& rows, std::vector<int64_t>& order, Rng& rng,
                 const MfOptions& o, float lr, Progress& progress) {
  for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
  double sse = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    int64_t r = order[k];
    sse +=
        train_step(m, rows.user[r], rows.item[r], rows.value[r], lr,
                   static_cast<float>(o.regularization), static_cast<float>(o.bias_regularization));
    if ((k + 1) % kRowsPerProgressStep == 0) progress.advance(kRowsPerProgressStep);
  }
  progress.advance(static_cast<int64_t>(order.size()) % kRowsPerProgressStep);
  return sse;
}

}  // namespace

MfOptions MfOptions::parse(const Options& options) {
  options.check_known(
      "mf", {"factors", "learning_rate", "lr_decay", "regularization", "bias_regularization",
             "epochs", "seed", "init_scale", "patience", "eval_every"});
  MfOptions o;
  o.factors = options.get_int("factors", o.factors);
  o.learning_rate = options.get_double("learning_rate", o.learning_rate);
  o.lr_decay = options.get_double("lr_decay", o.lr_decay);
  o.regularization = options.get_double("regularization", o.regularization);
  o.bias_regularization = options.get_double("bias_regularization", o.bias_regularization);
  o.epochs = options.get_int("epochs", o.epochs);
  o.seed = options.get_int("seed", o.seed);
  o.init_scale = options.get_double("init_scale", o.init_scale);
  o.patience = options.get_int("patience", o.patience);
  o.eval_every = options.get_int("eval_every", o.eval_every);
  auto need = [](bool ok, const char* what) {
    if (!ok) LMREC_THROW(ConfigError, std::string("mf: ") + what);
  };
  need(o.factors > 0 && o.factors <= 4096, "factors must be in [1, 4096]");
  need(o.learning_rate > 0 && std::isfinite(o.learning_rate), "learning_rate must be > 0");
  need(o.lr_decay > 0 && o.lr_decay <= 1, "lr_decay must be in (0, 1]");
  // The fold-in solve needs both penalties positive to be well posed for short histories.
  need(o.regularization > 0 && std::isfinite(o.regularization), "regularization must be > 0");
  need(o.bias_regularization > 0 && std::isfinite(o.bias_regularization),
       "bias_regularization must be > 0");
  need(o.epochs >= 0, "epochs must be >= 0");
  need(o.seed >= 0, "seed must be >= 0");
  need(o.init_scale >= 0 && std::isfinite(o.init_scale), "init_scale must be >= 0");
  need(o.patience >= 0, "patience must be >= 0 (0 = no early stopping)");
  need(o.eval_every > 0, "eval_every must be > 0");
  return o;
}

Options MfOptions::to_options() const {
  Options o;
  o.set("factors", std::to_string(factors));
  o.set("learning_rate", format_option(learning_rate));
  o.set("lr_decay", format_option(lr_decay));
  o.set("regularization", format_option(regularization));
  o.set("bias_regularization", format_option(bias_regularization));
  o.set("epochs", std::to_string(epochs));
  o.set("seed", std::to_string(seed));
  o.set("init_scale", format_option(init_scale));
  o.set("patience", std::to_string(patience));
  o.set("eval_every", std::to_string(eval_every));
  return o;
}

MfRecommender::MfRecommender(MfOptions options) : options_(options) {}

void MfRecommender::fit(const Dataset& train, const FitContext& ctx) {
  if (!train.explicit_values)
    LMREC_THROW(ConfigError,
                "mf: needs explicit ratings, but the data holds implicit feedback (no value "
                "column, or imported with implicit=T); use bpr or another implicit model, or "
                "import the ratings with their value column");
  const auto& rows = train.rows;
  for (int64_t r = 0; r < rows.size(); ++r)
    if (!std::isfinite(rows.value[r]))
      LMREC_THROW(UsageError, "mf: rating of row " + std::to_string(r) + " is not finite");
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  const auto& o = options_;
  const int64_t f = o.factors;
  double sum = std::accumulate(rows.value.begin(), rows.value.end(), 0.0);
  global_mean_ = rows.size() > 0 ? static_cast<float>(sum / rows.size()) : 0.0f;
  unrated_value_ = rows.size() > 0 ? *std::max_element(rows.value.begin(), rows.value.end()) : 0;
  n_items_ = train.n_items();
  factors_ = static_cast<int32_t>(f);
  Rng init(derive_seed(static_cast<uint64_t>(o.seed), kInitStream));
  Parameters m{f,
               global_mean_,
               std::vector<float>(static_cast<size_t>(train.n_users() * f)),
               std::vector<float>(static_cast<size_t>(train.n_users()), 0.0f),
               nullptr,
               nullptr};
  fill_normal(m.users, o.init_scale, init);
  item_factors_.assign(static_cast<size_t>(n_items_ * f), 0.0f);
  fill_normal(item_factors_, o.init_scale, init);
  item_biases_.assign(static_cast<size_t>(n_items_), 0.0f);
  m.items = item_factors_.data();
  m.item_biases = item_biases_.data();
  log_.clear();

  std::vector<int64_t> order(static_cast<size_t>(rows.size()));
  std::iota(order.begin(), order.end(), 0);
  Rng shuffle(derive_seed(static_cast<uint64_t>(o.seed), kShuffleStream));
  EarlyStopping stopping(ctx, static_cast<int>(o.patience), static_cast<int>(o.eval_every));
  std::vector<float> best_factors, best_biases;
  double lr = o.learning_rate;
  progress.start("mf", o.epochs * rows.size(), "ratings");
  try {
    for (int epoch = 1; epoch <= o.epochs; ++epoch, lr *= o.lr_decay) {
      auto start = std::chrono::steady_clock::now();
      double sse = run_epoch(m, rows, order, shuffle, o, static_cast<float>(lr), progress);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EpochLog log{epoch, rows.size() > 0 ? std::sqrt(sse / rows.size()) : 0.0, NAN,
                   seconds > 0 ? rows.size() / seconds : 0.0};
      auto verdict = stopping.after_epoch(epoch, *this, log);
      log_.push_back(log);
      progress.status(epoch_status(log, static_cast<int>(o.epochs), "ratings"));
      if (verdict == EarlyStopping::kBest) best_factors = item_factors_, best_biases = item_biases_;
      if (verdict == EarlyStopping::kStop) break;
    }
  } catch (...) {
    item_factors_.clear();  // a failed fit leaves the model unfitted
    throw;
  }
  if (stopping.best_epoch() > 0) {
    item_factors_ = std::move(best_factors);
    item_biases_ = std::move(best_biases);
  }
  progress.finish();
}

float MfRecommender::user_vector(const UserContext& user, float* out) const {
  check_context(user);
  const int64_t f = factors_, n = static_cast<int64_t>(user.items.size());
  bool rated = !user.values.empty();
  if (rated && static_cast<int64_t>(user.values.size()) != n)
    LMREC_THROW(UsageError, "mf: the context has " + std::to_string(user.values.size()) +
                                " values for " + std::to_string(n) + " items");
  std::fill(out, out + f, 0.0f);
  if (n == 0) return global_mean_;
  // Rows z = [1, q_i] against targets y = r - μ - b_i; solve (ZᵀZ + n Λ) x = Zᵀy, x = [b_u, p_u].
  Eigen::MatrixXd z(n, f + 1);
  Eigen::VectorXd y(n);
  for (int64_t k = 0; k < n; ++k) {
    int32_t i = user.items[k];
    float r = rated ? user.values[k] : unrated_value_;
    if (!std::isfinite(r))
      LMREC_THROW(UsageError,
                  "mf: the rating of history item " + std::to_string(i) + " is not finite");
    z(k, 0) = 1.0;
    for (int64_t c = 0; c < f; ++c) z(k, c + 1) = item_factors_[i * f + c];
    y(k) = static_cast<double>(r) - global_mean_ - item_biases_[i];
  }
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(f + 1, f + 1);
  a.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
  a(0, 0) += static_cast<double>(n) * options_.bias_regularization;
  for (int64_t c = 1; c <= f; ++c) a(c, c) += static_cast<double>(n) * options_.regularization;
  Eigen::VectorXd x = a.selfadjointView<Eigen::Lower>().llt().solve(z.transpose() * y);
  for (int64_t c = 0; c < f; ++c) out[c] = static_cast<float>(x(c + 1));
  return global_mean_ + static_cast<float>(x(0));
}

void MfRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!item_factors_.empty(), UsageError, "mf: save before fit()");
  save_factors(dir, kMagic, {{global_mean_, unrated_value_}});
}

void MfRecommender::load_weights(const std::string& dir) {
  auto extra = load_factors(dir, kMagic, 1);
  std::string path = dir + "/factors.bin";
  if (extra[0].size() != 2 || item_biases_.size() != static_cast<size_t>(n_items_))
    LMREC_THROW(FormatError,
                path + ": expected item biases, the global mean and the unrated value");
  if (factors_ != options_.factors)
    LMREC_THROW(FormatError, path + ": " + std::to_string(factors_) + " factors, the options say " +
                                 std::to_string(options_.factors));
  global_mean_ = extra[0][0];
  unrated_value_ = extra[0][1];
}

}  // namespace lmrec
