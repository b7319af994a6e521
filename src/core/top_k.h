// Top-k selection over a dense score row, best first; ties go to the lower index so results
// are deterministic and agree with the evaluator's ranks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lmrec {

struct ScoredItem {
  int32_t item;
  float score;
};

// Entries equal to -infinity (the mark for excluded items) are never returned.
std::vector<ScoredItem> top_k(std::span<const float> scores, int k);

// True when (a, sa) ranks before (b, sb): higher score first, then lower index.
inline bool ranks_before(float sa, int32_t a, float sb, int32_t b) {
  return sa > sb || (sa == sb && a < b);
}

}  // namespace lmrec
