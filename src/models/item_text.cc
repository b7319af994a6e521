#include "models/item_text.h"

#include "core/errors.h"
#include "models/semantic.h"

namespace lmrec {

ItemText item_text(const Dataset& train, const ItemTextOptions& options, const FitContext& ctx,
                   const std::string& model) {
  SemanticOptions o;
  o.encoder = options.encoder;
  o.model_dir = options.model_dir;
  o.cache = options.cache;
  SemanticRecommender semantic(o);
  semantic.fit(train, ctx);
  if (semantic.dim() == 0)
    LMREC_THROW(ConfigError, model + ": text=true, but no item of the data has text");
  ItemText text;
  text.dim = semantic.dim();
  text.vectors = semantic.item_vectors();
  text.has_id.resize(static_cast<size_t>(train.n_items()));
  for (int32_t i = 0; i < train.n_items(); ++i)
    text.has_id[static_cast<size_t>(i)] = !train.item_rows(i).empty();
  return text;
}

}  // namespace lmrec
