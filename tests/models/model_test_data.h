// Synthetic datasets for the model tests: one with strong cluster structure for learning checks,
// one random with repeated events and graded values for checks against brute-force formulas.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace lmrec::testing {

struct Rating {
  int32_t user, item;
  float value;
  int64_t time;  // seconds
};

// Users "u0".., items "i0".., real timestamps.
Dataset rated_dataset(int32_t n_users, int32_t n_items, const std::vector<Rating>& ratings);

// Two disjoint item clusters and a never-seen item: items [0, kClusterItems) are cluster A,
// [kClusterItems, 2 kClusterItems) cluster B, item 2 kClusterItems has no events. Users
// [0, kUsersA) touch only A, the rest (more of them, so B is more popular) only B. Values are
// ratings 1-5, times span a month, and one user repeats an event.
constexpr int32_t kClusterItems = 12;
constexpr int32_t kUsersA = 20, kUsersB = 30;
Dataset clustered_dataset();

// `n_users` × `n_items`, each pair present with probability `density`, some pairs repeated,
// values in {0.5, 1, ..., 5}; deterministic for a given seed.
Dataset random_dataset(uint64_t seed, int32_t n_users, int32_t n_items, double density);

// X as dense rows [user][item]: 1 per touched pair when binary, else the sum of event values.
std::vector<std::vector<double>> dense_user_item(const Dataset& data, bool binary);

}  // namespace lmrec::testing
