// The hybrid item table of the sequence models: items nobody has interacted with are placed by
// their text.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/recommender.h"
#include "support/tiny_data.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

// Two topics of three items; users walk two items of one topic in either order, and items 2
// and 5 have text but no interactions.
Dataset topical() {
  std::vector<testing::Event> events;
  for (int32_t u = 0; u < 24; ++u) {
    int32_t base = u % 2 ? 3 : 0, first = u % 4 < 2 ? 0 : 1;
    events.push_back({u, base + first, 2 * u});
    events.push_back({u, base + 1 - first, 2 * u + 1});
  }
  Dataset d = testing::make_dataset(24, 6, events);
  d.catalogue.title = {"Rocket launch to Mars",          "Astronauts on the space station",
                       "A telescope finds a new galaxy", "Fresh pasta with tomato sauce",
                       "Baking sourdough bread",         "Italian risotto recipe"};
  return d;
}

std::unique_ptr<Recommender> fitted(const Dataset& data) {
  Options o;
  for (const char* kv : {"hidden=16", "layers=1", "heads=1", "epochs=60", "learning_rate=0.01",
                         "dropout=0", "patience=0", "text=true", "text_id_dropout=0.5"})
    o.set(kv);
  o.set("model_dir", testing::use_lite_dir());
  auto model = make_recommender("sasrec", o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(data, ctx);
  return model;
}

TEST(SequentialText, ItemsWithoutInteractionsAreRankedByTheirText) {
  LMREC_REQUIRE_USE_LITE();
  Dataset data = topical();
  auto model = fitted(data);
  for (int32_t base : {0, 3}) {
    UserContext c;
    c.items = {base, base + 1};
    auto top = model->recommend(c, 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item, base + 2) << "after items " << base << ", " << base + 1;
  }
  std::string dir = testing::temp_dir("sasrec-text");
  save_model(*model, dir, {});
  auto loaded = load_model(dir);
  UserContext c;
  c.items = {1, 0};
  std::vector<float> a(6), b(6);
  model->score({&c, 1}, a.data());
  loaded->score({&c, 1}, b.data());
  EXPECT_EQ(a, b);
}

TEST(SequentialText, NeedsItemText) {
  Dataset data = topical();
  data.catalogue.title.assign(6, "");
  EXPECT_THROW(fitted(data), ConfigError);
}

}  // namespace
}  // namespace lmrec
