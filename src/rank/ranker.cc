#include "rank/ranker.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/errors.h"
#include "rank/rrf_ranker.h"
#include "rank/weighted_ranker.h"
#include "rank/xgboost_ranker.h"

namespace lmrec {

void RankingData::append(const RankingData& other) {
  if (rows() == 0) n_features = other.n_features;
  LMREC_CHECK(other.n_features == n_features, UsageError,
              "ranking tables with " + std::to_string(n_features) + " and " +
                  std::to_string(other.n_features) + " features cannot be joined");
  int64_t base = rows();
  features.insert(features.end(), other.features.begin(), other.features.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
  for (size_t g = 1; g < other.group_begin.size(); ++g)
    group_begin.push_back(base + other.group_begin[g]);
}

std::unique_ptr<Ranker> make_ranker(const std::string& name, const Options& options) {
  if (name == "rrf") return std::make_unique<RrfRanker>(RrfOptions::parse(options));
  if (name == "weighted") return std::make_unique<WeightedRanker>(WeightedOptions::parse(options));
  if (name == "xgboost") return std::make_unique<XgboostRanker>(XgboostOptions::parse(options));
  LMREC_THROW(ConfigError, "unknown ranker '" + name + "' (known: rrf, weighted, xgboost)");
}

std::vector<std::string> ranker_names() { return {"rrf", "weighted", "xgboost"}; }

double group_ndcg(const RankingData& data, int64_t group, const float* scores, int k) {
  int64_t begin = data.group_begin[group], end = data.group_begin[group + 1];
  for (int64_t r = begin; r < end; ++r) {
    if (data.labels[r] <= 0) continue;
    // Place of the target: rows ranked before it (ties to the earlier row, as lists keep
    // candidates in their union order).
    int64_t place = 0;
    for (int64_t o = begin; o < end; ++o)
      place += scores[o] > scores[r] || (scores[o] == scores[r] && o < r);
    return place < k ? 1.0 / std::log2(static_cast<double>(place) + 2.0) : 0.0;
  }
  return 0.0;
}

}  // namespace lmrec
