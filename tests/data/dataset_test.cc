#include "data/dataset.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::make_dataset;

TEST(Dataset, SequencesAreTimeOrderedAndStableForEqualTimes) {
  // User 0: item 2 at t=5, then items 1 and 0 both at t=3 in that input order.
  Dataset d = make_dataset(2, 3, {{0, 2, 5}, {1, 0, 1}, {0, 1, 3}, {0, 0, 3}});
  auto seq = d.user_items(0);
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_EQ(seq[0], 1);
  EXPECT_EQ(seq[1], 0);
  EXPECT_EQ(seq[2], 2);
  EXPECT_EQ(d.user_count(1), 1);
}

TEST(Dataset, ItemIndexListsEveryRowOfTheItem) {
  Dataset d = make_dataset(3, 2, {{0, 1, 1}, {1, 1, 2}, {2, 0, 3}, {2, 1, 4}});
  EXPECT_EQ(d.item_count(0), 1);
  ASSERT_EQ(d.item_count(1), 3);
  for (int64_t r : d.item_rows(1)) EXPECT_EQ(d.rows.item[r], 1);
}

TEST(Dataset, SubsetKeepsIdsAndCompactRenumbers) {
  Dataset d = make_dataset(3, 3, {{0, 0, 1}, {1, 1, 2}, {2, 2, 3}});
  d.catalogue.title = {"a", "b", "c"};
  Dataset s = d.subset({1, 0, 1});
  EXPECT_EQ(s.n_users(), 3);
  EXPECT_EQ(s.n_interactions(), 2);
  s.compact();
  EXPECT_EQ(s.n_users(), 2);
  EXPECT_EQ(s.n_items(), 2);
  EXPECT_EQ(s.items.name(1), "i2");
  EXPECT_EQ(s.catalogue.title[1], "c");
}

TEST(Dataset, RejectsRowsWithUnknownIds) {
  Dataset d = make_dataset(1, 1, {});
  d.rows.push(0, 5, 1.0f, 0);
  EXPECT_THROW(d.finalize(), UsageError);
}

TEST(Dataset, FingerprintChangesWithContent) {
  Dataset a = make_dataset(2, 2, {{0, 0, 1}, {1, 1, 2}});
  Dataset b = make_dataset(2, 2, {{0, 1, 1}, {1, 1, 2}});
  EXPECT_EQ(a.fingerprint(), make_dataset(2, 2, {{0, 0, 1}, {1, 1, 2}}).fingerprint());
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

}  // namespace
}  // namespace lmrec
