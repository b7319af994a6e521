// Shared fixtures for the evaluator tests: datasets built from explicit rows and a model that
// looks scores up in a table.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "core/errors.h"
#include "data/dataset.h"
#include "data/split.h"
#include "models/recommender.h"

namespace lmrec::testing {

struct Row {
  int32_t user, item;
  float value;
  Role role;
};

// Rows grouped by user and listed oldest first, so finalize() keeps their order and the split
// roles line up with them.
inline Dataset make_dataset(int32_t n_users, int32_t n_items, const std::vector<Row>& rows,
                            Split* split) {
  Dataset d;
  for (int32_t u = 0; u < n_users; ++u) d.users.intern("u" + std::to_string(u));
  for (int32_t i = 0; i < n_items; ++i) d.items.intern("i" + std::to_string(i));
  split->role.clear();
  for (size_t k = 0; k < rows.size(); ++k) {
    d.rows.push(rows[k].user, rows[k].item, rows[k].value, static_cast<int64_t>(k));
    split->role.push_back(static_cast<uint8_t>(rows[k].role));
  }
  d.finalize();
  split->method = "by-hand";
  return d;
}

// Scores from table[user][item], whatever the history.
class TableModel : public Recommender {
 public:
  TableModel(std::vector<std::vector<float>> table, int32_t n_items, bool values = false)
      : table_(std::move(table)), n_items_(n_items), values_(values) {}
  std::string name() const override { return "table"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override {
    for (size_t b = 0; b < users.size(); ++b)
      for (int32_t i = 0; i < n_items_; ++i)
        scores[b * n_items_ + i] = table_[static_cast<size_t>(users[b].user)][i];
  }
  bool predicts_values() const override { return values_; }
  void save_weights(const std::string&) const override {
    LMREC_THROW(UsageError, "table model has no weights");
  }
  void load_weights(const std::string&) override {
    LMREC_THROW(UsageError, "table model has no weights");
  }

 private:
  std::vector<std::vector<float>> table_;
  int32_t n_items_;
  bool values_;
};

}  // namespace lmrec::testing
