#include "rerank/slate.h"

#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"

namespace lmrec {
namespace {

// Scores that depend on the newest history item: its successor scores 10, every other item
// scores less the higher its id. Generation must follow the chain; plain top-k cannot.
class ChainModel : public Recommender {
 public:
  std::string name() const override { return "chain"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return 20; }
  void score(std::span<const UserContext> users, float* scores) const override {
    for (size_t u = 0; u < users.size(); ++u) {
      float* row = scores + u * 20;
      for (int32_t i = 0; i < 20; ++i) row[i] = -0.01f * static_cast<float>(i);
      if (!users[u].items.empty()) row[(users[u].items.back() + 1) % 20] = 10.0f;
    }
  }
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
};

UserContext history(std::vector<int32_t> items) {
  UserContext c;
  c.items = std::move(items);
  return c;
}

std::vector<int32_t> ids(const std::vector<ScoredItem>& slate) {
  std::vector<int32_t> out;
  for (const auto& s : slate) out.push_back(s.item);
  return out;
}

TEST(Slate, GreedyConditionsEachSlotOnThePlacedItems) {
  ChainModel model;
  SlateOptions o;
  o.length = 4;
  EXPECT_EQ(ids(generate_slate(model, history({3}), o)), (std::vector<int32_t>{4, 5, 6, 7}));
  // Top-k over the history alone: the successor, then the lowest ids.
  EXPECT_EQ(ids(model.recommend(history({3}), 4)), (std::vector<int32_t>{4, 0, 1, 2}));
}

TEST(Slate, SkipsTheHistoryAndRepeats) {
  ChainModel model;
  SlateOptions o;
  o.length = 3;
  // 5 follows 4 but is in the history: the best allowed item after 4 is 0.
  EXPECT_EQ(ids(generate_slate(model, history({5, 3}), o)), (std::vector<int32_t>{4, 0, 1}));
  o.exclude_seen = false;
  EXPECT_EQ(ids(generate_slate(model, history({5, 3}), o)), (std::vector<int32_t>{4, 5, 6}));
}

TEST(Slate, CategoryCapHolds) {
  ChainModel model;
  std::vector<std::vector<int32_t>> categories(20);
  for (int32_t i = 0; i < 20; ++i) categories[i] = {i % 2};
  SlateOptions o;
  o.length = 6;
  o.max_per_category = 2;
  auto slate = ids(generate_slate(model, history({3}), o, &categories));
  EXPECT_EQ(slate.size(), 4u);  // two of each parity, then nothing is allowed
  int even = 0;
  for (int32_t i : slate) even += i % 2 == 0;
  EXPECT_EQ(even, 2);
  o.max_per_category = 1;
  EXPECT_THROW(generate_slate(model, history({3}), o), UsageError);
}

TEST(Slate, BeamFollowsTheChainAndSamplingIsSeeded) {
  ChainModel model;
  SlateOptions o;
  o.length = 5;
  o.method = "beam";
  o.beam = 3;
  EXPECT_EQ(ids(generate_slate(model, history({3}), o)), (std::vector<int32_t>{4, 5, 6, 7, 8}));
  o.method = "sample";
  o.temperature = 5.0;
  auto a = ids(generate_slate(model, history({3}), o));
  EXPECT_EQ(a, ids(generate_slate(model, history({3}), o)));
  EXPECT_EQ(std::set<int32_t>(a.begin(), a.end()).size(), a.size());
  for (int32_t i : a) EXPECT_NE(i, 3);
}

TEST(Slate, RecommenderAdapterRanksTheSlateFirst) {
  ChainModel model;
  SlateOptions o;
  o.length = 3;
  SlateRecommender slate(model, o);
  auto top = slate.recommend(history({3}), 5);
  EXPECT_EQ(ids(top), (std::vector<int32_t>{4, 5, 6, 0, 1}));
}

TEST(Slate, ParseRejectsUnknownMethod) {
  Options bad;
  bad.set("method", "magic");
  EXPECT_THROW(SlateOptions::parse(bad), ConfigError);
}

}  // namespace
}  // namespace lmrec
