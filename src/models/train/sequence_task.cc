#include "models/train/sequence_task.h"

#include <algorithm>
#include <cmath>

#include "core/threads.h"
#include "models/train/losses.h"
#include "models/train/tensor_io.h"

namespace lmrec {

namespace {

constexpr uint64_t kNoiseStream = 0xD809;
constexpr uint64_t kPartStream = 0x5A17;

namespace F = torch::nn::functional;

}  // namespace

NegativeSampler::NegativeSampler(const std::vector<float>& log_counts, bool by_popularity) {
  if (!by_popularity) {
    n_ = static_cast<int64_t>(log_counts.size());
    return;
  }
  double total = 0;
  for (float c : log_counts) cumulative_.push_back(total += std::expm1(c));
}

void NegativeSampler::draw(int64_t k, SampleRng& rng, std::vector<int64_t>& ids,
                           std::vector<float>& log_q) const {
  ids.resize(static_cast<size_t>(k));
  log_q.clear();
  if (cumulative_.empty()) {
    for (auto& id : ids) id = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n_)));
    return;
  }
  double total = cumulative_.back();
  for (auto& id : ids) {
    double r = rng.uniform() * total;
    id = std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin();
    id = std::min<int64_t>(id, static_cast<int64_t>(cumulative_.size()) - 1);
    double p = (cumulative_[id] - (id ? cumulative_[id - 1] : 0.0)) / total;
    log_q.push_back(static_cast<float>(std::log(static_cast<double>(k) * p)));
  }
}

SequenceTask::SequenceTask(SequenceNet& net, const SequentialOptions& o, bool masked,
                           bool newest_only, SequenceWindows windows,
                           const std::vector<float>& log_counts, torch::Device device,
                           std::function<void()> on_weights)
    : net_(net),
      o_(o),
      newest_only_(newest_only),
      windows_(std::move(windows)),
      sampler_(log_counts, o.sampler == "popularity"),
      device_(device),
      on_weights_(std::move(on_weights)) {
  task_.kind = masked ? WindowTask::Kind::masked_item : WindowTask::Kind::next_item;
  task_.pad = net.pad(), task_.mask = net.mask(), task_.mask_probability = o.mask_probability;
  task_.from_oldest = o.positions == "oldest";
  // Every item after a window's first (all of them when masked) is a target, except those of
  // weight 0 (the observed part of generated windows).
  const auto& weight = windows_.weights;
  for (int64_t w = 0; w < windows_.size(); ++w)
    for (int64_t k = windows_.offsets[w] + (masked ? 0 : 1); k < windows_.offsets[w + 1]; ++k)
      targets_ += weight.empty() || weight[static_cast<size_t>(k)] > 0.0f;
}

int64_t SequenceTask::begin_epoch(int64_t, uint64_t seed) {
  parts_.assign(static_cast<size_t>(max_shards()), Part{});
  for (size_t k = 0; k < parts_.size(); ++k) {
    parts_[k].rng = SampleRng(k == 0 ? seed : stream_seed(seed, kPartStream + k));
    parts_[k].noise = make_generator(stream_seed(seed, kNoiseStream + k));
  }
  batches_ = length_batches(windows_, o_.train.batch_size, parts_[0].rng);
  return static_cast<int64_t>(batches_.size());
}

torch::Tensor SequenceTask::batch_loss(int64_t batch, int64_t, int64_t& samples) {
  double weight = 0;
  return part_loss(batches_[batch], parts_[0], weight, samples);
}

// Parts pay on the CPU, where one batch's small operations leave most cores idle.
int64_t SequenceTask::max_shards() const {
  return device_.is_cpu() ? std::max(1, thread_count()) : 1;
}

ShardLoss SequenceTask::shard_loss(int64_t batch, int64_t, int64_t shard, int64_t shards) {
  // Interleaved rows, so that each part gets the batch's mix of lengths.
  const auto& rows = batches_[batch];
  std::vector<int64_t> ids;
  for (auto r = static_cast<size_t>(shard); r < rows.size(); r += static_cast<size_t>(shards))
    ids.push_back(rows[r]);
  ShardLoss out;
  if (ids.empty()) return out;
  auto mean = part_loss(ids, parts_[static_cast<size_t>(shard)], out.weight, out.samples);
  out.sum = mean * out.weight;
  return out;
}

