// The features a ranker sees for each candidate of a request, and what the catalogue
// contributes to them. Columns, in order (the names FeatureLayout carries):
//   per member m:  m.score (raw), m.gap (score minus m's best candidate score), m.place (rank
//                  among the request's candidates by m's score, 0 first)
//   per channel c: c.rank (place in c's list; NaN when c did not propose the candidate)
//   channels       how many channels proposed it
//   popularity     log(1 + training events of the item)
//   recent         log(1 + its events in the last tenth of the training time span)   [times]
//   age            log(1 + days from its first training event to the latest one)     [times]
//   history        log(1 + length of the request's history)
//   idle           log(1 + seconds between the history's last two events)            [times]
//   category_match share of the last 10 history items sharing a category with it     [categories]
// Columns marked [times] exist only for data with real timestamps, [categories] only for a
// catalogue with categories, so a layout is fixed by the data the pipeline was fitted on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/user_context.h"
#include "rank/ranker.h"
#include "retrieval/candidate_union.h"

namespace lmrec {

struct ItemStats {
  std::vector<float> popularity, recent, age;      // [n_items]; recent and age empty without times
  std::vector<std::vector<int32_t>> categories;    // [n_items] or empty
  bool times = false;

  static ItemStats from(const Dataset& train);
};

// The layout for `members` (names) of which `channels` (indices into members) propose.
FeatureLayout candidate_layout(const std::vector<std::string>& members,
                               const std::vector<int32_t>& channels, const ItemStats& stats);

// Appends one group: the candidates of `user`. member_rows[m] is member m's dense score row.
void add_candidate_rows(const CandidateUnion& candidates, std::span<const float* const> member_rows,
                        const UserContext& user, const ItemStats& stats,
                        const FeatureLayout& layout, RankingData& out);

}  // namespace lmrec
