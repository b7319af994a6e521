#include "retrieval/candidate_union.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lmrec {
namespace {

TEST(CandidateUnion, KeepsFirstProposalOrderAndEveryChannelsPlace) {
  // Channel a: 3 > 1 > 0 > 2 > 4; channel b: 4 > 1 > ...; item 2 excluded.
  std::vector<float> a = {2, 3, 9, 4, 1}, b = {0, 5, 8, 1, 6};
  std::vector<uint8_t> excluded = {0, 0, 1, 0, 0};
  ChannelRow rows[] = {{a.data(), 2}, {b.data(), 2}};
  auto u = union_candidates(rows, 5, excluded);
  EXPECT_EQ(u.items, (std::vector<int32_t>{3, 1, 4}));
  EXPECT_EQ(u.place(0, 0), 0);
  EXPECT_EQ(u.place(0, 1), -1);
  EXPECT_EQ(u.place(1, 0), 1);
  EXPECT_EQ(u.place(1, 1), 1);
  EXPECT_EQ(u.place(2, 0), -1);
  EXPECT_EQ(u.place(2, 1), 0);
}

TEST(CandidateUnion, NeverProposesNanOrExcludedScores) {
  std::vector<float> a = {NAN, -INFINITY, 1};
  ChannelRow rows[] = {{a.data(), 3}};
  auto u = union_candidates(rows, 3, {});
  EXPECT_EQ(u.items, (std::vector<int32_t>{2}));
}

}  // namespace
}  // namespace lmrec
