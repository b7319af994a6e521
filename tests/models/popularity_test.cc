#include "models/popularity.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

using testing::Rating;
constexpr int64_t kDay = 86400;

void fit(Recommender& model, const Dataset& data) {
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
}

TEST(Popularity, CountsEveryEventIncludingRepeats) {
  auto data = testing::rated_dataset(
      3, 4, {{0, 1, 5, 10}, {0, 1, 3, 20}, {1, 1, 1, 30}, {1, 2, 2, 40}, {2, 0, 4, 50}});
  PopularityRecommender model;
  fit(model, data);
  EXPECT_EQ(model.counts(), (std::vector<float>{1, 3, 1, 0}));
}

TEST(Popularity, WindowCountsOnlyRecentDays) {
  int64_t t = 100 * kDay;
  auto data = testing::rated_dataset(
      2, 3,
      {{0, 0, 1, t - 10 * kDay}, {0, 1, 1, t - 2 * kDay}, {1, 1, 1, t}, {1, 2, 1, t - 3 * kDay}});
  Options options;
  options.set("window_days", "3");
  PopularityRecommender model(PopularityOptions::parse(options));
  fit(model, data);
  EXPECT_EQ(model.counts(), (std::vector<float>{0, 2, 1}));  // the cut is inclusive
}

TEST(Popularity, WindowNeedsTimestamps) {
  auto data = testing::rated_dataset(1, 2, {{0, 0, 1, 1}, {0, 1, 1, 2}});
  data.has_times = false;
  Options options;
  options.set("window_days", "7");
  PopularityRecommender model(PopularityOptions::parse(options));
  EXPECT_THROW(fit(model, data), ConfigError);
  options.set("window_days", "-1");
  EXPECT_THROW(PopularityOptions::parse(options), ConfigError);
}

TEST(Popularity, SameScoresForEveryUser) {
  auto data = testing::clustered_dataset();
  PopularityRecommender model;
  fit(model, data);
  std::vector<UserContext> users(2);
  users[0].items = {0, 1};
  std::vector<float> scores(2 * static_cast<size_t>(model.n_items()));
  model.score(users, scores.data());
  for (int32_t i = 0; i < model.n_items(); ++i) {
    EXPECT_EQ(scores[i], model.counts()[i]);
    EXPECT_EQ(scores[model.n_items() + i], model.counts()[i]);
  }
}

}  // namespace
}  // namespace lmrec
