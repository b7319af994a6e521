// Hand-built catalogues shared by the reranker tests.
#pragma once

#include <memory>
#include <vector>

#include "rerank/reranker.h"

namespace lmrec::testing {

// Items 0 and 1 point almost the same way, item 2 is orthogonal to both, item 3 is between;
// categories: 0 and 1 share {0}, 2 has {1}, 3 has {0, 1}.
inline std::shared_ptr<const RerankItems> near_duplicates() {
  auto items = std::make_shared<RerankItems>();
  items->dim = 2;
  items->vectors = {1.0f, 0.0f, 0.99f, 0.05f, 0.0f, 1.0f, 0.7f, 0.7f};
  items->categories = {{0}, {0}, {1}, {0, 1}};
  items->popularity = {100, 1, 1, 1};
  return items;
}

inline std::vector<ScoredItem> scored(const std::vector<int32_t>& items,
                                      const std::vector<float>& scores) {
  std::vector<ScoredItem> out;
  for (size_t i = 0; i < items.size(); ++i) out.push_back({items[i], scores[i]});
  return out;
}

inline std::vector<int32_t> ids(const std::vector<ScoredItem>& list) {
  std::vector<int32_t> out;
  for (const auto& s : list) out.push_back(s.item);
  return out;
}

}  // namespace lmrec::testing
