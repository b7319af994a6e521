// Train / validation / test splits as a role per interaction row of a finalized Dataset.
// Evaluation on validation uses the train rows as history; evaluation on test uses train and
// validation rows as history. Targets are the rows with the phase's role.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "data/dataset.h"

namespace lmrec {

enum class Role : uint8_t { kTrain = 0, kValid = 1, kTest = 2 };

struct Split {
  std::string method;          // e.g. "loo", "last:2", "temporal:0.1:0.1", "random:0.1:0.1:42"
  std::vector<uint8_t> role;   // one Role per row of the dataset
  // Rows usable as model input for a phase: train rows for kValid, train + valid for kTest,
  // all rows for kTrain.
  std::vector<uint8_t> history_mask(Role phase) const;
  std::vector<uint8_t> mask(Role r) const;  // rows whose role is exactly r
};

// Leave-one-out by time: each user's last event is test, the one before validation. A user
// with 2 events gives only a test row, a user with 1 event only a train row.
Split leave_one_out(const Dataset& data);
// Each user's last `n_test` events are test and the `n_valid` before them validation; a user
// keeps at least one train event.
Split leave_last_k(const Dataset& data, int n_valid, int n_test);
// Global cut by time: the latest `test_frac` of all events are test, the `valid_frac` before
// them validation (ties at a cut go to the earlier part).
Split temporal_split(const Dataset& data, double valid_frac, double test_frac);
// Seeded random hold-out of each user's events (users keep at least one train event).
Split random_holdout(const Dataset& data, double valid_frac, double test_frac, uint64_t seed);
// Every row is train (for a model that serves all data).
Split no_split(const Dataset& data);

// Parses the method strings above ("loo", "last:V:T", "temporal:V:T", "random:V:T[:seed]",
// "none"); throws ConfigError with the accepted forms on anything else.
Split make_split(const Dataset& data, const std::string& method);

}  // namespace lmrec
