#include "models/train/sequence_batches.h"

#include <algorithm>

namespace lmrec {

namespace {

constexpr int64_t kSortGroup = 64;  // batches per group sorted by length
// BERT4Rec's extra samples that mask only the newest item (the inference task): the paper adds
// one such copy per ten randomly masked copies of each sequence.
constexpr double kNewestOnly = 1.0 / 11.0;

// Row r of `b` as the empty prefix: the padding token at position 0 predicting `target`.
void fill_empty_prefix(SequenceBatch& b, int64_t r, int32_t target, float weight, int64_t pad) {
  auto at = static_cast<size_t>(r * b.width);
  b.lengths.push_back(1);
  b.inputs[at] = pad;
  b.targets[at] = weight > 0.0f ? target : -1;
  b.weights[at] = weight > 0.0f ? weight : 0.0f;
}

}  // namespace

SequenceWindows sequence_windows(const Dataset& data, int64_t max_len) {
  SequenceWindows w;
  w.offsets.push_back(0);
  bool times = static_cast<int64_t>(data.rows.time.size()) == data.n_interactions();
  for (int32_t u = 0; u < data.n_users(); ++u) {
    auto items = data.user_items(u);
    auto n = static_cast<int64_t>(items.size());
    std::vector<std::pair<int64_t, int64_t>> spans;  // [begin, end), newest first
    for (int64_t end = n; end >= 2; end -= max_len)
      spans.emplace_back(std::max<int64_t>(0, end - max_len - 1), end);
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
      w.items.insert(w.items.end(), items.begin() + it->first, items.begin() + it->second);
      if (times) {
        auto first = data.rows.time.begin() + data.user_begin(u);
        w.times.insert(w.times.end(), first + it->first, first + it->second);
      }
      w.offsets.push_back(static_cast<int64_t>(w.items.size()));
    }
  }
  return w;
}

SequenceWindows prefix_windows(const SequenceWindows& windows, int64_t max_len, bool empty_prefix) {
  SequenceWindows p;
  p.offsets.push_back(0);
  for (int64_t w = 0; w < windows.size(); ++w) {
    auto items = windows.window(w);
    auto n = static_cast<int64_t>(items.size());
    for (int64_t k = empty_prefix ? 0 : 1; k < n; ++k) {
      auto at = static_cast<size_t>(windows.offsets[w] + k);
      float weight = windows.weights.empty() ? 1.0f : windows.weights[at];
      if (weight <= 0.0f) continue;
      auto begin = std::max<int64_t>(0, k - max_len);
      p.items.insert(p.items.end(), items.begin() + begin, items.begin() + k + 1);
      if (!windows.times.empty()) {
        auto first = windows.times.begin() + windows.offsets[w];
        p.times.insert(p.times.end(), first + begin, first + k + 1);
      }
      p.weights.insert(p.weights.end(), static_cast<size_t>(k - begin), 0.0f);
      p.weights.push_back(weight);
      p.offsets.push_back(static_cast<int64_t>(p.items.size()));
    }
  }
  return p;
}

void append_windows(SequenceWindows& into, const SequenceWindows& more) {
  if (!into.weights.empty() || !more.weights.empty()) {
    into.weights.resize(into.items.size(), 1.0f);
    if (more.weights.empty())
      into.weights.insert(into.weights.end(), more.items.size(), 1.0f);
    else
      into.weights.insert(into.weights.end(), more.weights.begin(), more.weights.end());
  }
  if (!into.times.empty() || !more.times.empty()) {
    into.times.resize(into.items.size(), 0);
    if (more.times.empty())
      into.times.insert(into.times.end(), more.items.size(), 0);
    else
      into.times.insert(into.times.end(), more.times.begin(), more.times.end());
  }
  auto base = static_cast<int64_t>(into.items.size());
  into.items.insert(into.items.end(), more.items.begin(), more.items.end());
  if (into.offsets.empty()) into.offsets.push_back(0);
  for (size_t w = 1; w < more.offsets.size(); ++w) into.offsets.push_back(base + more.offsets[w]);
}

