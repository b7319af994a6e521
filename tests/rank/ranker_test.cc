#include "rank/ranker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.h"
#include "rank/weighted_ranker.h"
#include "rank/xgboost_ranker.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

// Two channels over `groups` requests of `size` candidates, one target each. Channel 0's score
// is the target's signal plus noise; channel 1 is noise. Columns: score0, score1, rank0, rank1.
RankingData synthetic(int groups, int size, uint64_t seed, FeatureLayout& layout) {
  layout = FeatureLayout();
  layout.names = {"a.score", "b.score", "a.rank", "b.rank"};
  layout.channel_score = {0, 1};
  layout.channel_rank = {2, 3};
  layout.channel_names = {"a", "b"};
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0, 1);
  RankingData d;
  d.n_features = 4;
  for (int g = 0; g < groups; ++g) {
    int target = static_cast<int>(rng() % static_cast<uint64_t>(size));
    std::vector<float> a(size), b(size);
    for (int c = 0; c < size; ++c) {
      a[c] = (c == target ? 1.5f : 0.0f) + noise(rng);
      b[c] = noise(rng);
    }
    for (int c = 0; c < size; ++c) {
      int ra = 0, rb = 0;
      for (int o = 0; o < size; ++o) ra += a[o] > a[c], rb += b[o] > b[c];
      d.features.insert(d.features.end(), {a[c], b[c], float(ra), float(rb)});
      d.labels.push_back(c == target ? 1.0f : 0.0f);
    }
    d.group_begin.push_back(d.group_begin.back() + size);
  }
  return d;
}

double mean_ndcg(const Ranker& r, const RankingData& d, const FeatureLayout& layout) {
  std::vector<float> s(static_cast<size_t>(d.rows()));
  r.score(d, layout, s.data());
  double sum = 0;
  for (int64_t g = 0; g < d.groups(); ++g) sum += group_ndcg(d, g, s.data(), 10);
  return sum / static_cast<double>(d.groups());
}

TEST(Rrf, ScoresTheSumOfReciprocalPlacesOverTheChannelsThatProposed) {
  FeatureLayout layout;
  layout.names = {"a.rank", "b.rank"};
  layout.channel_score = {0, 1};
  layout.channel_rank = {0, 1};
  RankingData d;
  d.n_features = 2;
  d.features = {0, 2, 1, NAN};
  d.group_begin = {0, 2};
  auto rrf = make_ranker("rrf", Options());
  float s[2];
  rrf->score(d, layout, s);
  EXPECT_FLOAT_EQ(s[0], 1.0f / 61 + 1.0f / 63);
  EXPECT_FLOAT_EQ(s[1], 1.0f / 62);  // channel b did not propose it
}

TEST(Weighted, FitsMoreWeightOnTheInformativeChannel) {
  FeatureLayout layout;
  auto train = synthetic(400, 20, 1, layout), test = synthetic(400, 20, 2, layout);
  auto ranker = make_ranker("weighted", Options());
  ranker->fit(train, layout);
  const auto& w = dynamic_cast<const WeightedRanker&>(*ranker).weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_GT(w[0], w[1]);
  // Equal weights mix in the noise channel; the fitted ones rank better on unseen groups.
  WeightedRanker equal{WeightedOptions()};
  RankingData none = train;
  none.labels.assign(none.labels.size(), 0.0f);  // nothing to fit: stays at equal weights
  equal.fit(none, layout);
  EXPECT_GT(mean_ndcg(*ranker, test, layout), mean_ndcg(equal, test, layout) + 0.02);
}

TEST(Xgboost, LearnsToRankAndRoundTripsThroughItsFolder) {
  FeatureLayout layout;
  auto train = synthetic(600, 20, 3, layout), test = synthetic(300, 20, 4, layout);
  Options o;
  o.set("rounds", "60");
  auto ranker = make_ranker("xgboost", o);
  ranker->fit(train, layout);
  double learned = mean_ndcg(*ranker, test, layout);
  // Ranking by channel a alone is what the data allows; random order scores about 0.2.
  RankingData by_a = test;
  std::vector<float> a(static_cast<size_t>(test.rows()));
  for (int64_t r = 0; r < test.rows(); ++r) a[r] = test.features[r * 4];
  double oracle = 0;
  for (int64_t g = 0; g < test.groups(); ++g) oracle += group_ndcg(test, g, a.data(), 10);
  oracle /= static_cast<double>(test.groups());
  EXPECT_GT(learned, 0.8 * oracle);
  EXPECT_GT(learned, 0.4);

  auto dir = testing::temp_dir("xgb_ranker");
  ranker->save(dir);
  auto loaded = make_ranker("xgboost", o);
  loaded->load(dir);
  std::vector<float> s1(static_cast<size_t>(test.rows())), s2(s1.size());
  ranker->score(test, layout, s1.data());
  loaded->score(test, layout, s2.data());
  EXPECT_EQ(s1, s2);
}

TEST(Xgboost, ContributionsAddUpToTheScore) {
  FeatureLayout layout;
  auto train = synthetic(200, 10, 5, layout);
  Options o;
  o.set("rounds", "20");
  auto ranker = make_ranker("xgboost", o);
  ranker->fit(train, layout);
  std::vector<float> s(static_cast<size_t>(train.rows()));
  ranker->score(train, layout, s.data());
  auto contributions = ranker->contributions(train, layout);
  ASSERT_EQ(contributions.size(), static_cast<size_t>(train.rows()) * 5);
  for (int64_t r = 0; r < train.rows(); r += 37) {
    float sum = 0;
    for (int f = 0; f < 5; ++f) sum += contributions[r * 5 + f];
    EXPECT_NEAR(sum, s[r], 1e-4) << r;
  }
}

TEST(Ranker, UnknownNamesAndOptionsAreConfigErrors) {
  EXPECT_THROW(make_ranker("lambdarank", Options()), ConfigError);
  Options bad;
  bad.set("depth", "3");
  EXPECT_THROW(make_ranker("xgboost", bad), ConfigError);
  Options objective;
  objective.set("objective", "reg:squarederror");
  EXPECT_THROW(make_ranker("xgboost", objective), ConfigError);
}

}  // namespace
}  // namespace lmrec
