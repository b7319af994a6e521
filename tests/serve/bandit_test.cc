// Thompson sampling over the exploration slots, alone and inside the service.
#include "serve/bandit.h"

#include <gtest/gtest.h>

#include <set>

#include "serve/serve_fixture.h"
#include "serve/service.h"

namespace lmrec {
namespace {

TEST(ServeBanditTest, LearnsFromClicksOnShownItems) {
  ThompsonBandit bandit;
  std::mt19937_64 rng(1);
  std::vector<int32_t> pool = {1, 2, 3, 4};
  auto two = bandit.choose(pool, 2, rng);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  EXPECT_EQ(bandit.choose(pool, 9, rng).size(), 4u);
  EXPECT_FALSE(bandit.clicked("u", 3));  // never shown to u
  for (int k = 0; k < 50; ++k) {
    bandit.shown("u", 3);
    EXPECT_TRUE(bandit.clicked("u", 3));
    bandit.shown("u", 4);
  }
  EXPECT_GT(bandit.mean(3), 0.9);
  EXPECT_LT(bandit.mean(4), 0.1);
  int picked3 = 0;
  for (int k = 0; k < 100; ++k) picked3 += bandit.choose(pool, 1, rng)[0] == 3;
  EXPECT_GT(picked3, 80);
}

TEST(ServeBanditTest, ServiceFillsTheLastSlotByExploration) {
  auto f = testing::make_serve_fixture("bandit");
  ServiceOptions options;
  options.explore_slots = 1;
  options.explore_pool = 5;
  Service service(open_store(f.store_path), options);
  service.load_model(f.model_dir);
  RecommendRequest r;
  r.user = "u0";
  r.k = 3;
  std::set<int32_t> explored;
  for (int k = 0; k < 30; ++k) {
    auto out = service.recommend(r);
    ASSERT_EQ(out.items.size(), 3u);
    EXPECT_STREQ(out.items[0].channel, "model");
    EXPECT_STREQ(out.items[2].channel, "explore");
    explored.insert(out.items[2].item);
  }
  EXPECT_GT(explored.size(), 1u);  // different items get their turn
}

}  // namespace
}  // namespace lmrec
