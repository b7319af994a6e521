#include "models/item_vectors.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/factor_model.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

std::unique_ptr<Recommender> fitted(const std::string& name, const Options& options) {
  std::vector<testing::Event> events;
  for (int32_t u = 0; u < 8; ++u)
    for (int32_t k = 0; k < 4; ++k) events.push_back({u, (u + k) % 10, k});
  auto model = make_recommender(name, options);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(testing::make_dataset(8, 10, events), ctx);
  return model;
}

TEST(RerankItemVectors, FactorModelGivesItsItemFactors) {
  Options o;
  o.set("factors", "4");
  o.set("iterations", "2");
  auto model = fitted("ials", o);
  int32_t dim = 0;
  auto v = model_item_vectors(*model, &dim);
  EXPECT_EQ(dim, 4);
  ASSERT_EQ(v.size(), 40u);
  auto f = dynamic_cast<const FactorModel&>(*model).item_factors();
  EXPECT_TRUE(std::equal(v.begin(), v.end(), f.begin()));
}

TEST(RerankItemVectors, ModelWithoutVectorsIsAConfigErrorNamingIt) {
  auto model = fitted("popularity", {});
  int32_t dim = 0;
  try {
    model_item_vectors(*model, &dim);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("popularity"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmrec
