#include "cli/factor_access.h"

#include <filesystem>

#include "core/errors.h"

namespace lmrec::cli {

const FactorModel& factor_model(const Recommender& model, const std::string& model_dir,
                                const std::string& verb) {
  auto* factors = dynamic_cast<const FactorModel*>(&model);
  if (!factors)
    LMREC_THROW(ConfigError, verb + " needs a factor model; " + model_dir + " holds '" +
                                 model.name() + "', which has no item factors");
  return *factors;
}

std::string index_path(const std::string& model_dir) { return model_dir + "/ann.hnsw"; }

HnswIndex open_index(const FactorModel& model, const std::string& model_dir) {
  std::string path = index_path(model_dir);
  if (!std::filesystem::exists(path))
    LMREC_THROW(IoError, "no ANN index in " + model_dir + " (build it with: lmrec index --model " +
                             model_dir + ")");
  return load_factor_index(model, path);
}

std::vector<ScoredItem> ann_recommend(const Recommender& model, const std::string& model_dir,
                                      const UserContext& user, int k, int ef, bool exclude_seen) {
  const FactorModel& factors = factor_model(model, model_dir, "recommend --ann");
  std::span<const int32_t> exclude;
  if (exclude_seen) exclude = user.items;
  return FactorRetriever(factors, open_index(factors, model_dir), ef).retrieve(user, k, exclude);
}

}  // namespace lmrec::cli
