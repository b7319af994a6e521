// Rerankers: the list-level step after the ranker. A reranker reorders (and may shorten) a
// best-first candidate list, trading some relevance for diversity, novelty or business rules.
//
//   none   the first k candidates, unchanged;
//   mmr    maximal marginal relevance (mmr.h);
//   dpp    greedy MAP inference of a determinantal point process (dpp.h);
//   rules  category caps, a popularity penalty and dropping seen items (rules.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/top_k.h"
#include "data/user_context.h"

namespace lmrec {

// What a reranker may know of the catalogue; any member may be empty when unknown.
struct RerankItems {
  std::vector<float> vectors;  // [n_items × dim] row-major, or empty
  int32_t dim = 0;
  std::vector<std::vector<int32_t>> categories;  // item -> category ids, or empty
  std::vector<float> popularity;                 // item -> training interaction count, or empty
};

class Reranker {
 public:
  virtual ~Reranker() = default;
  virtual std::string name() const = 0;
  virtual Options options() const = 0;  // effective options, defaults filled in
  // `ranked`: candidates best first with relevance scores (any scale; higher better), none of
  // them excluded items. Returns at most k of them, reordered (it may drop items, e.g. rules),
  // each with the score it had in `ranked`. Deterministic; safe to call from several threads.
  virtual std::vector<ScoredItem> rerank(const UserContext& user,
                                         std::span<const ScoredItem> ranked, int k) const = 0;
};

// Builds by name: "none" (identity, first k), "mmr", "dpp", "rules"; throws ConfigError naming
// an unknown name or option (listing the allowed ones), or when the options need data that
// `items` lacks (e.g. mmr over vectors without vectors).
std::unique_ptr<Reranker> make_reranker(const std::string& name, const Options& options,
                                        std::shared_ptr<const RerankItems> items);
std::vector<std::string> reranker_names();

// For implementations: the candidates' scores min-max normalised to [0, 1] within the list (all
// 1 when they are equal; +inf counts as 1, -inf and NaN as 0), so that one knob means the same
// for every model's score scale.
std::vector<double> normalised_relevance(std::span<const ScoredItem> ranked);

}  // namespace lmrec
