// The evaluation cases of one phase: the users that have rows of the phase's role, with their
// targets and history length, as flat arrays in user order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "data/split.h"
#include "models/recommender.h"

namespace lmrec {

struct EvalCases {
  std::vector<int32_t> user;
  std::vector<int64_t> history_length;  // rows of the history mask
  std::vector<int64_t> item_begin{0};   // offsets into `items`, one more than cases
  std::vector<int32_t> items;           // each case's distinct target items, ascending
  std::vector<int64_t> row_begin{0};    // offsets into `rows`, one more than cases
  std::vector<int64_t> rows;            // each case's target rows (duplicates kept, for values)

  size_t size() const { return user.size(); }
  std::span<const int32_t> targets(size_t c) const {
    return {items.data() + item_begin[c], static_cast<size_t>(item_begin[c + 1] - item_begin[c])};
  }
  std::span<const int64_t> target_rows(size_t c) const {
    return {rows.data() + row_begin[c], static_cast<size_t>(row_begin[c + 1] - row_begin[c])};
  }
};

// Cases of `phase`; `history` is split.history_mask(phase). With max_cases > 0 and fewer than
// all cases, keeps max_cases of them spread evenly over the user order, so a partial evaluation
// is deterministic yet not biased towards low ids.
// The validation cases as a fit sees them (FitContext::valid): contexts from the train rows.
ValidationCases validation_cases(const Dataset& data, const Split& split);

EvalCases find_cases(const Dataset& data, const Split& split, Role phase,
                     const std::vector<uint8_t>& history, int64_t max_cases);

}  // namespace lmrec
