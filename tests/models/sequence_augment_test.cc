#include "models/sequence_augment.h"

#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

constexpr int32_t kItems = 20;

// Scores item (newest + 1) mod kItems far above the rest, item (newest + 2) next: a model that
// has learnt to walk a cycle.
class CycleModel : public Recommender {
 public:
  std::string name() const override { return "cycle"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return kItems; }
  void score(std::span<const UserContext> users, float* scores) const override {
    for (const auto& u : users) {
      int32_t last = u.items.empty() ? 0 : u.items.back();
      for (int32_t i = 0; i < kItems; ++i) scores[i] = 0.0f;
      scores[(last + 1) % kItems] = 50.0f;
      scores[(last + 2) % kItems] = 40.0f;
      scores += kItems;
    }
  }
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
};

// u0 has 2 items (0 1), u1 has 3 (5 6 7), u2 has 6 (10..15).
Dataset histories() {
  std::vector<testing::Event> events;
  int64_t t = 0;
  for (int32_t i : {0, 1}) events.push_back({0, i, t++});
  for (int32_t i : {5, 6, 7}) events.push_back({1, i, t++});
  for (int32_t i = 10; i < 16; ++i) events.push_back({2, i, t++});
  return testing::make_dataset(3, kItems, events);
}

TEST(GeneratedContinuations, ContinueOnlyShortHistoriesWithWeightedGeneratedTargets) {
  AugmentOptions o;
  o.length = 3, o.max_history = 3, o.weight = 0.5, o.temperature = 0.1;
  auto w = generated_continuations(CycleModel(), histories(), o);
  ASSERT_EQ(w.size(), 2);  // u2 is too long to be continued
  auto first = w.window(0), second = w.window(1);
  EXPECT_EQ(std::vector<int32_t>(first.begin(), first.end()),
            (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(std::vector<int32_t>(second.begin(), second.end()),
            (std::vector<int32_t>{5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(std::vector<float>(w.weights.begin(), w.weights.begin() + 5),
            (std::vector<float>{0.0f, 0.0f, 0.5f, 0.5f, 0.5f}));
}

TEST(GeneratedContinuations, NeverRepeatAnItemOfTheWindow) {
  // Against a model that prefers the newest item + 1, a history ending in the item's successor
  // must take the runner-up: after 3 2 the best is 3 again, which is taken.
  Dataset data = testing::make_dataset(1, kItems, {{0, 3, 0}, {0, 2, 1}});
  AugmentOptions o;
  o.length = 1, o.temperature = 0.1;
  auto w = generated_continuations(CycleModel(), data, o);
  ASSERT_EQ(w.size(), 1);
  EXPECT_EQ(w.window(0).back(), 4);
}

TEST(GeneratedContinuations, KeepTheNewestItemsWithinTheWindowLength) {
  AugmentOptions o;
  o.length = 4, o.max_history = 10, o.max_len = 4, o.temperature = 0.1;
  auto w = generated_continuations(CycleModel(), histories(), o);
  for (int64_t k = 0; k < w.size(); ++k) EXPECT_LE(w.window(k).size(), 5u);
  auto last = w.window(2);  // u2: 10..15 then 16..19 generated; the newest five kept
  EXPECT_EQ(std::vector<int32_t>(last.begin(), last.end()),
            (std::vector<int32_t>{15, 16, 17, 18, 19}));
  EXPECT_EQ(w.weights[w.offsets[2]], 0.0f);
}

TEST(GeneratedContinuations, SamplingIsSeededAndSpreadsWithTemperature) {
  AugmentOptions o;
  o.length = 2, o.temperature = 100.0;  // nearly uniform
  auto a = generated_continuations(CycleModel(), histories(), o);
  auto b = generated_continuations(CycleModel(), histories(), o);
  EXPECT_EQ(a.items, b.items);
  std::set<int32_t> drawn;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    o.seed = seed;
    auto w = generated_continuations(CycleModel(), histories(), o);
    drawn.insert(w.window(0).back());
  }
  EXPECT_GT(drawn.size(), 5u);
}

TEST(GeneratedContinuations, RejectNonPositiveSettings) {
  AugmentOptions o;
  EXPECT_THROW(generated_continuations(CycleModel(), histories(), o), UsageError);  // length 0
  o.length = 1, o.weight = 0;
  EXPECT_THROW(generated_continuations(CycleModel(), histories(), o), UsageError);
}

}  // namespace
}  // namespace lmrec
