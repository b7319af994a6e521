#include "eval/select_top_k.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>

#include "eval/metrics.h"

namespace lmrec {

namespace {

// Blocks: the row is cut into chunks of kLanes x depth items (depth = kDepth except at the
// end); block l of a chunk is every kLanes-th item from the chunk's l-th, so the maxima of a
// chunk's kLanes blocks are one vector reduction. The last row.size() % kLanes items are
// blocks of one.
constexpr size_t kLanes = 16;
constexpr size_t kDepth = 64;
constexpr float kLowest = std::numeric_limits<float>::lowest();
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

// Calls f(first, stride, count) for every block in order.
template <typename F>
void for_each_block(size_t n, F&& f) {
  size_t i = 0;
  while (n - i >= kLanes) {
    size_t depth = std::min(kDepth, (n - i) / kLanes);
    for (size_t l = 0; l < kLanes; ++l) f(i + l, kLanes, depth);
    i += depth * kLanes;
  }
  for (; i < n; ++i) f(i, size_t{1}, size_t{1});
}

// Lane-wise maxima of `depth` runs of kLanes floats; NaN never wins. Written with vector types
// because the compiler does not vectorise this reduction by itself.
void lane_maxima(const float* s, size_t depth, float* out) {
  Lanes acc = Lanes{} + kExcludedScore;
  for (size_t d = 0; d < depth; ++d) {
    Lanes x;
    std::memcpy(&x, s + d * kLanes, sizeof x);
    acc = x > acc ? x : acc;
  }
  std::memcpy(out, &acc, sizeof acc);
}

}  // namespace

void TopKSelector::block_maxima(std::span<const float> scores) {
  const float* s = scores.data();
  const size_t n = scores.size();
  maxima_.clear();
  size_t i = 0;
  while (n - i >= kLanes) {
    size_t depth = std::min(kDepth, (n - i) / kLanes);
    maxima_.resize(maxima_.size() + kLanes);
    lane_maxima(s + i, depth, maxima_.data() + maxima_.size() - kLanes);
    i += depth * kLanes;
  }
  for (; i < n; ++i) maxima_.push_back(s[i] > kExcludedScore ? s[i] : kExcludedScore);
}

float TopKSelector::threshold(int k) {
  const auto want = static_cast<size_t>(k);
  if (maxima_.size() <= want) return kLowest;
  sorted_.assign(maxima_.begin(), maxima_.end());
  std::nth_element(sorted_.begin(), sorted_.begin() + static_cast<int64_t>(want - 1), sorted_.end(),
                   std::greater<float>());
  float bar = sorted_[want - 1];
  return rankable(bar) ? bar : kLowest;
}

void TopKSelector::collect(std::span<const float> scores, float bar) {
  const float* s = scores.data();
  size_t b = 0;
  for_each_block(scores.size(), [&](size_t first, size_t stride, size_t count) {
    if (!(maxima_[b++] >= bar)) return;
    for (size_t j = first, end = first + stride * count; j < end; j += stride)
      if (s[j] >= bar) list_.push_back({static_cast<int32_t>(j), s[j]});
  });
}

const std::vector<ScoredItem>& TopKSelector::select(std::span<const float> scores, int k) {
  list_.clear();
  if (k <= 0) return list_;
  block_maxima(scores);
  collect(scores, threshold(k));
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return ranks_before(a.score, a.item, b.score, b.item);
  };
  const auto want = static_cast<size_t>(k);
  if (list_.size() > want) {
    std::nth_element(list_.begin(), list_.begin() + static_cast<int64_t>(want), list_.end(),
                     better);
    list_.resize(want);
  }
  std::sort(list_.begin(), list_.end(), better);
  return list_;
}

}  // namespace lmrec
