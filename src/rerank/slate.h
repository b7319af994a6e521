// Slate generation: a recommendation list built one slot at a time, each slot chosen with the
// items already placed appended to the user's history, so that the model conditions every
// choice on the rest of the slate. With a sequence model this is autoregressive generation
// from the model; with any other Recommender it is the same procedure over its scores.
//
//   method=greedy  the best item at every step;
//   method=beam    `beam` partial slates ranked by the sum of their items' log-softmax
//                  probabilities (scores / temperature), expanded by their `beam` best items;
//   method=sample  each item drawn from softmax(scores / temperature), seeded.
// Constraints: no item twice unless `allow_repeats`; the history left out when `exclude_seen`;
// at most `max_per_category` items sharing a category (0 = no limit; needs categories).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/top_k.h"
#include "models/recommender.h"

namespace lmrec {

struct SlateOptions {
  int length = 10;
  std::string method = "greedy";  // greedy | beam | sample
  int beam = 4;
  double temperature = 1.0;
  bool allow_repeats = false;
  bool exclude_seen = true;
  int max_per_category = 0;
  uint64_t seed = 1;

  static SlateOptions parse(const Options& options);
};

// The slate, first slot first; `score` is the item's score at the step it was placed.
// `categories` (item → category ids) is needed only for max_per_category.
std::vector<ScoredItem> generate_slate(
    const Recommender& model, const UserContext& user, const SlateOptions& options,
    const std::vector<std::vector<int32_t>>* categories = nullptr);

// Scores that rank a generated slate first (in slate order) and everything else after it in
// the model's own order, so the evaluator measures slates with the usual metrics.
class SlateRecommender : public Recommender {
 public:
  SlateRecommender(const Recommender& model, SlateOptions options,
                   const std::vector<std::vector<int32_t>>* categories = nullptr)
      : model_(model), options_(std::move(options)), categories_(categories) {}
  std::string name() const override { return model_.name() + "+slate"; }
  Options options() const override { return model_.options(); }
  void fit(const Dataset&, const FitContext&) override;
  int32_t n_items() const override { return model_.n_items(); }
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string&) const override;
  void load_weights(const std::string&) override;

 private:
  const Recommender& model_;
  SlateOptions options_;
  const std::vector<std::vector<int32_t>>* categories_;
};

}  // namespace lmrec
