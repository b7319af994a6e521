// Candidate generation for dot-product models (FactorModel): the user's vector from the context,
// then either an exact scan of all items or an HNSW search.
//
// Item biases are folded into the index: item i is stored as [item_i, bias_i] and the query as
// [user, 1], so the inner product the index maximises is exactly <user, item_i> + bias_i and
// the search stays a plain inner-product search. The user's offset is the same for every item,
// so it changes scores, not ranking; it is added back to the scores returned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/factor_model.h"
#include "retrieval/hnsw_index.h"
#include "retrieval/retriever.h"

namespace lmrec {

// The model's item vectors as indexed: [n_items × factor_index_dim(model)] row-major.
std::vector<float> factor_index_vectors(const FactorModel& model);
// factors(), plus one when the model has item biases.
int factor_index_dim(const FactorModel& model);

// An index over the model's item vectors, built on all OpenMP threads.
HnswIndex build_factor_index(const FactorModel& model, const HnswOptions& options = {});
// Loads an index saved for this model. Throws FormatError when it does not match the model's
// item count, dimension or current item vectors (a model trained again needs a new index).
HnswIndex load_factor_index(const FactorModel& model, const std::string& path);

// Holds a reference to the model, which must outlive it.
class FactorRetriever : public Retriever {
 public:
  // Exact: FactorModel::score over every item, then top_k. The reference for ANN recall.
  explicit FactorRetriever(const FactorModel& model);
  // Approximate: searches `index` (which must be built for `model`) with breadth `ef`.
  FactorRetriever(const FactorModel& model, HnswIndex index, int ef = 64);

  // "factor-exact" or "factor-hnsw".
  std::string name() const override;
  // Scores are the model's: offset + bias_i + <user, item_i>.
  std::vector<ScoredItem> retrieve(const UserContext& user, int k,
                                   std::span<const int32_t> exclude) const override;

  bool exact() const { return !index_.has_value(); }
  // Search breadth for later calls; not to be changed while other threads retrieve.
  void set_ef(int ef);
  int ef() const { return ef_; }

 private:
  const FactorModel& model_;
  std::optional<HnswIndex> index_;
  int ef_ = 64;
};

}  // namespace lmrec
