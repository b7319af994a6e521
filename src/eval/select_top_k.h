// Top-k selection for the evaluator's inner loop. Same output as core top_k() (best first, ties
// to the lower index, NaN and -inf never returned) at a fraction of the cost when k is much
// smaller than the row. One vectorised pass takes the maximum of each block of ~64 items; the
// k-th largest block maximum is a score that at least k items reach, so only the blocks whose
// maximum reaches it can hold the top k (about k blocks), and only those are searched.
#pragma once

#include <span>
#include <vector>

#include "core/top_k.h"

namespace lmrec {

class TopKSelector {
 public:
  // The best k entries of `scores`, valid until the next call.
  const std::vector<ScoredItem>& select(std::span<const float> scores, int k);

 private:
  void block_maxima(std::span<const float> scores);
  // A score that at least min(k, rankable items) items reach, or the lowest finite float.
  float threshold(int k);
  void collect(std::span<const float> scores, float bar);
  std::vector<float> maxima_, sorted_;
  std::vector<ScoredItem> list_;
};

}  // namespace lmrec
