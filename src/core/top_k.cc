#include "core/top_k.h"

#include <algorithm>
#include <limits>

namespace lmrec {

std::vector<ScoredItem> top_k(std::span<const float> scores, int k) {
  std::vector<ScoredItem> heap;  // min-heap on rank: the worst kept item on top
  if (k <= 0) return heap;
  heap.reserve(static_cast<size_t>(k) + 1);
  auto worse = [](const ScoredItem& a, const ScoredItem& b) {
    return ranks_before(a.score, a.item, b.score, b.item);
  };
  constexpr float kExcluded = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < scores.size(); ++i) {
    float s = scores[i];
    if (s == kExcluded || s != s) continue;
    auto id = static_cast<int32_t>(i);
    if (static_cast<int>(heap.size()) < k) {
      heap.push_back({id, s});
      std::push_heap(heap.begin(), heap.end(), worse);
    } else if (ranks_before(s, id, heap.front().score, heap.front().item)) {
      std::pop_heap(heap.begin(), heap.end(), worse);
      heap.back() = {id, s};
      std::push_heap(heap.begin(), heap.end(), worse);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), worse);
  return heap;
}

}  // namespace lmrec
