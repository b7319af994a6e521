#include "models/bpr.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecBPR";
// Generator streams derived from the seed: initialisation, fold-in, one per training thread.
constexpr uint64_t kInitStream = 0, kFoldInStream = 1, kThreadStream = 16;
// Samples between progress reports, and the least a thread gets: below that, starting the
// threads costs more than it saves, so small epochs run on one thread.
constexpr int64_t kChunk = 1 << 14, kMinSamplesPerThread = 4096;

// A thread's generator on its own cache line, so the threads do not share one.
struct alignas(64) ThreadRng {
  explicit ThreadRng(uint64_t seed) : rng(seed) {}
  Rng rng;
};

// One SGD step on the triple (u, i, j) with biases b_i, b_j (null without item biases).
// Returns the sample's loss -ln σ(x_uij).
double train_step(float* __restrict p, float* __restrict qi, float* __restrict qj, float* bi,
                  float* bj, int64_t f, float lr, float reg) {
  float x = bi ? *bi - *bj : 0.0f;
#pragma omp simd reduction(+ : x)
  for (int64_t k = 0; k < f; ++k) x += p[k] * (qi[k] - qj[k]);
  float g = 1.0f / (1.0f + std::exp(x));  // σ(-x) = -∂loss/∂x
  for (int64_t k = 0; k < f; ++k) {
    float pk = p[k];
    p[k] += lr * (g * (qi[k] - qj[k]) - reg * pk);
    qi[k] += lr * (g * pk - reg * qi[k]);
    qj[k] += lr * (-g * pk - reg * qj[k]);
  }
  if (bi) {
    *bi += lr * (g - reg * *bi);
    *bj += lr * (-g - reg * *bj);
  }
  return softplus(-x);
}

// The same step for the user vector alone, the item side fixed (fold-in).
void fold_in_step(float* __restrict p, const float* __restrict qi, const float* __restrict qj,
                  float bias_diff, int64_t f, float lr, float reg) {
  float x = bias_diff;
#pragma omp simd reduction(+ : x)
  for (int64_t k = 0; k < f; ++k) x += p[k] * (qi[k] - qj[k]);
  float g = 1.0f / (1.0f + std::exp(x));
  for (int64_t k = 0; k < f; ++k) p[k] += lr * (g * (qi[k] - qj[k]) - reg * p[k]);
}

// The training state of one fit: X, the owner of each of its entries, the factor arrays and a
// generator per thread.
class Epochs {
 public:
  Epochs(const SparseRows& x, int32_t n_items, int64_t f, float* users, float* items, float* biases,
         float reg, uint64_t seed)
      : x_(x), n_items_(n_items), f_(f), users_(users), items_(items), biases_(biases), reg_(reg) {
    owner_.resize(x.index.size());
    for (int32_t u = 0; u < x.n_rows(); ++u)
      std::fill(owner_.begin() + x.indptr[u], owner_.begin() + x.indptr[u + 1], u);
    for (int t = 0; t < omp_get_max_threads(); ++t)
      rngs_.emplace_back(derive_seed(seed, kThreadStream + t));
  }

  // `samples` SGD steps at step size `lr`; returns the summed loss. One parallel region per
  // epoch, without barriers inside, so a thread the system delays holds nobody up; the first
  // thread reports the progress of all.
  double run(int64_t samples, float lr, Progress& progress) {
    double loss = 0;
    if (owner_.empty()) return loss;
    auto threads = static_cast<int>(
        std::clamp<int64_t>(samples / kMinSamplesPerThread, 1, static_cast<int64_t>(rngs_.size())));
    std::atomic<int64_t> done{0};
    int64_t reported = 0;
#pragma omp parallel num_threads(threads) reduction(+ : loss)
    {
      int t = omp_get_thread_num(), nt = omp_get_num_threads();
      Rng& rng = rngs_[t].rng;
      int64_t end = samples * (t + 1) / nt;
      for (int64_t k = samples * t / nt; k < end; k += kChunk) {
        int64_t n = std::min(kChunk, end - k);
        for (int64_t s = 0; s < n; ++s) loss += step(rng, lr);
        done += n;
        if (t == 0) {
          int64_t now = done;
          progress.advance(now - reported);
          reported = now;
        }
      }
    }
    progress.advance(done - reported);
    return loss;
  }

