#include "rerank/item_similarity.h"

#include <cmath>

#include "core/errors.h"

namespace lmrec {
namespace {

// Category lists need not be sorted or distinct, and are a handful long, so a quadratic
// count beats sorting copies on every call.
bool contains(std::span<const int32_t> set, int32_t value) {
  for (int32_t v : set)
    if (v == value) return true;
  return false;
}

size_t distinct(std::span<const int32_t> set) {
  size_t n = 0;
  for (size_t i = 0; i < set.size(); ++i) n += !contains(set.first(i), set[i]);
  return n;
}

double jaccard(std::span<const int32_t> a, std::span<const int32_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t common = 0;
  for (size_t i = 0; i < a.size(); ++i) common += !contains(a.first(i), a[i]) && contains(b, a[i]);
  size_t all = distinct(a) + distinct(b) - common;
  return static_cast<double>(common) / static_cast<double>(all);
}

double cosine(const float* a, const float* b, int32_t dim) {
  double ab = 0, aa = 0, bb = 0;
  for (int32_t d = 0; d < dim; ++d) {
    ab += static_cast<double>(a[d]) * b[d];
    aa += static_cast<double>(a[d]) * a[d];
    bb += static_cast<double>(b[d]) * b[d];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace

Similarity parse_similarity(const std::string& component, const std::string& value) {
  if (value == "cosine") return Similarity::kCosine;
  if (value == "categories") return Similarity::kCategories;
  LMREC_THROW(ConfigError, component + ": similarity '" + value + "' (expected cosine|categories)");
}

std::string to_string(Similarity similarity) {
  return similarity == Similarity::kCosine ? "cosine" : "categories";
}

ItemSimilarity::ItemSimilarity(const std::string& component, const RerankItems& items,
                               Similarity kind)
    : items_(items), kind_(kind) {
  if (kind == Similarity::kCosine) {
    LMREC_CHECK(!items.vectors.empty() && items.dim > 0, ConfigError,
                component +
                    ": similarity=cosine needs item vectors, and there are none "
                    "(use a model with item vectors, or similarity=categories)");
    LMREC_CHECK(items.vectors.size() % static_cast<size_t>(items.dim) == 0, ConfigError,
                component + ": item vectors are not a whole number of rows of dim " +
                    std::to_string(items.dim));
  } else {
    LMREC_CHECK(!items.categories.empty(), ConfigError,
                component +
                    ": similarity=categories needs item categories, and the "
                    "catalogue has none");
  }
}

void ItemSimilarity::check(std::span<const ScoredItem> items) const {
  size_t n = kind_ == Similarity::kCosine ? items_.vectors.size() / static_cast<size_t>(items_.dim)
                                          : items_.categories.size();
  for (const auto& s : items)
    LMREC_CHECK(s.item >= 0 && static_cast<size_t>(s.item) < n, UsageError,
                "rerank: item " + std::to_string(s.item) + " is outside the " + std::to_string(n) +
                    " items the similarity knows");
}

double ItemSimilarity::operator()(int32_t a, int32_t b) const {
  if (a == b) return 1.0;
  if (kind_ == Similarity::kCategories)
    return jaccard(items_.categories[static_cast<size_t>(a)],
                   items_.categories[static_cast<size_t>(b)]);
  const float* base = items_.vectors.data();
  auto dim = static_cast<size_t>(items_.dim);
  return cosine(base + static_cast<size_t>(a) * dim, base + static_cast<size_t>(b) * dim,
                items_.dim);
}

}  // namespace lmrec