std::vector<std::vector<int64_t>> length_batches(const SequenceWindows& windows, int64_t batch_size,
                                                 SampleRng& rng) {
  auto order = permutation(windows.size(), rng);
  auto length = [&](int64_t w) { return windows.offsets[w + 1] - windows.offsets[w]; };
  int64_t group = batch_size * kSortGroup;
  for (size_t begin = 0; begin < order.size(); begin += static_cast<size_t>(group)) {
    auto end = std::min(order.size(), begin + static_cast<size_t>(group));
    std::stable_sort(order.begin() + static_cast<ptrdiff_t>(begin),
                     order.begin() + static_cast<ptrdiff_t>(end),
                     [&](int64_t a, int64_t b) { return length(a) < length(b); });
  }
  std::vector<std::vector<int64_t>> batches;
  for (size_t begin = 0; begin < order.size(); begin += static_cast<size_t>(batch_size)) {
    auto end = std::min(order.size(), begin + static_cast<size_t>(batch_size));
    batches.emplace_back(order.begin() + static_cast<ptrdiff_t>(begin),
                         order.begin() + static_cast<ptrdiff_t>(end));
  }
  auto shuffle = permutation(static_cast<int64_t>(batches.size()), rng);
  std::vector<std::vector<int64_t>> shuffled(batches.size());
  for (size_t k = 0; k < batches.size(); ++k) shuffled[k] = std::move(batches[shuffle[k]]);
  return shuffled;
}

SequenceBatch make_sequence_batch(const SequenceWindows& windows, std::span<const int64_t> ids,
                                  const WindowTask& task, SampleRng& rng) {
  bool next = task.kind == WindowTask::Kind::next_item;
  SequenceBatch b;
  b.rows = static_cast<int64_t>(ids.size());
  for (int64_t w : ids)
    b.width = std::max<int64_t>(
        {b.width, windows.offsets[w + 1] - windows.offsets[w] - (next ? 1 : 0), 1});
  auto cells = static_cast<size_t>(b.rows * b.width);
  b.inputs.assign(cells, task.pad);
  b.positions.assign(cells, 0);
  b.targets.assign(cells, -1);
  b.weights.assign(cells, 0.0f);
  b.times.assign(cells, 0);
  for (int64_t r = 0; r < b.rows; ++r) {
    auto window = windows.window(ids[r]);
    const int64_t* time = windows.times.empty() ? nullptr : &windows.times[windows.offsets[ids[r]]];
    const float* weight =
        windows.weights.empty() ? nullptr : &windows.weights[windows.offsets[ids[r]]];
    auto len = static_cast<int64_t>(window.size()) - (next ? 1 : 0);
    if (len == 0) {  // next_item's empty prefix
      fill_empty_prefix(b, r, window[0], weight ? weight[0] : 1.0f, task.pad);
      continue;
    }
    b.lengths.push_back(len);
    int64_t* in = b.inputs.data() + r * b.width;
    int64_t* pos = b.positions.data() + r * b.width;
    int64_t* tgt = b.targets.data() + r * b.width;
    bool masked = false, newest_only = !next && rng.uniform() < kNewestOnly;
    for (int64_t j = 0; j < len; ++j) {
      in[j] = window[j];
      if (time) b.times[static_cast<size_t>(r * b.width + j)] = time[j];
      pos[j] = input_position(j, len, task.from_oldest);
      if (next) {
        tgt[j] = window[j + 1];
      } else if (!newest_only && rng.uniform() < task.mask_probability) {
        tgt[j] = window[j], in[j] = task.mask, masked = true;
      }
    }
    if (!next && !masked) tgt[len - 1] = window[len - 1], in[len - 1] = task.mask;
    float* wt = b.weights.data() + r * b.width;
    for (int64_t j = 0; j < len; ++j) {
      if (tgt[j] < 0) continue;
      wt[j] = weight ? weight[next ? j + 1 : j] : 1.0f;
      if (wt[j] == 0.0f) tgt[j] = -1;
    }
  }
  for (int64_t t : b.targets) b.n_targets += t >= 0;
  return b;
}

}  // namespace lmrec
