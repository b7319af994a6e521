#include "models/ials_text.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "support/tiny_data.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

// Two topics, three items each; items 2 and 5 have text but nobody has interacted with them.
Dataset topical() {
  Dataset d = testing::make_dataset(
      4, 6,
      {{0, 0, 1}, {0, 1, 2}, {1, 3, 1}, {1, 4, 2}, {2, 0, 1}, {2, 1, 2}, {3, 3, 1}, {3, 4, 2}});
  d.catalogue.title = {"Rocket launch to Mars",          "Astronauts on the space station",
                       "A telescope finds a new galaxy", "Fresh pasta with tomato sauce",
                       "Baking sourdough bread",         "Italian risotto recipe"};
  int32_t space = d.catalogue.category_names.intern("Space");
  int32_t food = d.catalogue.category_names.intern("Cooking");
  d.catalogue.categories = {{space}, {space}, {space}, {food}, {food}, {food}};
  return d;
}

IalsTextRecommender fitted(const Dataset& data) {
  Options options;
  options.set("model_dir", testing::use_lite_dir());
  options.set("factors", "4");
  options.set("regularization", "0.1");
  options.set("text_regularization", "0.1");
  IalsTextRecommender model(IalsTextOptions::parse(options));
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model.fit(data, ctx);
  return model;
}

TEST(IalsText, ItemsWithoutInteractionsGetFactorsFromText) {
  LMREC_REQUIRE_USE_LITE();
  Dataset data = topical();
  auto model = fitted(data);
  EXPECT_EQ(model.text_items(), 2);
  for (int32_t u = 0; u < 2; ++u) {
    auto top = model.recommend(make_context(data, u), 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item, u == 0 ? 2 : 5) << "user " << u;
  }
}

TEST(IalsText, SplitsTextAndIalsOptions) {
  Options options;
  options.set("factors", "8");
  options.set("cache", "/tmp/x.cache");
  auto o = IalsTextOptions::parse(options);
  EXPECT_EQ(o.ials.factors, 8);
  EXPECT_EQ(o.cache, "/tmp/x.cache");
  options.set("nonsense", "1");
  EXPECT_THROW(IalsTextOptions::parse(options), ConfigError);
}

}  // namespace
}  // namespace lmrec
