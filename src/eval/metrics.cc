#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/top_k.h"

namespace lmrec {

int64_t rank_of(std::span<const float> scores, int32_t t) {
  const float* s = scores.data();
  const float st = s[t];
  const auto n = static_cast<int64_t>(scores.size());
  // Two branch-free loops (equal scores count only below t) so the compiler vectorises them;
  // 32-bit counts (item ids are 32-bit) fill twice the lanes of 64-bit ones.
  int32_t before = 0;
  for (int64_t j = 0; j < t; ++j) before += s[j] >= st;
  for (int64_t j = t + 1; j < n; ++j) before += s[j] > st;
  return before;
}

void ranks_of(std::span<const float> scores, std::span<const int32_t> targets,
              std::span<int64_t> ranks) {
  constexpr size_t kDirectMax = 4;  // up to here, one vectorised pass per target is cheaper
  if (targets.size() <= kDirectMax) {
    for (size_t j = 0; j < targets.size(); ++j) ranks[j] = rank_of(scores, targets[j]);
    return;
  }
  const float* s = scores.data();
  // Targets best first; each item then ranks before a suffix of them, found by binary search.
  std::vector<size_t> order(targets.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto better = [&](size_t a, size_t b) {
    return ranks_before(s[targets[a]], targets[a], s[targets[b]], targets[b]);
  };
  std::sort(order.begin(), order.end(), better);
  std::vector<int64_t> starts(targets.size() + 1, 0);
  const float worst = s[targets[order.back()]];
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!(s[i] >= worst)) continue;  // ranks before no target (also skips NaN)
    auto item = static_cast<int32_t>(i);
    auto first = std::partition_point(order.begin(), order.end(), [&](size_t q) {
      return !ranks_before(s[i], item, s[targets[q]], targets[q]);
    });
    ++starts[static_cast<size_t>(first - order.begin())];
  }
  int64_t before = 0;
  for (size_t q = 0; q < order.size(); ++q) {
    before += starts[q];
    ranks[order[q]] = before;
  }
}

CaseAccuracy accuracy_at(std::span<const int64_t> hit_ranks, int64_t n_targets, int k) {
  CaseAccuracy a;
  int64_t hits = 0;
  double dcg = 0, ap = 0;
  for (int64_t r : hit_ranks) {
    if (r >= k) break;
    ++hits;
    double position = static_cast<double>(r + 1);
    dcg += 1.0 / std::log2(position + 1.0);
    ap += static_cast<double>(hits) / position;
    if (hits == 1) a.mrr = 1.0 / position;
  }
  if (hits == 0) return a;
  int64_t ideal = std::min<int64_t>(n_targets, k);
  double idcg = 0;
  for (int64_t p = 1; p <= ideal; ++p) idcg += 1.0 / std::log2(static_cast<double>(p) + 1.0);
  a.hr = 1.0;
  a.recall = static_cast<double>(hits) / static_cast<double>(n_targets);
  a.precision = static_cast<double>(hits) / k;
  a.f1 = 2.0 * a.precision * a.recall / (a.precision + a.recall);
  a.ndcg = dcg / idcg;
  a.map = ap / static_cast<double>(ideal);
  return a;
}

double case_auc(std::span<const int64_t> hit_ranks, int64_t n_targets, int64_t n_negatives) {
  // The i-th best rankable target has i targets before it; the rest of its rank are negatives.
  int64_t won = 0;
  for (size_t i = 0; i < hit_ranks.size(); ++i)
    won += n_negatives - (hit_ranks[i] - static_cast<int64_t>(i));
  return static_cast<double>(won) /
         (static_cast<double>(n_targets) * static_cast<double>(n_negatives));
}

}  // namespace lmrec
