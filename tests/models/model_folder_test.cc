// Model folders (save_model / load_model) and what the Recommender interface says of models.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "models/recommender.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

std::string saved_popularity(const std::string& name) {
  auto data = testing::make_dataset(2, 3, {{0, 0, 1}, {1, 1, 2}, {1, 2, 3}});
  auto model = make_recommender("popularity", {});
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(data, ctx);
  std::string dir = testing::temp_dir(name);
  save_model(*model, dir, {});
  return dir;
}

TEST(ModelFolder, DeeplyNestedConfigIsAFormatError) {
  std::string dir = saved_popularity("model-folder-deep");
  EXPECT_EQ(load_model(dir)->name(), "popularity");
  // A bad "format" is dumped into the message, which recursed 300,000 levels deep.
  std::ofstream(dir + "/config.json")
      << R"({"name": "popularity", "options": {}, "format": )" << std::string(300000, '[')
      << std::string(300000, ']') << "}";
  try {
    load_model(dir);
    FAIL() << "a deeply nested config.json was loaded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
  }
}

TEST(ModelFolder, OnlyModelsThatUseTheQueryReadText) {
  auto names = recommender_names();
  ASSERT_FALSE(names.empty());
  for (const auto& name : names)
    EXPECT_EQ(make_recommender(name, {})->reads_text(), name == "semantic") << name;
}

}  // namespace
}  // namespace lmrec
