#include "eval/beyond_accuracy.h"

#include <algorithm>
#include <cmath>

namespace lmrec {

std::vector<int64_t> item_popularity(const Dataset& data, const std::vector<uint8_t>& keep) {
  std::vector<int64_t> popularity(static_cast<size_t>(data.n_items()), 0);
  std::vector<int32_t> last_user(static_cast<size_t>(data.n_items()), -1);
  const auto& rows = data.rows;
  for (int32_t u = 0; u < data.n_users(); ++u)
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r) {
      if (!keep.empty() && !keep[static_cast<size_t>(r)]) continue;
      auto i = static_cast<size_t>(rows.item[r]);
      if (last_user[i] == u) continue;
      last_user[i] = u;
      ++popularity[i];
    }
  return popularity;
}

double novelty(int64_t popularity, int64_t n_users) {
  return -std::log2((static_cast<double>(popularity) + 1.0) / (static_cast<double>(n_users) + 1.0));
}

std::vector<std::vector<int32_t>> category_sets(const Catalogue& catalogue) {
  bool any = false;
  for (const auto& c : catalogue.categories) any |= !c.empty();
  if (!any) return {};
  auto sets = catalogue.categories;
  for (auto& s : sets) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  }
  return sets;
}

double jaccard_distance(std::span<const int32_t> a, std::span<const int32_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  size_t either = a.size() + b.size() - common;
  return 1.0 - static_cast<double>(common) / static_cast<double>(either);
}

void pairwise_distance_sums(std::span<const ScoredItem> list,
                            const std::vector<std::vector<int32_t>>& categories,
                            std::vector<double>& sums) {
  sums.assign(list.size() + 1, 0.0);
  for (size_t n = 1; n < list.size(); ++n) {
    const auto& added = categories[static_cast<size_t>(list[n].item)];
    double d = 0;
    for (size_t m = 0; m < n; ++m)
      d += jaccard_distance(added, categories[static_cast<size_t>(list[m].item)]);
    sums[n + 1] = sums[n] + d;
  }
}

double gini(std::span<const int64_t> counts) {
  std::vector<int64_t> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  double n = static_cast<double>(sorted.size()), total = 0, weighted = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    auto c = static_cast<double>(sorted[i]);
    total += c;
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * c;
  }
  return total > 0 ? weighted / (n * total) : 0.0;
}

}  // namespace lmrec
