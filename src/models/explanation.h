// Why a model ranks an item for a user, in three kinds of reason:
//  - the channels that proposed it (pipeline members whose top-N held it);
//  - the ranker's largest additive feature contributions (TreeSHAP for the XGBoost ranker,
//    weight × standardised score for the weighted one);
//  - the history items that moved it most: each of the most recent history items is left out in
//    turn and the item rescored; an item's influence is the score lost without it. This is
//    exact for what the model computes, for every model kind, at the price of one scoring pass
//    per history item tried.
// The score explained is the ranker's score for a pipeline and the model's score otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

struct HistoryInfluence {
  size_t position;  // index into the user's history
  int32_t item;
  float drop;  // score(full history) − score(history without this item), > 0
};

struct FeatureContribution {
  std::string feature;
  float value;         // the feature's value for this candidate (NaN: missing)
  float contribution;  // its additive share of the ranker score
};

struct Explanation {
  int32_t item = -1;
  float score = 0;
  std::vector<std::string> channels;
  std::vector<FeatureContribution> features;  // largest |contribution| first
  std::vector<HistoryInfluence> history;      // largest drop first
};

struct ExplainOptions {
  int top = 3;                 // features and history items kept per explanation
  size_t history_window = 50;  // most recent history items left out in turn (0: none)
};

// One explanation per entry of `items` (model item ids) for `user`.
std::vector<Explanation> explain(const Recommender& model, const UserContext& user,
                                 std::span<const int32_t> items, const ExplainOptions& options);

// The scores explain() explains: [users.size() × items.size()], row-major.
std::vector<float> explained_scores(const Recommender& model, std::span<const UserContext> users,
                                    std::span<const int32_t> items);

// `user` with the history entries at `positions` removed (times, values, events alike).
UserContext without_history(const UserContext& user, std::span<const size_t> positions);

// The test that explanations are true: for each context, its top-1 item is explained, the
// named history items are removed together and the item rescored. Contexts whose explanation
// names no history item are not counted.
struct ExplanationAudit {
  int64_t cases = 0, lowered = 0;
  double fraction() const { return cases ? static_cast<double>(lowered) / cases : 0.0; }
};
ExplanationAudit audit_explanations(const Recommender& model, std::span<const UserContext> users,
                                    const ExplainOptions& options);

// item_name maps a model item id to the id people know.
nlohmann::json explanation_json(const Explanation& e,
                                const std::function<std::string(int32_t)>& item_name);
// One line a person can read, e.g. "proposed by seq and ease; you had 50 (+0.31), 181 (+0.12)".
std::string explanation_text(const Explanation& e,
                             const std::function<std::string(int32_t)>& item_name);

}  // namespace lmrec
