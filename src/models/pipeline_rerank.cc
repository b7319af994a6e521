// The pipeline's list step: the reranker that reorders the top of the ranked candidates.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/item_vectors.h"
#include "models/pipeline.h"

namespace lmrec {

int32_t PipelineRecommender::rerank_member() const {
  if (options_.rerank_vectors.empty()) return -1;
  for (size_t m = 0; m < options_.members.size(); ++m)
    if (options_.members[m].name == options_.rerank_vectors) return static_cast<int32_t>(m);
  LMREC_THROW(ConfigError,
              "pipeline: reranker.vectors names no member: '" + options_.rerank_vectors + "'");
}

void PipelineRecommender::build_reranker() {
  reranker_.reset();
  if (options_.reranker == "none") return;
  auto items = std::make_shared<RerankItems>();
  if (int32_t m = rerank_member(); m >= 0)
    items->vectors = model_item_vectors(*members_[static_cast<size_t>(m)], &items->dim);
  items->categories = stats_.categories;
  for (float p : stats_.popularity) items->popularity.push_back(std::expm1(p));
  reranker_ = make_reranker(options_.reranker, options_.reranker_options, items);
}

// The candidates in the ranker's order, the top reranker.k of them reordered by the reranker.
std::vector<int32_t> PipelineRecommender::final_order(const UserContext& user,
                                                      const RankedCandidates& rc) const {
  std::vector<int32_t> items;
  for (int32_t c : rc.order) items.push_back(rc.candidates.items[static_cast<size_t>(c)]);
  if (!reranker_) return items;
  std::vector<ScoredItem> ranked;
  for (int32_t c : rc.order)
    ranked.push_back({rc.candidates.items[static_cast<size_t>(c)], rc.ranker_score[c]});
  auto head = reranker_->rerank(user, ranked, static_cast<int>(options_.rerank_k));
  std::vector<int32_t> out;
  for (const auto& s : head) out.push_back(s.item);
  for (int32_t item : items)
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  return out;
}

}  // namespace lmrec
