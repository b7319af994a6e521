// Business rules and strategy over a candidate list: the list is filled greedily in order of
// adjusted relevance, skipping what the rules forbid.
//
//   max_per_category  at most N items sharing any one category (0 = no cap; needs categories);
//                     items without categories are never capped;
//   novelty           W >= 0: relevance (min-max normalised within the list) minus
//                     W · log(1 + popularity), a penalty that demotes popular items (needs
//                     popularity when W > 0);
//   exclude_seen      drop the user's history items.
#pragma once

#include <cstdint>
#include <memory>

#include "rerank/reranker.h"

namespace lmrec {

struct RulesOptions {
  int64_t max_per_category = 0;
  double novelty = 0.0;
  bool exclude_seen = true;

  static RulesOptions parse(const Options& options);
  Options to_options() const;
};

class RulesReranker : public Reranker {
 public:
  // Throws ConfigError when `items` lacks the categories or popularity the options need.
  RulesReranker(RulesOptions options, std::shared_ptr<const RerankItems> items);
  std::string name() const override { return "rules"; }
  Options options() const override { return options_.to_options(); }
  std::vector<ScoredItem> rerank(const UserContext& user, std::span<const ScoredItem> ranked,
                                 int k) const override;

 private:
  // Candidate positions, best adjusted relevance first (ties keep the input order).
  std::vector<size_t> order(std::span<const ScoredItem> ranked) const;

  RulesOptions options_;
  std::shared_ptr<const RerankItems> items_;
};

}  // namespace lmrec
