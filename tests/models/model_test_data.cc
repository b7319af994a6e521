#include "models/model_test_data.h"

#include <string>

namespace lmrec::testing {

namespace {

// A small portable generator so the data does not depend on the standard library's
// distributions.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed * 2862933555777941757ull + 3037000493ull) {}
  uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state_ >> 33);
  }
  double uniform() { return next() / 2147483648.0; }
  int32_t below(int32_t n) { return static_cast<int32_t>(next() % static_cast<uint32_t>(n)); }

 private:
  uint64_t state_;
};

}  // namespace

Dataset rated_dataset(int32_t n_users, int32_t n_items, const std::vector<Rating>& ratings) {
  Dataset d;
  for (int32_t u = 0; u < n_users; ++u) d.users.intern("u" + std::to_string(u));
  for (int32_t i = 0; i < n_items; ++i) d.items.intern("i" + std::to_string(i));
  for (const auto& r : ratings) d.rows.push(r.user, r.item, r.value, r.time);
  d.has_times = true;
  d.explicit_values = true;
  d.finalize();
  return d;
}

Dataset clustered_dataset() {
  Lcg rng(7);
  std::vector<Rating> ratings;
  int64_t time = 1'600'000'000;
  for (int32_t u = 0; u < kUsersA + kUsersB; ++u) {
    int32_t first = u < kUsersA ? 0 : kClusterItems;
    std::vector<bool> taken(kClusterItems, false);
    for (int n = 0; n < 6;) {
      int32_t k = rng.below(kClusterItems);
      if (taken[k]) continue;
      taken[k] = true, ++n;
      ratings.push_back({u, first + k, 1.0f + rng.below(5), time += 3600 * 12});
    }
  }
  ratings.push_back({0, ratings[0].item, 4.0f, time += 3600});  // a repeated event
  return rated_dataset(kUsersA + kUsersB, 2 * kClusterItems + 1, ratings);
}

Dataset random_dataset(uint64_t seed, int32_t n_users, int32_t n_items, double density) {
  Lcg rng(seed);
  std::vector<Rating> ratings;
  int64_t time = 1'000'000;
  for (int32_t u = 0; u < n_users; ++u)
    for (int32_t i = 0; i < n_items; ++i) {
      if (rng.uniform() >= density) continue;
      int repeats = rng.uniform() < 0.1 ? 2 : 1;
      for (int r = 0; r < repeats; ++r)
        ratings.push_back({u, i, 0.5f * (1 + rng.below(10)), time += 60});
    }
  return rated_dataset(n_users, n_items, ratings);
}

std::vector<std::vector<double>> dense_user_item(const Dataset& data, bool binary) {
  std::vector<std::vector<double>> x(data.n_users(), std::vector<double>(data.n_items(), 0.0));
  const auto& r = data.rows;
  for (int64_t k = 0; k < r.size(); ++k) {
    double& cell = x[r.user[k]][r.item[k]];
    cell = binary ? 1.0 : cell + r.value[k];
  }
  return x;
}

}  // namespace lmrec::testing
