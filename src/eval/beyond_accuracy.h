// Beyond-accuracy measures of recommendation lists: how widely they spread over the catalogue
// (coverage, Gini), how varied each list is (intra-list distance over categories) and how
// unpopular the recommended items are (novelty, average recommendation popularity).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/top_k.h"
#include "data/dataset.h"

namespace lmrec {

// Number of distinct users with at least one row of each item among the rows with keep[r]
// (all rows when `keep` is empty). Counting users rather than rows keeps repeated consumption
// from inflating an item, so popularity never exceeds the number of users.
std::vector<int64_t> item_popularity(const Dataset& data, const std::vector<uint8_t>& keep);

// Self-information of recommending an item seen by `popularity` of `n_users` users, with
// add-one smoothing so unseen items stay finite: -log2((popularity + 1) / (n_users + 1)).
double novelty(int64_t popularity, int64_t n_users);

// Each item's categories sorted and de-duplicated; empty when no item has any category, which
// is how callers tell that intra-list distance cannot be measured.
std::vector<std::vector<int32_t>> category_sets(const Catalogue& catalogue);

// 1 - |a ∩ b| / |a ∪ b| of two sorted sets; two items without categories count as alike (0).
double jaccard_distance(std::span<const int32_t> a, std::span<const int32_t> b);

// sums[n] = sum of jaccard_distance over the pairs among the first n entries of `list`, for n
// in [0, list.size()], so one pass serves every cutoff.
void pairwise_distance_sums(std::span<const ScoredItem> list,
                            const std::vector<std::vector<int32_t>>& categories,
                            std::vector<double>& sums);

// Gini coefficient of counts over all items: 0 when every item is recommended equally often,
// towards 1 when a few items take all recommendations; 0 when nothing was recommended.
double gini(std::span<const int64_t> counts);

}  // namespace lmrec
