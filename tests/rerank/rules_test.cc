#include "rerank/rules.h"

#include <gtest/gtest.h>

#include <map>

#include "rerank/rerank_test_items.h"

namespace lmrec {
namespace {

using testing::ids;
using testing::near_duplicates;
using testing::scored;

std::unique_ptr<Reranker> rules(std::initializer_list<std::string> assignments,
                                std::shared_ptr<const RerankItems> items = near_duplicates()) {
  Options o;
  for (const auto& a : assignments) o.set(a);
  return make_reranker("rules", o, std::move(items));
}

TEST(RerankRules, CategoryCapsAreHonoured) {
  auto items = std::make_shared<RerankItems>();
  // Item i has category i % 3; item 9 has none and is never capped.
  for (int i = 0; i < 9; ++i) items->categories.push_back({i % 3});
  items->categories.push_back({});
  std::vector<ScoredItem> ranked;
  for (int32_t i = 0; i < 10; ++i) ranked.push_back({i, 10.0f - i});
  auto out = rules({"max_per_category=2"}, items)->rerank({}, ranked, 10);
  EXPECT_EQ(ids(out), (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 9}));
  std::map<int32_t, int> count;
  for (const auto& s : out)
    for (int32_t c : items->categories[s.item]) ++count[c];
  for (const auto& [c, n] : count) EXPECT_LE(n, 2) << "category " << c;
  EXPECT_EQ(rules({"max_per_category=1"}, items)->rerank({}, ranked, 3).size(), 3u);
}

TEST(RerankRules, AnItemIsCappedByEachOfItsCategories) {
  // Item 3 has {0, 1}; category 0 is full after item 0 with a cap of 1.
  auto ranked = scored({0, 3, 2}, {3.0f, 2.0f, 1.0f});
  EXPECT_EQ(ids(rules({"max_per_category=1"})->rerank({}, ranked, 3)),
            (std::vector<int32_t>{0, 2}));
}

TEST(RerankRules, NoveltyPenaltyDemotesAPopularItem) {
  // Item 0 has popularity 100, the others 1.
  auto ranked = scored({0, 1, 2}, {3.0f, 2.0f, 1.0f});
  EXPECT_EQ(ids(rules({})->rerank({}, ranked, 3)), (std::vector<int32_t>{0, 1, 2}));
  auto out = rules({"novelty=0.5"})->rerank({}, ranked, 3);
  EXPECT_EQ(ids(out), (std::vector<int32_t>{1, 2, 0}));
  EXPECT_EQ(out[2].score, 3.0f);  // scores stay as the ranker gave them
  // A small weight only reorders what it outweighs.
  EXPECT_EQ(ids(rules({"novelty=0.2"})->rerank({}, ranked, 3)), (std::vector<int32_t>{1, 0, 2}));
}

TEST(RerankRules, ExcludeSeenDropsHistoryItems) {
  UserContext user;
  user.items = {1};
  auto ranked = scored({0, 1, 2}, {3.0f, 2.0f, 1.0f});
  EXPECT_EQ(ids(rules({})->rerank(user, ranked, 3)), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(ids(rules({"exclude_seen=false"})->rerank(user, ranked, 3)),
            (std::vector<int32_t>{0, 1, 2}));
}

}  // namespace
}  // namespace lmrec
