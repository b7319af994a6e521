// The user × item interaction matrix X that the neighbourhood and linear models learn from,
// in compressed rows, and a user's history as one more row of it. The dataset's own indexes
// keep one entry per event; models need one entry per (user, item) pair, so repeated events
// are merged here once.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/user_context.h"

namespace lmrec {

// Compressed sparse rows; column indices are sorted and distinct within a row.
struct SparseRows {
  std::vector<int64_t> indptr;  // n_rows + 1
  std::vector<int32_t> index;
  std::vector<float> value;

  int32_t n_rows() const { return indptr.empty() ? 0 : static_cast<int32_t>(indptr.size() - 1); }
  std::span<const int32_t> row_index(int32_t r) const {
    return {index.data() + indptr[r], static_cast<size_t>(indptr[r + 1] - indptr[r])};
  }
  std::span<const float> row_value(int32_t r) const {
    return {value.data() + indptr[r], static_cast<size_t>(indptr[r + 1] - indptr[r])};
  }
};

// X for `data`. With `binary`, X[u][i] = 1 when u has any event on i; otherwise it is the sum of
// the values of u's events on i, and pairs whose sum is 0 are left out.
SparseRows user_item_matrix(const Dataset& data, bool binary);

// The transpose of `m`, which has `n_cols` columns (item × user for X).
SparseRows transpose(const SparseRows& m, int32_t n_cols);

struct WeightedItem {
  int32_t item;
  float weight;
};

// The user's row of X built from the context the same way as user_item_matrix builds it from
// events (values count only when !binary and the context has them). Throws UsageError naming
// `model` when an item id is outside [0, n_items).
std::vector<WeightedItem> history_row(const UserContext& user, int32_t n_items, bool binary,
                                      const std::string& model);

// history_row for every context, validated before any scoring starts, so the parallel scoring
// loops that follow cannot throw.
std::vector<std::vector<WeightedItem>> history_rows(std::span<const UserContext> users,
                                                    int32_t n_items, bool binary,
                                                    const std::string& model);

}  // namespace lmrec
