#include "models/sparse_matrix.h"

#include <algorithm>

#include "core/errors.h"

namespace lmrec {

namespace {

// Sorts one row's entries by item and merges repeats: 1 each when binary, else summed (and
// dropped when the sum is 0).
void merge_row(std::vector<WeightedItem>& row, bool binary) {
  std::stable_sort(row.begin(), row.end(),
                   [](const WeightedItem& a, const WeightedItem& b) { return a.item < b.item; });
  size_t out = 0;
  for (size_t k = 0; k < row.size(); ++k) {
    if (out > 0 && row[out - 1].item == row[k].item)
      row[out - 1].weight += row[k].weight;
    else
      row[out++] = row[k];
  }
  row.resize(out);
  if (binary) {
    for (auto& e : row) e.weight = 1.0f;
  } else {
    std::erase_if(row, [](const WeightedItem& e) { return e.weight == 0.0f; });
  }
}

}  // namespace

SparseRows user_item_matrix(const Dataset& data, bool binary) {
  SparseRows x;
  x.indptr.assign(static_cast<size_t>(data.n_users()) + 1, 0);
  x.index.reserve(static_cast<size_t>(data.n_interactions()));
  x.value.reserve(static_cast<size_t>(data.n_interactions()));
  std::vector<WeightedItem> row;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    auto items = data.user_items(u);
    row.clear();
    for (size_t k = 0; k < items.size(); ++k)
      row.push_back({items[k], data.rows.value[data.user_begin(u) + static_cast<int64_t>(k)]});
    merge_row(row, binary);
    for (const auto& e : row) {
      x.index.push_back(e.item);
      x.value.push_back(e.weight);
    }
    x.indptr[static_cast<size_t>(u) + 1] = static_cast<int64_t>(x.index.size());
  }
  return x;
}

SparseRows transpose(const SparseRows& m, int32_t n_cols) {
  SparseRows t;
  t.indptr.assign(static_cast<size_t>(n_cols) + 1, 0);
  for (int32_t c : m.index) ++t.indptr[static_cast<size_t>(c) + 1];
  for (size_t c = 0; c < static_cast<size_t>(n_cols); ++c) t.indptr[c + 1] += t.indptr[c];
  t.index.resize(m.index.size());
  t.value.resize(m.value.size());
  std::vector<int64_t> next(t.indptr.begin(), t.indptr.end() - 1);
  // Rows are visited in order, so each transposed row comes out sorted.
  for (int32_t r = 0; r < m.n_rows(); ++r) {
    for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) {
      int64_t slot = next[static_cast<size_t>(m.index[k])]++;
      t.index[slot] = r;
      t.value[slot] = m.value[k];
    }
  }
  return t;
}

std::vector<WeightedItem> history_row(const UserContext& user, int32_t n_items, bool binary,
                                      const std::string& model) {
  if (!user.values.empty() && user.values.size() != user.items.size())
    LMREC_THROW(UsageError, model + ": context has " + std::to_string(user.values.size()) +
                                " values for " + std::to_string(user.items.size()) + " items");
  bool use_values = !binary && !user.values.empty();
  std::vector<WeightedItem> row;
  row.reserve(user.items.size());
  for (size_t k = 0; k < user.items.size(); ++k) {
    int32_t i = user.items[k];
    if (i < 0 || i >= n_items)
      LMREC_THROW(UsageError, model + ": history item id " + std::to_string(i) +
                                  " is outside the model's catalogue [0, " +
                                  std::to_string(n_items) + ")");
    row.push_back({i, use_values ? user.values[k] : 1.0f});
  }
  merge_row(row, binary);
  return row;
}

std::vector<std::vector<WeightedItem>> history_rows(std::span<const UserContext> users,
                                                    int32_t n_items, bool binary,
                                                    const std::string& model) {
  std::vector<std::vector<WeightedItem>> rows;
  rows.reserve(users.size());
  for (const auto& user : users) rows.push_back(history_row(user, n_items, binary, model));
  return rows;
}

}  // namespace lmrec
