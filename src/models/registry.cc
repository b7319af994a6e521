// The models make_recommender() knows by name. A new model adds one line to kModels; the
// conformance tests then cover it automatically.
#include <functional>

#include "core/errors.h"
#include "models/bert4rec.h"
#include "models/bpr.h"
#include "models/bsarec.h"
#include "models/ease.h"
#include "models/ensemble.h"
#include "models/gru4rec.h"
#include "models/hstu.h"
#include "models/ials.h"
#include "models/ials_text.h"
#include "models/itemknn.h"
#include "models/lstm.h"
#include "models/mf.h"
#include "models/mult_vae.h"
#include "models/ncf.h"
#include "models/pipeline.h"
#include "models/popularity.h"
#include "models/recommender.h"
#include "models/sasrec.h"
#include "models/semantic.h"

namespace lmrec {

namespace {

using Factory = std::function<std::unique_ptr<Recommender>(const Options&)>;

template <typename Model, typename ModelOptions>
Factory factory() {
  return
      [](const Options& options) { return std::make_unique<Model>(ModelOptions::parse(options)); };
}

const std::vector<std::pair<std::string, Factory>>& models() {
  static const std::vector<std::pair<std::string, Factory>> kModels = {
      {"popularity", factory<PopularityRecommender, PopularityOptions>()},
      {"itemknn", factory<ItemKnnRecommender, ItemKnnOptions>()},
      {"ease", factory<EaseRecommender, EaseOptions>()},
      {"ials", factory<IalsRecommender, IalsOptions>()},
      {"ials_text", factory<IalsTextRecommender, IalsTextOptions>()},
      {"bpr", factory<BprRecommender, BprOptions>()},
      {"mf", factory<MfRecommender, MfOptions>()},
      {"ncf", factory<NcfRecommender, NcfOptions>()},
      {"multvae", factory<MultVaeRecommender, MultVaeOptions>()},
      {"multdae", factory<MultDaeRecommender, MultDaeOptions>()},
      {"semantic", factory<SemanticRecommender, SemanticOptions>()},
      {"sasrec", factory<SasRecRecommender, SasRecOptions>()},
      {"bsarec", factory<BsaRecRecommender, BsaRecOptions>()},
      {"bert4rec", factory<Bert4RecRecommender, Bert4RecOptions>()},
      {"hstu", factory<HstuRecommender, HstuOptions>()},
      {"gru4rec", factory<Gru4RecRecommender, Gru4RecOptions>()},
      {"lstm", factory<LstmRecommender, LstmOptions>()},
      {"ensemble", factory<EnsembleRecommender, EnsembleOptions>()},
      {"pipeline", factory<PipelineRecommender, PipelineOptions>()},
  };
  return kModels;
}

}  // namespace

std::unique_ptr<Recommender> make_recommender(const std::string& name, const Options& options) {
  for (const auto& [known, make] : models())
    if (known == name) return make(options);
  std::string names;
  for (const auto& [known, make] : models()) names += (names.empty() ? "" : ", ") + known;
  LMREC_THROW(ConfigError, "unknown model '" + name + "' (known: " + names + ")");
}

std::vector<std::string> recommender_names() {
  std::vector<std::string> names;
  for (const auto& [known, make] : models()) names.push_back(known);
  return names;
}

}  // namespace lmrec