 private:
  double step(Rng& rng, float lr) {
    uint32_t e = rng.below(owner_.size());
    int32_t u = owner_[e], i = x_.index[e];
    int32_t j = sample_negative(x_.row_index(u), n_items_, rng);
    if (j < 0) return 0.0;  // the user has every item: nothing to rank below
    float* bi = biases_ ? biases_ + i : nullptr;
    float* bj = biases_ ? biases_ + j : nullptr;
    return train_step(users_ + u * f_, items_ + i * f_, items_ + j * f_, bi, bj, f_, lr, reg_);
  }

  const SparseRows& x_;
  int32_t n_items_;
  int64_t f_;
  float *users_, *items_, *biases_;
  float reg_;
  std::vector<int32_t> owner_;
  std::vector<ThreadRng> rngs_;
};

std::vector<int32_t> distinct_sorted(std::vector<int32_t> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

}  // namespace

BprOptions BprOptions::parse(const Options& options) {
  options.check_known("bpr", {"factors", "learning_rate", "lr_decay", "regularization", "epochs",
                              "samples_per_epoch", "seed", "init_scale", "item_bias", "patience",
                              "eval_every", "fold_in_steps"});
  BprOptions o;
  o.factors = options.get_int("factors", o.factors);
  o.learning_rate = options.get_double("learning_rate", o.learning_rate);
  o.lr_decay = options.get_double("lr_decay", o.lr_decay);
  o.regularization = options.get_double("regularization", o.regularization);
  o.epochs = options.get_int("epochs", o.epochs);
  o.samples_per_epoch = options.get_int("samples_per_epoch", o.samples_per_epoch);
  o.seed = options.get_int("seed", o.seed);
  o.init_scale = options.get_double("init_scale", o.init_scale);
  o.item_bias = options.get_bool("item_bias", o.item_bias);
  o.patience = options.get_int("patience", o.patience);
  o.eval_every = options.get_int("eval_every", o.eval_every);
  o.fold_in_steps = options.get_int("fold_in_steps", o.fold_in_steps);
  auto need = [](bool ok, const char* what) {
    if (!ok) LMREC_THROW(ConfigError, std::string("bpr: ") + what);
  };
  need(o.factors > 0 && o.factors <= 4096, "factors must be in [1, 4096]");
  need(o.learning_rate > 0 && std::isfinite(o.learning_rate), "learning_rate must be > 0");
  need(o.lr_decay > 0 && o.lr_decay <= 1, "lr_decay must be in (0, 1]");
  need(o.regularization >= 0 && std::isfinite(o.regularization), "regularization must be >= 0");
  need(o.epochs >= 0, "epochs must be >= 0");
  need(o.samples_per_epoch >= 0, "samples_per_epoch must be >= 0 (0 = one per training pair)");
  need(o.seed >= 0, "seed must be >= 0");
  need(o.init_scale >= 0 && std::isfinite(o.init_scale), "init_scale must be >= 0");
  need(o.patience >= 0, "patience must be >= 0 (0 = no early stopping)");
  need(o.eval_every > 0, "eval_every must be > 0");
  need(o.fold_in_steps >= 0, "fold_in_steps must be >= 0");
  return o;
}

Options BprOptions::to_options() const {
  Options o;
  o.set("factors", std::to_string(factors));
  o.set("learning_rate", format_option(learning_rate));
  o.set("lr_decay", format_option(lr_decay));
  o.set("regularization", format_option(regularization));
  o.set("epochs", std::to_string(epochs));
  o.set("samples_per_epoch", std::to_string(samples_per_epoch));
  o.set("seed", std::to_string(seed));
  o.set("init_scale", format_option(init_scale));
  o.set("item_bias", format_option(item_bias));
  o.set("patience", std::to_string(patience));
  o.set("eval_every", std::to_string(eval_every));
  o.set("fold_in_steps", std::to_string(fold_in_steps));
  return o;
}

int32_t sample_negative(std::span<const int32_t> sorted_items, int32_t n_items, Rng& rng) {
  auto missing = static_cast<int64_t>(n_items) - static_cast<int64_t>(sorted_items.size());
  if (missing <= 0) return -1;
  auto r = static_cast<int32_t>(rng.below(static_cast<uint64_t>(missing)));
  // Before sorted_items[k] lie sorted_items[k] - k missing items; the answer is r + (the number
  // of history items below it), i.e. r + the first k with sorted_items[k] - k > r.
  size_t lo = 0, hi = sorted_items.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (sorted_items[mid] - static_cast<int32_t>(mid) > r)
      hi = mid;
    else
      lo = mid + 1;
  }
  return r + static_cast<int32_t>(lo);
}

