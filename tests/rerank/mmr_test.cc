#include "rerank/mmr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "rerank/rerank_test_items.h"

namespace lmrec {
namespace {

using testing::ids;
using testing::near_duplicates;
using testing::scored;

std::unique_ptr<Reranker> mmr(double lambda, const std::string& similarity = "cosine",
                              std::shared_ptr<const RerankItems> items = near_duplicates()) {
  Options o;
  o.set("lambda", std::to_string(lambda));
  o.set("similarity", similarity);
  return make_reranker("mmr", o, std::move(items));
}

// Random vectors and scores, best first.
struct RandomCase {
  std::shared_ptr<RerankItems> items = std::make_shared<RerankItems>();
  std::vector<ScoredItem> ranked;
};

RandomCase random_case(uint32_t seed, int n, int dim) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  RandomCase c;
  c.items->dim = dim;
  for (int i = 0; i < n * dim; ++i) c.items->vectors.push_back(normal(rng));
  for (int i = 0; i < n; ++i) {
    c.items->categories.push_back({static_cast<int32_t>(rng() % 4)});
    c.ranked.push_back({i, normal(rng)});
  }
  std::sort(c.ranked.begin(), c.ranked.end(),
            [](const ScoredItem& a, const ScoredItem& b) { return a.score > b.score; });
  return c;
}

TEST(RerankMmr, LambdaZeroKeepsTheRelevanceOrder) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    auto c = random_case(seed, 40, 8);
    for (const char* similarity : {"cosine", "categories"}) {
      auto out = mmr(0.0, similarity, c.items)->rerank({}, c.ranked, 15);
      ASSERT_EQ(out.size(), 15u);
      for (size_t p = 0; p < out.size(); ++p) {
        EXPECT_EQ(out[p].item, c.ranked[p].item) << similarity << " position " << p;
        EXPECT_EQ(out[p].score, c.ranked[p].score);
      }
    }
  }
}

TEST(RerankMmr, PutsTheOrthogonalItemBeforeTheNearDuplicate) {
  auto ranked = scored({0, 1, 2}, {3.0f, 2.9f, 2.8f});
  EXPECT_EQ(ids(mmr(0.5)->rerank({}, ranked, 3)), (std::vector<int32_t>{0, 2, 1}));
  EXPECT_EQ(ids(mmr(0.5, "categories")->rerank({}, ranked, 3)), (std::vector<int32_t>{0, 2, 1}));
  // A score scale a thousand times larger changes nothing: relevance is normalised.
  auto large = scored({0, 1, 2}, {3000.0f, 2900.0f, 2800.0f});
  EXPECT_EQ(ids(mmr(0.5)->rerank({}, large, 3)), (std::vector<int32_t>{0, 2, 1}));
  EXPECT_EQ(ids(mmr(0.1)->rerank({}, ranked, 3)), (std::vector<int32_t>{0, 1, 2}));
}

TEST(RerankMmr, KeepsScoresAndCutsToK) {
  auto ranked = scored({0, 1, 2, 3}, {4.0f, 3.0f, 2.0f, 1.0f});
  auto out = mmr(0.9)->rerank({}, ranked, 2);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& s : out) EXPECT_EQ(s.score, 4.0f - static_cast<float>(s.item));
  EXPECT_TRUE(mmr(0.5)->rerank({}, {}, 5).empty());
}

TEST(RerankMmr, MoreLambdaMeansLessSimilarLists) {
  auto c = random_case(7, 60, 4);
  auto spread = [&](double lambda) {
    auto out = mmr(lambda, "categories", c.items)->rerank({}, c.ranked, 8);
    std::vector<int32_t> cats;
    for (const auto& s : out) cats.push_back(c.items->categories[s.item][0]);
    std::sort(cats.begin(), cats.end());
    return std::unique(cats.begin(), cats.end()) - cats.begin();
  };
  EXPECT_EQ(spread(0.9), 4);
  EXPECT_LE(spread(0.0), spread(0.9));
}

}  // namespace
}  // namespace lmrec
