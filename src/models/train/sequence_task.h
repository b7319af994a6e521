// The training task of the sequence models (models/sequential.h): an epoch's windows in batches
// of similar length, each batch's loss under the model's loss (ce, sampled, bce) or the masked-
// item task. A batch is cut into parts that run at once on their own threads (TrainTask::
// shard_loss), each part drawing from random streams of its own, so the result depends on the
// seed and the number of parts, never on how the threads interleave.
#pragma once

#include <functional>
#include <vector>

#include "models/sequential.h"
#include "models/train/sampling.h"
#include "models/train/sequence_batches.h"
#include "models/train/sequence_net.h"
#include "models/train/trainer.h"

namespace lmrec {

// Draws the shared negatives of loss=sampled: uniformly, or in proportion to the training
// counts through their cumulative sums.
class NegativeSampler {
 public:
  NegativeSampler(const std::vector<float>& log_counts, bool by_popularity);
  // `ids` [k], and log(k · q(id)) for popularity (empty for uniform, where it cancels).
  void draw(int64_t k, SampleRng& rng, std::vector<int64_t>& ids, std::vector<float>& log_q) const;

 private:
  int64_t n_ = 0;
  std::vector<double> cumulative_;
};

class SequenceTask : public TrainTask {
 public:
  // newest_only: each window's one target follows its newest input (prefix windows), so only
  // that state is computed. `log_counts` [n_items]: log(1 + training count), for the sampler.
  SequenceTask(SequenceNet& net, const SequentialOptions& o, bool masked, bool newest_only,
               SequenceWindows windows, const std::vector<float>& log_counts, torch::Device device,
               std::function<void()> on_weights);
  torch::nn::Module& net() override { return net_; }
  int64_t begin_epoch(int64_t epoch, uint64_t seed) override;
  torch::Tensor batch_loss(int64_t batch, int64_t step, int64_t& samples) override;
  int64_t max_shards() const override;
  ShardLoss shard_loss(int64_t batch, int64_t step, int64_t shard, int64_t shards) override;
  int64_t epoch_samples() const override { return targets_; }
  void weights_changed() override { on_weights_(); }

 private:
  // What one part of a batch draws from; part 0 also orders the epoch.
  struct Part {
    SampleRng rng{0};
    at::Generator noise;
  };
  // The mean loss of the windows `ids` drawn with `part`; `weight` receives the mean's
  // denominator (the targets' total weight) and `samples` their count.
  torch::Tensor part_loss(std::span<const int64_t> ids, Part& part, double& weight,
                          int64_t& samples);
  torch::Tensor loss(const torch::Tensor& h, const torch::Tensor& target, const torch::Tensor& w,
                     Part& part);

  SequenceNet& net_;
  const SequentialOptions& o_;
  bool newest_only_;
  SequenceWindows windows_;
  NegativeSampler sampler_;
  WindowTask task_;
  torch::Device device_;
  std::vector<Part> parts_;
  std::function<void()> on_weights_;
  std::vector<std::vector<int64_t>> batches_;
  int64_t targets_ = 0;
};

}  // namespace lmrec