BprRecommender::BprRecommender(BprOptions options) : options_(options) {}

void BprRecommender::fit(const Dataset& train, const FitContext& ctx) {
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  const auto& o = options_;
  const int64_t f = o.factors;
  SparseRows x = user_item_matrix(train, true);
  LMREC_CHECK(x.index.size() < (uint64_t{1} << 32), UsageError,
              "bpr: more than 2^32 distinct (user, item) pairs");
  Rng init(derive_seed(static_cast<uint64_t>(o.seed), kInitStream));
  std::vector<float> users(static_cast<size_t>(train.n_users() * f));
  fill_normal(users, o.init_scale, init);
  n_items_ = train.n_items();
  factors_ = static_cast<int32_t>(f);
  item_factors_.assign(static_cast<size_t>(n_items_ * f), 0.0f);
  fill_normal(item_factors_, o.init_scale, init);
  item_biases_.assign(o.item_bias ? static_cast<size_t>(n_items_) : 0, 0.0f);
  log_.clear();

  int64_t samples =
      o.samples_per_epoch > 0 ? o.samples_per_epoch : static_cast<int64_t>(x.index.size());
  Epochs epochs(x, n_items_, f, users.data(), item_factors_.data(),
                o.item_bias ? item_biases_.data() : nullptr, static_cast<float>(o.regularization),
                static_cast<uint64_t>(o.seed));
  EarlyStopping stopping(ctx, static_cast<int>(o.patience), static_cast<int>(o.eval_every));
  std::vector<float> best_factors, best_biases;
  double lr = o.learning_rate;
  progress.start("bpr", o.epochs * samples, "samples");
  try {
    for (int epoch = 1; epoch <= o.epochs; ++epoch, lr *= o.lr_decay) {
      auto start = std::chrono::steady_clock::now();
      double loss = epochs.run(samples, static_cast<float>(lr), progress);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EpochLog log{epoch, samples > 0 ? loss / samples : 0.0, NAN,
                   seconds > 0 ? samples / seconds : 0.0};
      auto verdict = stopping.after_epoch(epoch, *this, log);
      log_.push_back(log);
      progress.status(epoch_status(log, static_cast<int>(o.epochs), "samples"));
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

float BprRecommender::user_vector(const UserContext& user, float* out) const {
  check_context(user);
  const int64_t f = factors_;
  std::fill(out, out + f, 0.0f);
  auto items = distinct_sorted(user.items);
  if (items.empty()) return 0.0f;
  Rng rng(derive_seed(static_cast<uint64_t>(options_.seed), kFoldInStream));
  const auto reg = static_cast<float>(options_.regularization);
  const int64_t steps = options_.fold_in_steps;
  for (int64_t s = 0; s < steps; ++s) {
    int32_t i = items[rng.below(items.size())];
    int32_t j = sample_negative(items, n_items_, rng);
    if (j < 0) break;  // the history holds every item
    float bias_diff = item_biases_.empty() ? 0.0f : item_biases_[i] - item_biases_[j];
    // The step falls linearly to 0, so the last steps settle rather than jitter.
    auto lr = static_cast<float>(options_.learning_rate * static_cast<double>(steps - s) / steps);
    fold_in_step(out, item_factors_.data() + i * f, item_factors_.data() + j * f, bias_diff, f, lr,
                 reg);
  }
  return 0.0f;
}

void BprRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!item_factors_.empty(), UsageError, "bpr: save before fit()");
  save_factors(dir, kMagic, {});
}

void BprRecommender::load_weights(const std::string& dir) {
  load_factors(dir, kMagic, 0);
  if (factors_ != options_.factors)
    LMREC_THROW(FormatError, dir + "/factors.bin: " + std::to_string(factors_) +
                                 " factors, the options say " + std::to_string(options_.factors));
  if (item_biases_.empty() == options_.item_bias)
    LMREC_THROW(FormatError, dir + "/factors.bin: item biases do not match option item_bias");
}

}  // namespace lmrec
