#include "models/mult_vae.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

using testing::kClusterItems;

UserContext history(std::vector<int32_t> items) {
  UserContext c;
  c.items = std::move(items);
  return c;
}

TEST(MultVae, LossDecreasesAndClustersAreLearnt) {
  auto data = testing::clustered_dataset();
  Options o;
  o.set("epochs", "60");
  o.set("total_anneal_steps", "100");
  MultVaeRecommender model(MultVaeOptions::parse(o));
  NullProgress quiet;
  model.fit(data, {&quiet, {}});
  const auto& losses = model.epoch_losses();
  ASSERT_EQ(losses.size(), 60u);
  EXPECT_LT(losses.back(), 0.8 * losses.front());
  auto top_a = model.recommend(history({0, 1, 2}), 4);
  ASSERT_EQ(top_a.size(), 4u);
  for (const auto& s : top_a) EXPECT_LT(s.item, kClusterItems);
  auto top_b = model.recommend(history({kClusterItems, kClusterItems + 3}), 4);
  ASSERT_EQ(top_b.size(), 4u);
  for (const auto& s : top_b) EXPECT_GE(s.item, kClusterItems);
}

TEST(MultDae, HasNoAnnealingOptions) {
  Options o;
  o.set("anneal_cap", "0.1");
  EXPECT_THROW(MultDaeOptions::parse(o), ConfigError);
  EXPECT_NO_THROW(MultVaeOptions::parse(o));
  auto dae = MultDaeOptions::parse({});
  EXPECT_EQ(dae.hidden, 0);
  EXPECT_FALSE(dae.variational);
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"dropout", "1"}, {"latent", "0"}, {"hidden", "-1"}}) {
    Options bad;
    bad.set(key, value);
    EXPECT_THROW(MultVaeOptions::parse(bad), ConfigError) << key;
  }
}

}  // namespace
}  // namespace lmrec
