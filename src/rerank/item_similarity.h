// How alike two catalogue items are, the diversity term of mmr and dpp: the cosine of their
// vectors, or the Jaccard index of their category sets.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "rerank/reranker.h"

namespace lmrec {

enum class Similarity { kCosine, kCategories };

// Parses "cosine" | "categories"; throws ConfigError naming `component` otherwise.
Similarity parse_similarity(const std::string& component, const std::string& value);
std::string to_string(Similarity similarity);

class ItemSimilarity {
 public:
  // Throws ConfigError naming `component` when `items` lacks what `kind` needs.
  ItemSimilarity(const std::string& component, const RerankItems& items, Similarity kind);
  // Throws UsageError when an item has no vector or category entry.
  void check(std::span<const ScoredItem> items) const;
  // An item is alike itself (1). Cosine lies in [-1, 1], 0 against a zero vector; Jaccard in
  // [0, 1], two items without categories alike (1), as the evaluator's ILD counts them.
  double operator()(int32_t a, int32_t b) const;

 private:
  const RerankItems& items_;
  Similarity kind_;
};

}  // namespace lmrec
