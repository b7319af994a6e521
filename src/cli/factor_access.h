// What the verbs that need item factors share: export, index and recommend --ann.
#pragma once

#include <string>
#include <vector>

#include "models/factor_model.h"
#include "retrieval/factor_retriever.h"

namespace lmrec::cli {

// `model` as a FactorModel; ConfigError naming the folder and model for any other model.
const FactorModel& factor_model(const Recommender& model, const std::string& model_dir,
                                const std::string& verb);
// The ANN index of a model folder, written by `lmrec index`.
std::string index_path(const std::string& model_dir);
// Loads the folder's index for `model`; IoError telling to run `lmrec index` when it is missing.
HnswIndex open_index(const FactorModel& model, const std::string& model_dir);
// recommend() through the folder's ANN index with search breadth `ef`.
std::vector<ScoredItem> ann_recommend(const Recommender& model, const std::string& model_dir,
                                      const UserContext& user, int k, int ef, bool exclude_seen);

}  // namespace lmrec::cli
