// The one training loop of every libtorch model: mini-batches from the model's TrainTask,
// Adam/AdamW with warm-up and decay, gradient clipping, weight averaging, early stopping with
// best-epoch restore, resumable checkpoints, a progress bar and a JSON-lines epoch log.
//
// Determinism: a task draws an epoch's batches and noise only from the epoch's seed
// (stream_seed(seed, epoch)), never from torch's global generator. A fixed seed therefore
// gives the same weights, bit for bit for one thread count (a task that runs in parts gives
// each part one torch thread and sums their gradients in order), and a run resumed from a
// checkpoint (weights, optimiser state, step and early-stopping state after an epoch) continues
// exactly as the uninterrupted run would have.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/train/train_options.h"

namespace lmrec {

// One part of a batch's loss, for data-parallel steps: the sum over the part's samples (each
// times its weight) with their total weight, so the parts of a batch add up to the whole.
struct ShardLoss {
  torch::Tensor sum;  // undefined for an empty part
  double weight = 0;
  int64_t samples = 0;
};

// What a model gives the trainer.
class TrainTask {
 public:
  virtual ~TrainTask() = default;
  virtual torch::nn::Module& net() = 0;
  // Prepares epoch `epoch` (0-based) from `seed` alone and returns its number of batches,
  // which must be the same for every epoch.
  virtual int64_t begin_epoch(int64_t epoch, uint64_t seed) = 0;
  // The loss of batch `batch` of the current epoch at optimiser step `step` (0-based, over the
  // whole run); `samples` receives the batch's sample count.
  virtual torch::Tensor batch_loss(int64_t batch, int64_t step, int64_t& samples) = 0;
  // Data-parallel steps: the most parts a batch may be cut into (1: batch_loss only), and the
  // loss of part `shard` of `shards`. The trainer runs the parts at once, one thread each with
  // one torch thread, and sums their gradients in part order, so a part must touch only state
  // of its own.
  virtual int64_t max_shards() const { return 1; }
  virtual ShardLoss shard_loss(int64_t batch, int64_t step, int64_t shard, int64_t shards);
  // Samples per epoch, for the progress bar.
  virtual int64_t epoch_samples() const = 0;
  // The weights changed outside the optimiser or training paused (before validation, after a
  // restore, at the end): refresh whatever scoring derives from them.
  virtual void weights_changed() {}
};

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double loss = 0, valid = 0, samples_per_s = 0, seconds = 0, learning_rate = 0;
  bool validated = false;
};

struct TrainResult {
  std::vector<EpochRecord> log;  // the epochs run in this call
  int64_t best_epoch = 0;        // 0 when early stopping was off
  int64_t resumed_after = 0;     // epochs restored from a checkpoint
};

// Runs the loop. `model` is what ctx.validate scores; `label` heads the progress bar;
// `signature` identifies the model's configuration so that a checkpoint of another one is
// refused (ConfigError) instead of resumed.
TrainResult train(TrainTask& task, const TrainOptions& options, const FitContext& ctx,
                  const Recommender& model, const std::string& label, const std::string& signature);

// Scales the gradients of `params` so their global L2 norm is at most `max_norm`; returns the
// norm before scaling.
double clip_gradients(const std::vector<torch::Tensor>& params, double max_norm);

// libtorch follows lmrec's thread setting (its inter-op pool is fixed at one thread, once).
void use_lmrec_threads();
// "cpu" or "cuda"; ConfigError naming `model` when CUDA is asked for but not available.
torch::Device resolve_device(const std::string& device, const std::string& model);

}  // namespace lmrec
