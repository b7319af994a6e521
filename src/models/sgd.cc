#include "models/sgd.h"

#include <cmath>
#include <cstdio>

#include "core/progress.h"

namespace lmrec {

double Rng::normal() {
  // Box-Muller; 1 - uniform() lies in (0, 1], so the logarithm is finite.
  double r = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  return r * std::cos(2.0 * M_PI * uniform());
}

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  Rng mix(seed ^ (stream * 0xD1B54A32D192ED03ull));
  mix.next();
  return mix.next();
}

void fill_normal(std::span<float> values, double scale, Rng& rng) {
  for (float& v : values) v = static_cast<float>(scale * rng.normal());
}

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

EarlyStopping::EarlyStopping(const FitContext& ctx, int patience, int eval_every)
    : ctx_(ctx),
      patience_(patience),
      eval_every_(eval_every),
      active_(patience > 0 && static_cast<bool>(ctx.validate)) {}

EarlyStopping::Verdict EarlyStopping::after_epoch(int epoch, const Recommender& model,
                                                  EpochLog& log) {
  log.valid = NAN;
  if (!active_ || epoch % eval_every_ != 0) return kGoOn;
  log.valid = ctx_.validate(model);
  // A NaN figure (no validation cases) never counts as a new best.
  if (best_epoch_ == 0 ? !std::isnan(log.valid) : log.valid > best_) {
    best_ = log.valid;
    best_epoch_ = epoch;
    misses_ = 0;
    return kBest;
  }
  return ++misses_ >= patience_ ? kStop : kGoOn;
}

std::string epoch_status(const EpochLog& log, int epochs, const std::string& unit) {
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "epoch %d/%d loss %.4f", log.epoch, epochs, log.loss);
  if (!std::isnan(log.valid)) n += std::snprintf(buf + n, sizeof buf - n, " valid %.4f", log.valid);
  std::snprintf(buf + n, sizeof buf - n, " %s %s/s", format_count(log.samples_per_s).c_str(),
                unit.c_str());
  return buf;
}

}  // namespace lmrec
