// Pieces shared by the models trained with stochastic gradient descent (BPR, explicit MF): a
// seeded generator whose streams do not depend on the standard library (so a seed means the same
// model on every platform), Gaussian initialisation, a per-epoch training log and early stopping
// on the validation callback of FitContext.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

// SplitMix64: tiny state (so every thread and every fold-in can own one), passes BigCrush.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for 0 < n < 2^32, by multiply-shift (bias below n / 2^64).
  uint32_t below(uint64_t n) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal();                                                            // N(0, 1)

 private:
  uint64_t state_;
};

// A seed for stream `stream` of a run seeded with `seed`: per thread, per epoch, per fold-in.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

// Fills `values` with N(0, scale²) draws.
void fill_normal(std::span<float> values, double scale, Rng& rng);

// ln(1 + e^x) without overflow: the logistic loss -ln σ(-x).
double softplus(double x);

struct EpochLog {
  int epoch = 0;             // 1-based
  double loss = 0;           // the model's training loss over the epoch's samples
  double valid = 0;          // validation quality after the epoch; NaN when not validated
  double samples_per_s = 0;  // SGD updates per second, validation excluded
};

// Validation every `eval_every` epochs; stops after `patience` checks in a row without a new
// best. Inactive (never validates) when patience is 0 or the run has no validation data.
class EarlyStopping {
 public:
  EarlyStopping(const FitContext& ctx, int patience, int eval_every);
  bool active() const { return active_; }
  enum Verdict { kGoOn, kBest, kStop };
  // After epoch `epoch` (1-based): kBest when this epoch is the best so far (the caller keeps
  // a copy of its weights), kStop when patience has run out. Records the figure in `log`.
  Verdict after_epoch(int epoch, const Recommender& model, EpochLog& log);
  int best_epoch() const { return best_epoch_; }

 private:
  const FitContext& ctx_;
  int patience_, eval_every_, best_epoch_ = 0, misses_ = 0;
  double best_ = 0;
  bool active_;
};

// "epoch 3/30 loss 0.2134 valid 0.0412 1.23M samples/s", for the progress bar.
std::string epoch_status(const EpochLog& log, int epochs, const std::string& unit);

}  // namespace lmrec
