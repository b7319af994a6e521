#include "core/top_k.h"

#include <gtest/gtest.h>

#include <limits>

namespace lmrec {
namespace {

TEST(TopK, BestFirstTiesToLowerIndexSkipsExcluded) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> s = {0.5f, 2.0f, 2.0f, -inf, 1.0f, 2.0f};
  auto top = top_k(s, 4);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(top[0].item, 1);
  EXPECT_EQ(top[1].item, 2);
  EXPECT_EQ(top[2].item, 5);
  EXPECT_EQ(top[3].item, 4);
  EXPECT_EQ(top_k(s, 10).size(), 5u);
}

}  // namespace
}  // namespace lmrec
