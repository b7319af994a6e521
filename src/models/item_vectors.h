// The item vectors a fitted model carries, for steps that compare items (rerankers, item
// similarity): the item factors of a factor model (ials, bpr, mf, ials_text), a sequence
// model's output item embeddings (sasrec, bsarec, ...), the semantic model's text vectors, or
// the first member's of an ensemble.
#pragma once

#include <cstdint>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

// [n_items × *dim] row-major; throws ConfigError naming the model when it has none (or is not
// fitted).
std::vector<float> model_item_vectors(const Recommender& model, int32_t* dim);

}  // namespace lmrec
