#include "models/train/train_options.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "core/errors.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

void check_positive(const std::string& model, const std::string& key, double v) {
  if (!(v > 0)) LMREC_THROW(ConfigError, model + ": " + key + " must be > 0");
}

void check_non_negative(const std::string& model, const std::string& key, double v) {
  if (!(v >= 0)) LMREC_THROW(ConfigError, model + ": " + key + " must be >= 0");
}

}  // namespace

void check_choice(const std::string& model, const std::string& key, const std::string& value,
                  const std::set<std::string>& allowed) {
  if (allowed.count(value)) return;
  std::string names;
  for (const auto& a : allowed) names += (names.empty() ? "" : "|") + a;
  LMREC_THROW(ConfigError, model + ": " + key + " '" + value + "' (expected " + names + ")");
}

const std::set<std::string>& TrainOptions::keys() {
  static const std::set<std::string> kKeys = {
      "epochs",         "batch_size", "learning_rate", "optimizer",  "weight_decay", "warmup_steps",
      "lr_schedule",    "lr_decay",   "clip_norm",     "patience",   "eval_every",   "seed",
      "checkpoint_dir", "log_path",   "device",        "time_limit", "ema_decay"};
  return kKeys;
}

TrainOptions TrainOptions::parse(const Options& options, const std::string& model, TrainOptions o) {
  o.epochs = options.get_int("epochs", o.epochs);
  o.batch_size = options.get_int("batch_size", o.batch_size);
  o.learning_rate = options.get_double("learning_rate", o.learning_rate);
  o.optimizer = options.get_string("optimizer", o.optimizer);
  o.weight_decay = options.get_double("weight_decay", o.weight_decay);
  o.warmup_steps = options.get_int("warmup_steps", o.warmup_steps);
  o.lr_schedule = options.get_string("lr_schedule", o.lr_schedule);
  o.lr_decay = options.get_double("lr_decay", o.lr_decay);
  o.clip_norm = options.get_double("clip_norm", o.clip_norm);
  o.ema_decay = options.get_double("ema_decay", o.ema_decay);
  o.patience = options.get_int("patience", o.patience);
  o.eval_every = options.get_int("eval_every", o.eval_every);
  o.time_limit = options.get_double("time_limit", o.time_limit);
  o.seed = options.get_int("seed", o.seed);
  o.checkpoint_dir = options.get_string("checkpoint_dir", o.checkpoint_dir);
  o.log_path = options.get_string("log_path", o.log_path);
  o.device = options.get_string("device", o.device);
  check_positive(model, "epochs", static_cast<double>(o.epochs));
  check_positive(model, "batch_size", static_cast<double>(o.batch_size));
  check_positive(model, "learning_rate", o.learning_rate);
  check_positive(model, "lr_decay", o.lr_decay);
  check_positive(model, "eval_every", static_cast<double>(o.eval_every));
  check_non_negative(model, "weight_decay", o.weight_decay);
  check_non_negative(model, "warmup_steps", static_cast<double>(o.warmup_steps));
  check_non_negative(model, "clip_norm", o.clip_norm);
  if (!(o.ema_decay >= 0 && o.ema_decay < 1))
    LMREC_THROW(ConfigError, model + ": ema_decay must be in [0, 1) (0 = off)");
  check_non_negative(model, "patience", static_cast<double>(o.patience));
  check_non_negative(model, "time_limit", o.time_limit);
  check_non_negative(model, "seed", static_cast<double>(o.seed));
  check_choice(model, "optimizer", o.optimizer, {"adam", "adamw"});
  check_choice(model, "lr_schedule", o.lr_schedule,
               {"constant", "linear", "cosine", "exponential", "plateau"});
  if (o.lr_schedule == "plateau" && !(o.lr_decay < 1))
    LMREC_THROW(ConfigError, model + ": lr_schedule=plateau needs lr_decay < 1");
  check_choice(model, "device", o.device, {"cpu", "cuda"});
  return o;
}

void TrainOptions::write(Options& out) const {
  out.set("epochs", std::to_string(epochs));
  out.set("batch_size", std::to_string(batch_size));
  out.set("learning_rate", format_option(learning_rate));
  out.set("optimizer", optimizer);
  out.set("weight_decay", format_option(weight_decay));
  out.set("warmup_steps", std::to_string(warmup_steps));
  out.set("lr_schedule", lr_schedule);
  out.set("lr_decay", format_option(lr_decay));
  out.set("clip_norm", format_option(clip_norm));
  out.set("ema_decay", format_option(ema_decay));
  out.set("patience", std::to_string(patience));
  out.set("eval_every", std::to_string(eval_every));
  out.set("time_limit", format_option(time_limit));
  out.set("seed", std::to_string(seed));
  out.set("checkpoint_dir", checkpoint_dir);
  out.set("log_path", log_path);
  out.set("device", device);
}

double learning_rate_at(const TrainOptions& o, int64_t step, int64_t total_steps, int64_t epoch,
                        int64_t plateaus, double time_used) {
  double lr = o.learning_rate;
  if (step < o.warmup_steps) return lr * static_cast<double>(step + 1) / (o.warmup_steps + 1);
  int64_t span = std::max<int64_t>(1, total_steps - o.warmup_steps);
  double t = std::clamp(
      std::max(static_cast<double>(step - o.warmup_steps) / static_cast<double>(span), time_used),
      0.0, 1.0);
  if (o.lr_schedule == "linear") return lr * (1.0 - t);
  if (o.lr_schedule == "cosine") return lr * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
  if (o.lr_schedule == "exponential") return lr * std::pow(o.lr_decay, static_cast<double>(epoch));
  if (o.lr_schedule == "plateau") return lr * std::pow(o.lr_decay, static_cast<double>(plateaus));
  return lr;
}

std::string run_signature(const std::string& model, Options options, uint64_t data_fingerprint) {
  for (const char* k :
       {"epochs", "patience", "eval_every", "time_limit", "checkpoint_dir", "log_path"})
    options.set(k, "");
  std::ostringstream s;
  s << model;
  for (const auto& [k, v] : options.values()) s << ' ' << k << '=' << v;
  s << " data=" << data_fingerprint;
  return s.str();
}

}  // namespace lmrec
