#include "models/train/sequence_batches.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/tiny_data.h"

namespace lmrec {
namespace {

// u0: 0 1 2 3 4 5 6 (7 events), u1: 7 8 (2), u2: 9 (1, no target).
Dataset three_users() {
  std::vector<testing::Event> events;
  for (int32_t i = 0; i < 7; ++i) events.push_back({0, i, i});
  events.push_back({1, 7, 0});
  events.push_back({1, 8, 1});
  events.push_back({2, 9, 0});
  return testing::make_dataset(3, 10, events);
}

TEST(SequenceWindows, CutFromTheNewestEndAndEveryItemAfterTheFirstIsATargetOnce) {
  auto w = sequence_windows(three_users(), 3);  // windows of up to 4 items
  ASSERT_EQ(w.size(), 3);
  std::vector<std::vector<int32_t>> got;
  for (int64_t k = 0; k < w.size(); ++k) got.emplace_back(w.window(k).begin(), w.window(k).end());
  EXPECT_EQ(got[0], (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(got[1], (std::vector<int32_t>{3, 4, 5, 6}));
  EXPECT_EQ(got[2], (std::vector<int32_t>{7, 8}));
}

TEST(SequenceWindows, ShortFirstWindowStillHasATarget) {
  auto w = sequence_windows(three_users(), 4);  // u0: [2..6] and [0..2]
  ASSERT_EQ(w.size(), 3);
  EXPECT_EQ(w.window(0).size(), 3u);
  EXPECT_EQ(w.window(1).size(), 5u);
}

TEST(SequenceBatch, NextItemRowsAreLeftAlignedWithPositionsFromEitherEnd) {
  auto w = sequence_windows(three_users(), 3);
  WindowTask task;
  task.pad = 10;
  task.from_oldest = false;
  SampleRng rng(1);
  std::vector<int64_t> ids = {2, 1};
  auto b = make_sequence_batch(w, ids, task, rng);
  ASSERT_EQ(b.rows, 2);
  ASSERT_EQ(b.width, 3);
  EXPECT_EQ(b.inputs, (std::vector<int64_t>{7, 10, 10, 3, 4, 5}));
  EXPECT_EQ(b.targets, (std::vector<int64_t>{8, -1, -1, 4, 5, 6}));
  EXPECT_EQ(b.positions, (std::vector<int64_t>{0, 0, 0, 2, 1, 0}));
  EXPECT_EQ(b.lengths, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(b.n_targets, 4);
  task.from_oldest = true;
  EXPECT_EQ(make_sequence_batch(w, ids, task, rng).positions,
            (std::vector<int64_t>{0, 0, 0, 0, 1, 2}));
}

TEST(SequenceBatch, MaskedItemsAreTheTargetsAndEveryRowHasOne) {
  auto w = sequence_windows(three_users(), 3);
  WindowTask task;
  task.kind = WindowTask::Kind::masked_item;
  task.pad = 10, task.mask = 11, task.mask_probability = 0.3;
  SampleRng rng(7);
  std::vector<int64_t> ids = {0, 1, 2};
  for (int trial = 0; trial < 50; ++trial) {
    auto b = make_sequence_batch(w, ids, task, rng);
    for (int64_t r = 0; r < b.rows; ++r) {
      auto window = w.window(ids[r]);
      int masked = 0;
      for (int64_t j = 0; j < b.lengths[r]; ++j) {
        int64_t cell = r * b.width + j;
        if (b.inputs[cell] == 11) {
          ++masked;
          EXPECT_EQ(b.targets[cell], window[j]);
        } else {
          EXPECT_EQ(b.inputs[cell], window[j]);
          EXPECT_EQ(b.targets[cell], -1);
        }
      }
      EXPECT_GE(masked, 1);
    }
  }
}

TEST(LengthBatches, CoverEveryWindowOnceAndGroupSimilarLengths) {
  std::vector<testing::Event> events;
  int64_t t = 0;
  for (int32_t u = 0; u < 200; ++u)
    for (int32_t k = 0; k < 2 + u % 9; ++k) events.push_back({u, (u + k) % 50, t++});
  auto data = testing::make_dataset(200, 50, events);
  auto w = sequence_windows(data, 20);
  SampleRng rng(3);
  auto batches = length_batches(w, 16, rng);
  std::multiset<int64_t> seen;
  int64_t spread = 0;
  for (const auto& b : batches) {
    std::set<size_t> lengths;
    for (int64_t id : b) seen.insert(id), lengths.insert(w.window(id).size());
    spread += static_cast<int64_t>(*lengths.rbegin() - *lengths.begin());
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(w.size()));
  for (int64_t id = 0; id < w.size(); ++id) EXPECT_EQ(seen.count(id), 1u);
  // Sorted within one group: the 13 batches together span little more than the 8 lengths.
  EXPECT_LE(spread, 16);
}

TEST(LengthBatches, SameSeedSameOrder) {
  auto w = sequence_windows(three_users(), 3);
  SampleRng a(5), b(5);
  EXPECT_EQ(length_batches(w, 2, a), length_batches(w, 2, b));
}

TEST(SequenceBatch, WeightZeroItemsAreContextOnlyAndOtherTargetsCarryTheirWeight) {
  SequenceWindows w = sequence_windows(three_users(), 3);  // three unweighted windows
  SequenceWindows generated;
  generated.items = {7, 8, 4, 5};
  generated.offsets = {0, 4};
  generated.weights = {0.0f, 0.0f, 0.5f, 0.25f};  // 7 8 observed, 4 5 generated
  append_windows(w, generated);
  ASSERT_EQ(w.size(), 4);
  ASSERT_EQ(w.weights.size(), w.items.size());
  EXPECT_EQ(w.weights.front(), 1.0f);  // the real windows weigh 1

  WindowTask task;
  task.pad = 10;
  SampleRng rng(1);
  std::vector<int64_t> ids = {3, 2};
  auto b = make_sequence_batch(w, ids, task, rng);
  ASSERT_EQ(b.width, 3);
  // Row 0 reads 7 8 4 and predicts 8 (weight 0: none), 4, 5.
  EXPECT_EQ(std::vector<int64_t>(b.targets.begin(), b.targets.begin() + 3),
            (std::vector<int64_t>{-1, 4, 5}));
  EXPECT_EQ(std::vector<float>(b.weights.begin(), b.weights.begin() + 3),
            (std::vector<float>{0.0f, 0.5f, 0.25f}));
  // Row 1 is u1's real window 7 -> 8 at weight 1.
  EXPECT_EQ(b.targets[3], 8);
  EXPECT_EQ(b.weights[3], 1.0f);
  EXPECT_EQ(b.n_targets, 3);
}

TEST(PrefixWindows, EveryWeightedTargetGetsItsOwnWindowEndingAtIt) {
  SequenceWindows w = sequence_windows(three_users(), 100);  // whole histories
  SequenceWindows generated;
  generated.items = {7, 8, 4};
  generated.offsets = {0, 3};
  generated.weights = {0.0f, 0.0f, 0.5f};  // only 4 is a target
  append_windows(w, generated);
  auto p = prefix_windows(w, 3);
  ASSERT_EQ(p.size(), 6 + 1 + 1);  // u0's targets 1..6, u1's 8, the generated 4
  ASSERT_EQ(p.weights.size(), p.items.size());
  std::vector<std::vector<int32_t>> got;
  for (int64_t k = 0; k < p.size(); ++k) got.emplace_back(p.window(k).begin(), p.window(k).end());
  EXPECT_EQ(got[0], (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(got[2], (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(got[5], (std::vector<int32_t>{3, 4, 5, 6}));  // at most max_len before the target
  EXPECT_EQ(got[7], (std::vector<int32_t>{7, 8, 4}));

  WindowTask task;
  task.pad = 10;
  task.from_oldest = false;
  SampleRng rng(1);
  std::vector<int64_t> ids = {5, 7};
  auto b = make_sequence_batch(p, ids, task, rng);
  ASSERT_EQ(b.width, 3);
  // Only the newest input of each row predicts, at position 0 as in scoring.
  EXPECT_EQ(b.targets, (std::vector<int64_t>{-1, -1, 6, -1, 4, -1}));
  EXPECT_EQ(b.positions[2], 0);
  EXPECT_EQ(b.weights[4], 0.5f);
  EXPECT_EQ(b.n_targets, 2);
}

TEST(PrefixWindows, EmptyPrefixTrainsEachHistorysFirstItemFromPaddingAlone) {
  SequenceWindows w = sequence_windows(three_users(), 100);
  SequenceWindows generated;  // observed context: its first item is no target
  generated.items = {7, 8, 4};
  generated.offsets = {0, 3};
  generated.weights = {0.0f, 0.0f, 0.5f};
  append_windows(w, generated);
  auto p = prefix_windows(w, 3, true);
  ASSERT_EQ(p.size(), 1 + 6 + 1 + 1 + 1);  // u0's 0..6, u1's 7 and 8, the generated 4
  EXPECT_EQ(std::vector<int32_t>(p.window(0).begin(), p.window(0).end()), std::vector<int32_t>{0});
  EXPECT_EQ(std::vector<int32_t>(p.window(7).begin(), p.window(7).end()), std::vector<int32_t>{7});

  WindowTask task;
  task.pad = 10;
  task.from_oldest = false;
  SampleRng rng(1);
  std::vector<int64_t> ids = {0, 2};  // the empty prefix of u0, then 0 1 -> 2
  auto b = make_sequence_batch(p, ids, task, rng);
  ASSERT_EQ(b.width, 2);
  EXPECT_EQ(b.lengths, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(b.inputs, (std::vector<int64_t>{10, 10, 0, 1}));
  EXPECT_EQ(b.targets, (std::vector<int64_t>{0, -1, -1, 2}));
  EXPECT_EQ(b.positions[0], 0);
  EXPECT_EQ(b.weights[0], 1.0f);
  EXPECT_EQ(b.n_targets, 2);
}

}  // namespace
}  // namespace lmrec
