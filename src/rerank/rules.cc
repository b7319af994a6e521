#include "rerank/rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_set>

#include "core/errors.h"

namespace lmrec {

RulesOptions RulesOptions::parse(const Options& options) {
  options.check_known("rules", {"max_per_category", "novelty", "exclude_seen"});
  RulesOptions o;
  o.max_per_category = options.get_int("max_per_category", o.max_per_category);
  o.novelty = options.get_double("novelty", o.novelty);
  o.exclude_seen = options.get_bool("exclude_seen", o.exclude_seen);
  LMREC_CHECK(o.max_per_category >= 0, ConfigError, "rules: max_per_category must be >= 0");
  LMREC_CHECK(o.novelty >= 0, ConfigError, "rules: novelty must be >= 0");
  return o;
}

Options RulesOptions::to_options() const {
  Options o;
  o.set("max_per_category", std::to_string(max_per_category));
  o.set("novelty", std::to_string(novelty));
  o.set("exclude_seen", exclude_seen ? "true" : "false");
  return o;
}

RulesReranker::RulesReranker(RulesOptions options, std::shared_ptr<const RerankItems> items)
    : options_(options), items_(std::move(items)) {
  LMREC_CHECK(options_.max_per_category == 0 || !items_->categories.empty(), ConfigError,
              "rules: max_per_category needs item categories, and the catalogue has none");
  LMREC_CHECK(options_.novelty == 0 || !items_->popularity.empty(), ConfigError,
              "rules: novelty needs item popularity, and none is known");
}

std::vector<size_t> RulesReranker::order(std::span<const ScoredItem> ranked) const {
  std::vector<size_t> order(ranked.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (options_.novelty == 0) return order;
  auto rel = normalised_relevance(ranked);
  const auto& pop = items_->popularity;
  for (size_t i = 0; i < ranked.size(); ++i) {
    auto item = static_cast<size_t>(ranked[i].item);
    LMREC_CHECK(item < pop.size(), UsageError,
                "rules: item " + std::to_string(item) + " has no popularity");
    rel[i] -= options_.novelty * std::log1p(std::max(0.0f, pop[item]));
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rel[a] > rel[b]; });
  return order;
}

std::vector<ScoredItem> RulesReranker::rerank(const UserContext& user,
                                              std::span<const ScoredItem> ranked, int k) const {
  size_t want = static_cast<size_t>(std::max(k, 0));
  std::unordered_set<int32_t> seen;
  if (options_.exclude_seen) seen.insert(user.items.begin(), user.items.end());
  const auto& categories = items_->categories;
  std::map<int32_t, int64_t> per_category;
  std::vector<ScoredItem> out;
  for (size_t i : order(ranked)) {
    if (out.size() >= want) break;
    int32_t item = ranked[i].item;
    if (seen.count(item)) continue;
    if (options_.max_per_category > 0) {
      LMREC_CHECK(item >= 0 && static_cast<size_t>(item) < categories.size(), UsageError,
                  "rules: item " + std::to_string(item) + " has no category entry");
      const auto& cats = categories[static_cast<size_t>(item)];
      bool full = std::any_of(cats.begin(), cats.end(), [&](int32_t c) {
        return per_category[c] >= options_.max_per_category;
      });
      if (full) continue;
      // A category listed twice on one item still counts once.
      for (int32_t c : std::unordered_set<int32_t>(cats.begin(), cats.end())) ++per_category[c];
    }
    out.push_back(ranked[i]);
  }
  return out;
}

}  // namespace lmrec
