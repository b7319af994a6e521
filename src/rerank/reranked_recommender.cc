#include "rerank/reranked_recommender.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace lmrec {

RerankedRecommender::RerankedRecommender(const Recommender& model,
                                         std::shared_ptr<const Reranker> reranker,
                                         RerankedOptions options)
    : model_(model), reranker_(std::move(reranker)), options_(options) {
  LMREC_CHECK(reranker_, UsageError, "rerank: no reranker given");
  LMREC_CHECK(options_.candidates > 0 && options_.k > 0, ConfigError,
              "rerank: candidates and k must be > 0");
}

void RerankedRecommender::fit(const Dataset&, const FitContext&) {
  LMREC_THROW(UsageError, "rerank: fit the underlying model instead");
}

void RerankedRecommender::score(std::span<const UserContext> users, float* scores) const {
  auto n = static_cast<size_t>(n_items());
  model_.score(users, scores);
  for (size_t u = 0; u < users.size(); ++u) rewrite(users[u], scores + u * n);
}

void RerankedRecommender::rewrite(const UserContext& user, float* row) const {
  auto n = static_cast<size_t>(n_items());
  std::vector<float> masked(row, row + n);
  for (int32_t item : user.items)
    if (item >= 0 && static_cast<size_t>(item) < n)
      masked[static_cast<size_t>(item)] = -std::numeric_limits<float>::infinity();
  auto candidates = top_k(masked, options_.candidates);
  auto list = reranker_->rerank(user, candidates, options_.k);
  float top = 0;
  bool any = false;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(row[i])) top = any ? std::max(top, row[i]) : row[i], any = true;
  // Steps of at least |top| keep the raised scores distinct in float at any score scale.
  float step = std::max(1.0f, std::abs(top));
  for (size_t p = 0; p < list.size(); ++p)
    row[static_cast<size_t>(list[p].item)] = top + step * static_cast<float>(list.size() - p);
}

void RerankedRecommender::save_weights(const std::string&) const {
  LMREC_THROW(UsageError, "rerank: save the underlying model instead");
}

void RerankedRecommender::load_weights(const std::string&) {
  LMREC_THROW(UsageError, "rerank: load the underlying model instead");
}

}  // namespace lmrec
