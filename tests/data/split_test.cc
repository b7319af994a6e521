#include "data/split.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::make_dataset;

uint8_t role_of(const Dataset& d, const Split& s, int32_t u, int64_t k) {
  return s.role[static_cast<size_t>(d.user_begin(u) + k)];
}

TEST(Split, LeaveOneOutByTime) {
  // User 0 has 4 events (given out of order), user 1 has 2, user 2 has 1.
  Dataset d = make_dataset(
      3, 5, {{0, 3, 40}, {0, 0, 10}, {0, 2, 30}, {0, 1, 20}, {1, 0, 1}, {1, 1, 2}, {2, 4, 9}});
  Split s = leave_one_out(d);
  EXPECT_EQ(s.method, "loo");
  EXPECT_EQ(role_of(d, s, 0, 3), uint8_t(Role::kTest));
  EXPECT_EQ(d.user_items(0)[3], 3);
  EXPECT_EQ(role_of(d, s, 0, 2), uint8_t(Role::kValid));
  EXPECT_EQ(role_of(d, s, 0, 1), uint8_t(Role::kTrain));
  EXPECT_EQ(role_of(d, s, 1, 0), uint8_t(Role::kTrain));
  EXPECT_EQ(role_of(d, s, 1, 1), uint8_t(Role::kTest));
  EXPECT_EQ(role_of(d, s, 2, 0), uint8_t(Role::kTrain));
}

TEST(Split, HistoryMasks) {
  Dataset d = make_dataset(1, 4, {{0, 0, 1}, {0, 1, 2}, {0, 2, 3}, {0, 3, 4}});
  Split s = leave_one_out(d);
  EXPECT_EQ(s.history_mask(Role::kValid), (std::vector<uint8_t>{1, 1, 0, 0}));
  EXPECT_EQ(s.history_mask(Role::kTest), (std::vector<uint8_t>{1, 1, 1, 0}));
  EXPECT_EQ(s.mask(Role::kValid), (std::vector<uint8_t>{0, 0, 1, 0}));
}

TEST(Split, LeaveLastKKeepsOneTrainEvent) {
  Dataset d = make_dataset(1, 3, {{0, 0, 1}, {0, 1, 2}, {0, 2, 3}});
  Split s = leave_last_k(d, 2, 2);
  EXPECT_EQ(s.role, (std::vector<uint8_t>{0, 2, 2}));
}

TEST(Split, TemporalCutsGlobally) {
  std::vector<testing::Event> ev;
  for (int t = 0; t < 10; ++t) ev.push_back({t % 2, t, t});
  Dataset d = make_dataset(2, 10, ev);
  Split s = temporal_split(d, 0.2, 0.2);
  for (size_t r = 0; r < s.role.size(); ++r) {
    int64_t t = d.rows.time[r];
    EXPECT_EQ(s.role[r], t >= 8 ? 2 : t >= 6 ? 1 : 0) << "time " << t;
  }
}

TEST(Split, RandomIsSeededAndKeepsTrain) {
  std::vector<testing::Event> ev;
  for (int k = 0; k < 200; ++k) ev.push_back({k % 4, k % 50, k});
  Dataset d = make_dataset(4, 50, ev);
  Split a = random_holdout(d, 0.1, 0.2, 7), b = random_holdout(d, 0.1, 0.2, 7);
  EXPECT_EQ(a.role, b.role);
  EXPECT_NE(a.role, random_holdout(d, 0.1, 0.2, 8).role);
  int test = 0;
  for (auto r : a.role) test += r == 2;
  EXPECT_NEAR(test / 200.0, 0.2, 0.08);
}

TEST(Split, MakeSplitParsesMethodsAndRejectsOthers) {
  Dataset d = make_dataset(1, 3, {{0, 0, 1}, {0, 1, 2}, {0, 2, 3}});
  EXPECT_EQ(make_split(d, "last:1:1").role, leave_one_out(d).role);
  EXPECT_EQ(make_split(d, "none").role, (std::vector<uint8_t>{0, 0, 0}));
  EXPECT_THROW(make_split(d, "looo"), ConfigError);
  EXPECT_THROW(make_split(d, "temporal:x:0.1"), ConfigError);
}

}  // namespace
}  // namespace lmrec
