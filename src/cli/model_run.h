// A dataset file with its split, shared by the verbs that train and evaluate models.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset.h"
#include "data/split.h"
#include "models/recommender.h"

namespace lmrec::cli {

// A dataset file and a model folder trained on it, for the verbs that answer one user.
struct LoadedModel {
  Dataset data;
  std::unique_ptr<Recommender> model;
};
// ConfigError / FormatError when the model's catalogue is not the dataset's.
LoadedModel load_model_with_data(const std::string& model_dir, const std::string& data_path);
// The whole history of a user of the dataset; ConfigError naming an unknown id.
UserContext known_user(const Dataset& data, const std::string& user, const std::string& data_path);
// A history of comma-separated raw item ids; ConfigError naming an unknown id.
UserContext items_history(const Dataset& data, const std::string& items,
                          const std::string& data_path);
// The model id of a raw item id; ConfigError naming an unknown id.
int32_t known_item(const Dataset& data, const std::string& item, const std::string& data_path);

// 16 hex digits, as model folders record dataset fingerprints.
std::string hex64(uint64_t v);

struct TrainOutcome {
  std::unique_ptr<Recommender> model;
  double valid_metric = 0.0;  // NaN when the split has no validation rows
  double fit_seconds = 0.0;
};

class ModelRun {
 public:
  ModelRun(const std::string& data_path, const std::string& split_method);
  // A dataset already in memory (a store snapshot); `label` names it in model folders.
  ModelRun(Dataset data, const std::string& label, const std::string& split_method);
  const Dataset& data() const { return data_; }
  const Split& split() const { return split_; }
  bool has_validation() const { return has_valid_; }
  // Fits `model_name` with `options` on the train rows; early stopping and the returned
  // validation figure use `metric` (e.g. "NDCG@10").
  TrainOutcome train(const std::string& model_name, const Options& options,
                     const std::string& metric, Progress& progress) const;
  // Validation value of `metric` for a fitted model.
  double validate(const Recommender& model, const std::string& metric) const;
  // What a model folder records about the data it was trained on.
  nlohmann::json describe() const;
  // Refuses a model whose recorded dataset fingerprint differs from this data.
  void check_model_matches(const nlohmann::json& model_config, const std::string& model_dir) const;

 private:
  std::string path_;
  Dataset data_, train_;
  Split split_;
  ValidationCases valid_cases_;
  bool has_valid_ = false;
};

}  // namespace lmrec::cli
