// Accuracy of one evaluation case from its score row. Items are ranked by score descending,
// ties to the lower item id (core/top_k.h), and an item scored NaN or -inf (the mark the
// evaluator writes over excluded history items) cannot be recommended. A target's rank is the
// number of items ranking before it, so one pass over the row replaces a full sort, and a target
// of rank r < K sits at position r + 1 of the top-K list that top_k() returns.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

namespace lmrec {

inline constexpr float kExcludedScore = -std::numeric_limits<float>::infinity();

// True when an item with this score can appear in a top-k list (false for NaN and -inf).
inline bool rankable(float score) { return score > kExcludedScore; }

// Number of items ranking before item `t`; requires rankable(scores[t]). NaN entries never
// rank before a rankable item, exactly like -inf.
int64_t rank_of(std::span<const float> scores, int32_t t);

// Ranks of distinct rankable `targets`, ranks[j] for targets[j]. One pass over the row whatever
// the number of targets, so users with many held-out items stay linear.
void ranks_of(std::span<const float> scores, std::span<const int32_t> targets,
              std::span<int64_t> ranks);

// The per-case metrics at one cutoff; the evaluator averages them over cases.
struct CaseAccuracy {
  double hr = 0, recall = 0, precision = 0, f1 = 0, ndcg = 0, mrr = 0, map = 0;
};

// `hit_ranks`: ascending ranks of the case's rankable targets; `n_targets`: |T|, counting the
// targets that cannot be ranked (excluded or NaN), which are always misses.
CaseAccuracy accuracy_at(std::span<const int64_t> hit_ranks, int64_t n_targets, int k);

// Fraction of (target, negative) pairs in which the target ranks before the negative, where the
// negatives are the `n_negatives` non-target items that were not excluded. A target that cannot
// be ranked wins no pair. `hit_ranks` as above; requires n_negatives > 0.
double case_auc(std::span<const int64_t> hit_ranks, int64_t n_targets, int64_t n_negatives);

}  // namespace lmrec
