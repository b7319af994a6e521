#include "models/train/sampling.h"

#include <algorithm>
#include <cmath>

namespace lmrec {

uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  SampleRng mix(seed ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull));
  mix.next();
  return mix.next();
}

std::vector<int64_t> permutation(int64_t n, SampleRng& rng) {
  std::vector<int64_t> p(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) p[k] = k;
  for (int64_t k = n - 1; k > 0; --k) std::swap(p[k], p[rng.below(static_cast<uint64_t>(k) + 1)]);
  return p;
}

int32_t sample_negative(std::span<const int32_t> sorted_items, int32_t n_items, SampleRng& rng) {
  auto free = static_cast<int64_t>(n_items) - static_cast<int64_t>(sorted_items.size());
  if (free <= 0) return -1;
  auto r = static_cast<int64_t>(rng.below(static_cast<uint64_t>(free)));
  // The answer is r + (number of history items <= answer): find the first history position k
  // with sorted_items[k] - k > r; the answer is then r + k.
  size_t lo = 0, hi = sorted_items.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (sorted_items[mid] - static_cast<int64_t>(mid) <= r)
      lo = mid + 1;
    else
      hi = mid;
  }
  return static_cast<int32_t>(r + static_cast<int64_t>(lo));
}

PairSamples pair_samples(const SparseRows& x, int32_t n_items, int negatives, bool use_values,
                         SampleRng& rng) {
  PairSamples s;
  auto n = static_cast<size_t>(x.index.size()) * static_cast<size_t>(1 + negatives);
  s.users.reserve(n), s.items.reserve(n), s.targets.reserve(n);
  for (int32_t u = 0; u < x.n_rows(); ++u) {
    auto items = x.row_index(u);
    auto values = x.row_value(u);
    for (size_t k = 0; k < items.size(); ++k) {
      s.users.push_back(u), s.items.push_back(items[k]);
      s.targets.push_back(use_values ? values[k] : 1.0f);
      for (int j = 0; j < negatives; ++j) {
        int32_t neg = sample_negative(items, n_items, rng);
        if (neg < 0) break;
        s.users.push_back(u), s.items.push_back(neg), s.targets.push_back(0.0f);
      }
    }
  }
  auto order = permutation(s.size(), rng);
  PairSamples shuffled;
  shuffled.users.resize(order.size()), shuffled.items.resize(order.size());
  shuffled.targets.resize(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    shuffled.users[k] = s.users[order[k]];
    shuffled.items[k] = s.items[order[k]];
    shuffled.targets[k] = s.targets[order[k]];
  }
  return shuffled;
}

namespace {

void add_row(RowBatch& b, std::span<const int32_t> items, double drop, SampleRng* rng) {
  b.offsets.push_back(static_cast<int64_t>(b.items.size()));
  if (items.empty()) return;
  float w = static_cast<float>(1.0 / (std::sqrt(static_cast<double>(items.size())) * (1 - drop)));
  for (int32_t item : items) {
    if (drop > 0 && rng->uniform() < drop) continue;
    b.items.push_back(item);
    b.weights.push_back(w);
  }
}

}  // namespace

RowBatch normalised_rows(const SparseRows& x, std::span<const int64_t> rows, double drop,
                         SampleRng& rng) {
  RowBatch b;
  b.offsets.reserve(rows.size());
  for (int64_t r : rows) add_row(b, x.row_index(static_cast<int32_t>(r)), drop, &rng);
  return b;
}

RowBatch normalised_rows(const std::vector<std::vector<WeightedItem>>& rows) {
  RowBatch b;
  std::vector<int32_t> items;
  for (const auto& row : rows) {
    items.clear();
    for (const auto& e : row) items.push_back(e.item);
    add_row(b, items, 0.0, nullptr);
  }
  return b;
}

}  // namespace lmrec
