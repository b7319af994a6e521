// Maximal marginal relevance (Carbonell & Goldstein, 1998): the list is built greedily, each
// slot taking the candidate with the best (1 - lambda) * relevance - lambda * (its greatest
// similarity to an item already placed). Relevance is the candidates' score min-max normalised
// within the list, so lambda weighs the same for every model.
//
//   lambda      in [0, 1]: 0 keeps the relevance order, larger is more diverse;
//   similarity  cosine (item vectors) | categories (Jaccard of category sets).
#pragma once

#include <memory>

#include "rerank/item_similarity.h"
#include "rerank/reranker.h"

namespace lmrec {

struct MmrOptions {
  double lambda = 0.3;
  Similarity similarity = Similarity::kCosine;

  static MmrOptions parse(const Options& options);
  Options to_options() const;
};

class MmrReranker : public Reranker {
 public:
  // Throws ConfigError when `items` lacks what the similarity needs.
  MmrReranker(MmrOptions options, std::shared_ptr<const RerankItems> items);
  std::string name() const override { return "mmr"; }
  Options options() const override { return options_.to_options(); }
  std::vector<ScoredItem> rerank(const UserContext& user, std::span<const ScoredItem> ranked,
                                 int k) const override;

 private:
  MmrOptions options_;
  std::shared_ptr<const RerankItems> items_;
  ItemSimilarity similarity_;
};

}  // namespace lmrec
