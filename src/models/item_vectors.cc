#include "models/item_vectors.h"

#include "core/errors.h"
#include "models/ensemble.h"
#include "models/factor_model.h"
#include "models/semantic.h"
#include "models/sequential.h"

namespace lmrec {
namespace {

std::vector<float> checked(const Recommender& model, std::vector<float> vectors, int32_t dim,
                           int32_t* out_dim) {
  auto n = static_cast<size_t>(model.n_items());
  LMREC_CHECK(dim > 0 && n > 0 && vectors.size() == n * static_cast<size_t>(dim), ConfigError,
              "model '" + model.name() + "' has no item vectors yet (is it fitted?)");
  *out_dim = dim;
  return vectors;
}

}  // namespace

std::vector<float> model_item_vectors(const Recommender& model, int32_t* dim) {
  if (auto* f = dynamic_cast<const FactorModel*>(&model)) {
    auto v = f->item_factors();
    return checked(model, {v.begin(), v.end()}, f->factors(), dim);
  }
  if (auto* s = dynamic_cast<const SequentialRecommender*>(&model)) {
    const auto& v = s->item_vectors();
    auto n = static_cast<size_t>(model.n_items());
    auto d = n > 0 ? static_cast<int32_t>(v.size() / n) : 0;
    return checked(model, v, d, dim);
  }
  if (auto* s = dynamic_cast<const SemanticRecommender*>(&model))
    return checked(model, s->item_vectors(), s->dim(), dim);
  if (auto* e = dynamic_cast<const EnsembleRecommender*>(&model)) {
    LMREC_CHECK(!e->members().empty(), ConfigError, "model 'ensemble' has no members yet");
    return model_item_vectors(*e->members().front(), dim);
  }
  LMREC_THROW(ConfigError, "model '" + model.name() +
                               "' has no item vectors (factor, sequence, semantic and ensemble "
                               "models have)");
}

}  // namespace lmrec
