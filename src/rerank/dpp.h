// Determinantal point process reranking: the list is the greedy MAP of a DPP whose kernel
// L = diag(q) · S · diag(q) weighs item quality q against similarity S, found with the fast
// greedy inference of Chen, Zhang & Zhou (NeurIPS 2018): an incremental Cholesky factor,
// O(k² · N) for k of N candidates.
//
// One knob, as in mmr: lambda in [0, 1]. With θ = 1 - lambda and rel the candidates' scores
// min-max normalised within the list, q_i = exp(θ · rel_i / (2 (1 - θ))), so that
// log det L_Y = θ / (1 - θ) · Σ_Y rel + log det S_Y ranks lists as θ · Σ rel + (1 - θ) log det S
// does (the paper's trade-off). lambda 0 (θ = 1) is the limit of pure relevance and returns the
// candidates in their order; lambda 1 is pure diversity.
//
//   lambda      in [0, 1];
//   similarity  cosine (item vectors) | categories (Jaccard of category sets), both PSD;
//   epsilon     greedy selection stops once no candidate keeps more than this part of its
//               self-similarity outside the span of the items chosen (its det S_Y ratio),
//               i.e. adding any would make the kernel singular; the remaining slots are
//               filled in relevance order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "rerank/item_similarity.h"
#include "rerank/reranker.h"

namespace lmrec {

struct DppOptions {
  double lambda = 0.3;
  Similarity similarity = Similarity::kCosine;
  double epsilon = 1e-6;

  static DppOptions parse(const Options& options);
  Options to_options() const;
};

// Greedy MAP of the DPP with kernel L_ij = exp(log_q_i) · S(i, j) · exp(log_q_j) over
// log_q.size() items, S positive semi-definite: each step adds the item maximising
// log det L_{Y ∪ {i}}, which is 2 log_q_i + log r_i with r_i = det S_{Y∪{i}} / det S_Y. Only items
// with r_i > epsilon qualify; the search ends when none does or k are chosen. Quality enters in
// the log domain so that large q cannot overflow. Returns indices in the order chosen; ties
// go to the lower index.
std::vector<int32_t> dpp_greedy(std::span<const double> log_q,
                                const std::function<double(int32_t, int32_t)>& similarity, int k,
                                double epsilon);

class DppReranker : public Reranker {
 public:
  // Throws ConfigError when `items` lacks what the similarity needs.
  DppReranker(DppOptions options, std::shared_ptr<const RerankItems> items);
  std::string name() const override { return "dpp"; }
  Options options() const override { return options_.to_options(); }
  std::vector<ScoredItem> rerank(const UserContext& user, std::span<const ScoredItem> ranked,
                                 int k) const override;

 private:
  DppOptions options_;
  std::shared_ptr<const RerankItems> items_;
  ItemSimilarity similarity_;
};

}  // namespace lmrec