torch::Tensor SequenceTask::part_loss(std::span<const int64_t> ids, Part& part, double& weight,
                                      int64_t& samples) {
  auto b = make_sequence_batch(windows_, ids, task_, part.rng);
  samples = b.n_targets;
  weight = 0;
  for (float w : b.weights) weight += w;
  auto shape = std::vector<int64_t>{b.rows, b.width};
  auto inputs = to_tensor(b.inputs, device_).view(shape);
  auto positions = to_tensor(b.positions, device_).view(shape);
  auto targets = to_tensor(b.targets, device_);
  auto times = to_tensor(b.times, device_).view(shape);
  auto lengths = to_tensor(b.lengths, device_);
  torch::Tensor weights;  // undefined: every target weighs 1
  if (!windows_.weights.empty()) weights = to_tensor(b.weights, device_);
  if (newest_only_) {
    auto newest = (lengths - 1).unsqueeze(1);
    auto h = net_.encode_newest(inputs, positions, lengths, times, &part.noise);
    if (weights.defined()) weights = weights.view(shape).gather(1, newest).squeeze(1);
    return loss(h, targets.view(shape).gather(1, newest).squeeze(1), weights, part);
  }
  auto hidden = net_.encode(inputs, positions, lengths, times, &part.noise);
  auto where = targets.ge(0).nonzero().squeeze(1);
  auto h = hidden.reshape({-1, net_.hidden()}).index_select(0, where);
  if (weights.defined()) weights = weights.index_select(0, where);
  return loss(h, targets.index_select(0, where), weights, part);
}

torch::Tensor SequenceTask::loss(const torch::Tensor& h, const torch::Tensor& target,
                                 const torch::Tensor& w, Part& part) {
  torch::Tensor keep;
  if (net_.has_text() && o_.text_id_dropout > 0)
    keep = torch::empty({net_.n_items() + 2, 1}, net_.table.options())
               .bernoulli_(1.0 - o_.text_id_dropout, part.noise);
  auto items = net_.item_matrix(keep);
  if (o_.loss == "ce") {
    auto logits = h.mm(items.t());
    if (net_.has_text()) logits = logits.masked_fill(net_.text_only_items(), -1e9);
    if (!w.defined()) return F::cross_entropy(logits, target);
    auto each =
        F::cross_entropy(logits, target, F::CrossEntropyFuncOptions().reduction(torch::kNone));
    return weighted_mean(each, w);
  }
  auto positive = (h * items.index_select(0, target)).sum(1);
  if (o_.loss == "bce") {
    std::vector<int64_t> ids(static_cast<size_t>(target.size(0)));
    for (auto& id : ids)
      id = static_cast<int64_t>(part.rng.below(static_cast<uint64_t>(net_.n_items())));
    auto negative = (h * items.index_select(0, to_tensor(ids, device_))).sum(1);
    return logistic_loss(torch::cat({positive, negative}),
                         torch::cat({torch::ones_like(positive), torch::zeros_like(negative)}),
                         w.defined() ? torch::cat({w, w}) : w);
  }
  std::vector<int64_t> ids;
  std::vector<float> log_q;
  sampler_.draw(o_.negatives, part.rng, ids, log_q);
  auto neg_ids = to_tensor(ids, device_);
  auto negative = h.mm(items.index_select(0, neg_ids).t());  // [N × K]
  negative = negative.masked_fill(neg_ids.unsqueeze(0) == target.unsqueeze(1), -1e9);
  torch::Tensor q;
  if (!log_q.empty()) q = to_tensor(log_q, device_).unsqueeze(0).expand_as(negative);
  return sampled_softmax_loss(positive, negative, q, w);
}

}  // namespace lmrec
