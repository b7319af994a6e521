#include "models/semantic.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/errors.h"
#include "data/reader.h"
#include "support/tiny_data.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

// Two topics, three items each; every user has seen two items of one topic.
Dataset topical() {
  Dataset d = testing::make_dataset(2, 6, {{0, 0, 1}, {0, 1, 2}, {1, 3, 1}, {1, 4, 2}});
  d.catalogue.title = {"Rocket launch to Mars",          "Astronauts on the space station",
                       "A telescope finds a new galaxy", "Fresh pasta with tomato sauce",
                       "Baking sourdough bread",         "Italian risotto recipe"};
  int32_t space = d.catalogue.category_names.intern("Space");
  int32_t food = d.catalogue.category_names.intern("Cooking");
  d.catalogue.categories = {{space}, {space}, {space}, {food}, {food}, {food}};
  return d;
}

SemanticRecommender fitted(const Dataset& data, Options options = {}) {
  options.set("model_dir", testing::use_lite_dir());
  SemanticRecommender model(SemanticOptions::parse(options));
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

TEST(Semantic, ItemTextJoinsTitleCategoriesAndText) {
  Dataset d = topical();
  d.catalogue.text[0] = "red planet";
  EXPECT_EQ(SemanticRecommender::item_text(d, 0), "Rocket launch to Mars. Space. red planet");
  d.catalogue.title[1].clear();
  EXPECT_EQ(SemanticRecommender::item_text(d, 1), "Space");
}

TEST(Semantic, RanksUnseenItemsOfTheUsersTopicFirst) {
  LMREC_REQUIRE_USE_LITE();
  Dataset data = topical();
  auto model = fitted(data);
  for (int32_t u = 0; u < 2; ++u) {
    auto top = model.recommend(make_context(data, u), 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item, u == 0 ? 2 : 5) << "user " << u;
  }
}

TEST(Semantic, RecentItemsWeighMore) {
  LMREC_REQUIRE_USE_LITE();
  Dataset data = topical();
  Options options;
  options.set("half_life", "0.5");  // each older item weighs a quarter of the next
  auto model = fitted(data, options);
  UserContext c;
  c.items = {0, 1, 3};  // space earlier, cooking last
  std::vector<float> s(6);
  model.score(std::span(&c, 1), s.data());
  EXPECT_GT(s[5], s[2]);
  c.items = {3, 0, 1};
  model.score(std::span(&c, 1), s.data());
  EXPECT_GT(s[2], s[5]);
}

TEST(Semantic, CentredItemVectorsAreUnitAndMeanFree) {
  LMREC_REQUIRE_USE_LITE();
  auto model = fitted(topical());
  const auto& v = model.item_vectors();
  const int32_t dim = model.dim();
  std::vector<double> sum(dim, 0.0);
  for (int32_t i = 0; i < 6; ++i) {
    double norm = 0;
    for (int32_t j = 0; j < dim; ++j)
      norm += v[i * dim + j] * v[i * dim + j], sum[j] += v[i * dim + j];
    EXPECT_NEAR(norm, 1.0, 1e-4);
  }
  // Without centring every pair of titles has a clearly positive cosine; with it, the two topics
  // point apart.
  double cross = 0;
  for (int32_t j = 0; j < dim; ++j) cross += v[0 * dim + j] * v[3 * dim + j];
  EXPECT_LT(cross, 0.0);
}

TEST(Semantic, PopularityPriorBreaksTextTies) {
  Dataset data = testing::make_dataset(2, 3, {{0, 2, 1}, {1, 2, 1}, {1, 1, 1}});
  Options options;
  options.set("popularity", "0.5");
  SemanticRecommender model(SemanticOptions::parse(options));
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  UserContext c;
  std::vector<float> s(3);
  model.score(std::span(&c, 1), s.data());
  EXPECT_EQ(s[0], 0.0f);
  EXPECT_GT(s[2], s[1]);
  EXPECT_FLOAT_EQ(s[2], 0.5f);
}

TEST(Semantic, BehaviourTextListsRecentActionsFirst) {
  LMREC_REQUIRE_USE_LITE();
  Options options;
  options.set("user_vector", "text");
  options.set("text_history", "2");
  auto model = fitted(topical(), options);
  UserContext c;
  c.items = {0, 1, 3};
  c.values = {4, 2.5, 5};
  EXPECT_EQ(model.behaviour_text(c),
            "rated 5: Fresh pasta with tomato sauce (Cooking). rated 2.5: Astronauts on the space "
            "station (Space).");
  c.values.clear();
  EXPECT_EQ(model.behaviour_text(c).substr(0, 9), "watched: ");
}

TEST(Semantic, BehaviourTextRanksTheUsersTopicFirst) {
  LMREC_REQUIRE_USE_LITE();
  Dataset data = topical();
  Options options;
  options.set("user_vector", "text");
  auto model = fitted(data, options);
  for (int32_t u = 0; u < 2; ++u) {
    auto top = model.recommend(make_context(data, u), 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item, u == 0 ? 2 : 5) << "user " << u;
  }
}

TEST(Semantic, QueryWithoutHistoryRanksItsTopicFirst) {
  LMREC_REQUIRE_USE_LITE();
  auto model = fitted(topical());
  UserContext c;
  c.text = "what should I cook for dinner tonight";
  auto top = model.recommend(c, 3);
  ASSERT_EQ(top.size(), 3u);
  for (const auto& s : top) EXPECT_GE(s.item, 3) << "item " << s.item;
  c.text = "exploring outer space";
  auto space = model.recommend(c, 3);
  ASSERT_EQ(space.size(), 3u);
  for (const auto& s : space) EXPECT_LT(s.item, 3) << "item " << s.item;
}

TEST(Semantic, AnimationQueryBringsAnimatedFilmsOnMovielens) {
  LMREC_REQUIRE_USE_LITE();
  const std::string path = std::string(LMREC_SHARED_DATA) + "/ml-latest-small";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not found at " << path;
  NullProgress quiet;
  ReadOptions read;
  read.input = path;
  Dataset data = read_dataset(read, quiet);
  auto model = fitted(data);
  UserContext c;
  c.text = "animated cartoon movies for kids";
  int32_t animation = data.catalogue.category_names.find("Animation");
  ASSERT_GE(animation, 0);
  auto top = model.recommend(c, 10);
  ASSERT_EQ(top.size(), 10u);
  int animated = 0;
  for (const auto& s : top) {
    const auto& cats = data.catalogue.categories[s.item];
    bool is = std::find(cats.begin(), cats.end(), animation) != cats.end();
    animated += is;
    if (&s == &top[0]) {
      EXPECT_TRUE(is) << data.catalogue.title[s.item];
    }
  }
  EXPECT_GE(animated, 8);
}

TEST(Semantic, NeedsNoEncoderWithoutItemText) {
  Dataset data = testing::make_dataset(1, 3, {{0, 0, 1}});
  Options options;
  options.set("model_dir", "/nonexistent");
  SemanticRecommender model(SemanticOptions::parse(options));
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  std::vector<float> s(3, 1);
  UserContext c;
  c.items = {0};
  model.score(std::span(&c, 1), s.data());
  EXPECT_EQ(s, (std::vector<float>{0, 0, 0}));
}

}  // namespace
}  // namespace lmrec
