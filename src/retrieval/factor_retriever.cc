#include "retrieval/factor_retriever.h"

#include <algorithm>

#include "core/errors.h"
#include "core/hash.h"

namespace lmrec {

namespace {

void check_fitted(const FactorModel& model) {
  if (model.n_items() <= 0 || model.factors() <= 0 || model.item_factors().empty())
    LMREC_THROW(UsageError, model.name() + ": retrieval before fit() or load");
}

// user_vector() trusts its input; a served context may not deserve that.
void check_items(const FactorModel& model, const UserContext& user) {
  for (int32_t i : user.items)
    if (i < 0 || i >= model.n_items())
      LMREC_THROW(UsageError, model.name() + ": item id " + std::to_string(i) + " outside [0, " +
                                  std::to_string(model.n_items()) + ")");
}

}  // namespace

int factor_index_dim(const FactorModel& model) {
  return model.factors() + (model.item_biases().empty() ? 0 : 1);
}

std::vector<float> factor_index_vectors(const FactorModel& model) {
  check_fitted(model);
  int f = model.factors(), dim = factor_index_dim(model);
  auto factors = model.item_factors();
  auto biases = model.item_biases();
  std::vector<float> out(static_cast<size_t>(model.n_items()) * dim);
  for (int32_t i = 0; i < model.n_items(); ++i) {
    float* row = out.data() + static_cast<size_t>(i) * dim;
    std::copy_n(factors.data() + static_cast<size_t>(i) * f, f, row);
    if (dim > f) row[f] = biases[i];
  }
  return out;
}

HnswIndex build_factor_index(const FactorModel& model, const HnswOptions& options) {
  return HnswIndex::build(factor_index_vectors(model), model.n_items(), factor_index_dim(model),
                          options);
}

HnswIndex load_factor_index(const FactorModel& model, const std::string& path) {
  check_fitted(model);
  HnswIndex index = HnswIndex::load(path, model.n_items(), factor_index_dim(model));
  auto vectors = factor_index_vectors(model);
  if (index.vectors_hash() != hash_bytes(vectors.data(), vectors.size() * sizeof(float)))
    LMREC_THROW(FormatError, path + ": built for other item vectors than " + model.name() +
                                 " now has (the model changed; build the index again)");
  return index;
}

FactorRetriever::FactorRetriever(const FactorModel& model) : model_(model) {}

FactorRetriever::FactorRetriever(const FactorModel& model, HnswIndex index, int ef)
    : model_(model), index_(std::move(index)) {
  if (index_->size() != model.n_items() || index_->dim() != factor_index_dim(model))
    LMREC_THROW(UsageError, "FactorRetriever: index of " + std::to_string(index_->size()) + " × " +
                                std::to_string(index_->dim()) + " does not fit " + model.name());
  set_ef(ef);
}

std::string FactorRetriever::name() const { return exact() ? "factor-exact" : "factor-hnsw"; }

void FactorRetriever::set_ef(int ef) {
  if (ef <= 0) LMREC_THROW(ConfigError, "ef must be positive, got " + std::to_string(ef));
  ef_ = ef;
}

std::vector<ScoredItem> FactorRetriever::retrieve(const UserContext& user, int k,
                                                  std::span<const int32_t> exclude) const {
  if (exact()) return model_.recommend(user, k, exclude, /*exclude_seen=*/false);
  check_fitted(model_);
  check_items(model_, user);
  std::vector<float> query(static_cast<size_t>(factor_index_dim(model_)), 1.0f);
  float offset = model_.user_vector(user, query.data());  // the last entry stays 1 for the bias
  auto top = index_->search(query.data(), k, ef_, exclude);
  if (offset == 0.0f) return top;
  // Adding the offset can round two scores to one value; re-sort so ties still go to the lower id.
  for (auto& s : top) s.score += offset;
  std::sort(top.begin(), top.end(), [](const ScoredItem& a, const ScoredItem& b) {
    return ranks_before(a.score, a.item, b.score, b.item);
  });
  return top;
}

}  // namespace lmrec
