// The options every libtorch model shares: optimiser, schedule, batching, early stopping,
// checkpoints, logging, seed and device. Models embed a TrainOptions with their own defaults
// and parse their keys next to it, so one `--set epochs=..` works the same everywhere.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "core/options.h"

namespace lmrec {

struct TrainOptions {
  int64_t epochs = 20;
  int64_t batch_size = 256;
  double learning_rate = 1e-3;
  std::string optimizer = "adam";  // adam (L2 added to the gradient) | adamw (decoupled decay)
  double weight_decay = 0.0;
  // Linear warm-up from 0 over this many optimiser steps; Adam's early steps are noisy while
  // its moment estimates fill.
  int64_t warmup_steps = 0;
  // After warm-up: constant | linear (to 0 at the run's end) | cosine (to 0 at the run's end) |
  // exponential (times lr_decay after every epoch) | plateau (times lr_decay after every
  // validation check that brings no new best; constant where nothing is validated, as with
  // patience 0). The run's end is its last step, or with time_limit the moment the time runs
  // out when that comes first, so a time-limited run still anneals fully within its budget.
  std::string lr_schedule = "constant";
  double lr_decay = 1.0;
  double clip_norm = 0.0;  // global gradient L2 norm cap; 0 = off
  // Polyak averaging (0 = off): after every step the weights' moving average moves towards
  // them by 1 − ema_decay (warming up as (1 + t) / (10 + t) at step t); validation scores the
  // average, and the run keeps it, so late noisy steps are smoothed without lowering the rate.
  double ema_decay = 0.0;
  // Early stopping on FitContext::validate: every `eval_every` epochs, stop after `patience`
  // checks without a new best and restore the best epoch's weights. 0 = off.
  int64_t patience = 0;
  int64_t eval_every = 1;
  // Wall-clock budget in seconds for this call (0 = none): training stops when it is used up,
  // within the epoch at hand, which is validated, and the best epoch is restored as usual.
  double time_limit = 0;
  int64_t seed = 42;
  std::string checkpoint_dir;  // resumable state after every epoch; empty = none
  std::string log_path;        // one JSON line per epoch; empty = none
  std::string device = "cpu";  // cpu | cuda

  // The keys above, for check_known().
  static const std::set<std::string>& keys();
  // Reads the keys above over `defaults`; `model` names the model in errors.
  static TrainOptions parse(const Options& options, const std::string& model,
                            TrainOptions defaults);
  // Writes every key, for the model's options().
  void write(Options& out) const;
};

// ConfigError naming `model` and `key` unless `value` is one of `allowed`.
void check_choice(const std::string& model, const std::string& key, const std::string& value,
                  const std::set<std::string>& allowed);

// What identifies a training run for its checkpoints: the model, every option that shapes the
// result (not epochs, patience, eval_every, time_limit or paths) and the training data.
std::string run_signature(const std::string& model, Options options, uint64_t data_fingerprint);

// The learning rate at optimiser step `step` (0-based) of `total_steps`, in epoch `epoch`
// (0-based), after `plateaus` validation checks without a new best, with the fraction
// `time_used` of the time budget gone: warm-up, then the schedule, whose progress is the
// further along of steps and time.
double learning_rate_at(const TrainOptions& o, int64_t step, int64_t total_steps, int64_t epoch,
                        int64_t plateaus = 0, double time_used = 0);

}  // namespace lmrec
