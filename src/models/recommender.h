// The one interface every model implements. Scores are dense over the item catalogue the
// model was fitted on; higher is better.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/progress.h"
#include "core/top_k.h"
#include "data/dataset.h"
#include "data/user_context.h"

namespace lmrec {

// The validation cases of a run, for models that learn from them (a pipeline's ranker): each a
// context built from the train rows, as validation scores it, and the items it is validated
// on. Never holds test rows.
struct ValidationCases {
  std::vector<UserContext> contexts;
  std::vector<std::vector<int32_t>> targets;  // one list per context, distinct items
  size_t size() const { return contexts.size(); }
};

struct FitContext {
  Progress* progress = nullptr;            // never null when passed to fit()
  const ValidationCases* valid = nullptr;  // null when the run has no validation rows
  // Quality on the validation cases (higher is better, NDCG@10 by default); empty when the run
  // has no validation data. Iterative models use it for early stopping.
  std::function<double(const class Recommender&)> validate;
};

class Recommender {
 public:
  virtual ~Recommender() = default;
  virtual std::string name() const = 0;
  // The effective options, defaults filled in; make_recommender(name(), these) rebuilds it.
  virtual Options options() const = 0;
  virtual void fit(const Dataset& train, const FitContext& ctx) = 0;
  virtual int32_t n_items() const = 0;
  // scores: [users.size() × n_items()] row-major, written completely. Must be safe to call
  // from several threads at once on a fitted model (the evaluator does).
  virtual void score(std::span<const UserContext> users, float* scores) const = 0;
  // Models whose scores estimate the interaction value (ratings) say so; the evaluator then
  // also reports RMSE/MAE.
  virtual bool predicts_values() const { return false; }
  // Models whose scores depend on UserContext::text (a query) say so; callers refuse a query
  // for the others rather than answer it as if it had been read.
  virtual bool reads_text() const { return false; }
  virtual void save_weights(const std::string& dir) const = 0;
  virtual void load_weights(const std::string& dir) = 0;

  // Best-first top-k, skipping `exclude` and, when `exclude_seen`, the user's history. Ties go
  // to the lower item id.
  std::vector<ScoredItem> recommend(const UserContext& user, int k,
                                    std::span<const int32_t> exclude = {},
                                    bool exclude_seen = true) const;
};

// Builds an unfitted model by name ("popularity", "itemknn", "ease", ...). Throws ConfigError
// for an unknown name or option.
std::unique_ptr<Recommender> make_recommender(const std::string& name, const Options& options);
std::vector<std::string> recommender_names();

// A model folder: config.json (name, format version, options, item count, dataset fingerprint,
// `extra`) plus the model's weight files.
void save_model(const Recommender& model, const std::string& dir, const nlohmann::json& extra);
// Loads a model folder; `config` (optional) receives config.json. Throws FormatError on a
// missing, foreign or mismatched folder.
std::unique_ptr<Recommender> load_model(const std::string& dir, nlohmann::json* config = nullptr);

}  // namespace lmrec
