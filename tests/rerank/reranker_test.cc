#include "rerank/reranker.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/errors.h"
#include "rerank/rerank_test_items.h"

namespace lmrec {
namespace {

using testing::ids;
using testing::near_duplicates;
using testing::scored;

Options opts(std::initializer_list<std::string> assignments) {
  Options o;
  for (const auto& a : assignments) o.set(a);
  return o;
}

std::string config_error(const std::string& name, const Options& options,
                         std::shared_ptr<const RerankItems> items) {
  try {
    make_reranker(name, options, std::move(items));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RerankFactory, BuildsEveryNameWithEffectiveOptions) {
  for (const auto& name : reranker_names()) {
    auto r = make_reranker(name, {}, near_duplicates());
    EXPECT_EQ(r->name(), name);
    // The effective options rebuild the same reranker.
    EXPECT_EQ(make_reranker(name, r->options(), near_duplicates())->options().values(),
              r->options().values());
  }
  EXPECT_EQ(make_reranker("mmr", opts({"lambda=0.7"}), near_duplicates())
                ->options()
                .get_double("lambda", 0),
            0.7);
}

TEST(RerankFactory, UnknownNameOrOptionIsAConfigErrorListingTheKnown) {
  std::string name = config_error("mrm", {}, near_duplicates());
  EXPECT_NE(name.find("mrm"), std::string::npos) << name;
  EXPECT_NE(name.find("dpp"), std::string::npos) << name;
  for (const char* r : {"none", "mmr", "dpp", "rules"}) {
    std::string option = config_error(r, opts({"lamda=0.5"}), near_duplicates());
    EXPECT_NE(option.find("lamda"), std::string::npos) << r << ": " << option;
  }
  std::string known = config_error("mmr", opts({"lamda=0.5"}), near_duplicates());
  EXPECT_NE(known.find("similarity"), std::string::npos) << known;
  EXPECT_NE(config_error("mmr", opts({"similarity=jaccard"}), near_duplicates()), "");
  EXPECT_NE(config_error("mmr", opts({"lambda=1.5"}), near_duplicates()), "");
  EXPECT_NE(config_error("dpp", opts({"lambda=-0.1"}), near_duplicates()), "");
}

TEST(RerankFactory, MissingDataIsAConfigError) {
  auto bare = std::make_shared<RerankItems>();
  EXPECT_NE(config_error("mmr", {}, bare).find("vectors"), std::string::npos);
  EXPECT_NE(config_error("dpp", {}, bare).find("vectors"), std::string::npos);
  EXPECT_NE(config_error("mmr", opts({"similarity=categories"}), bare).find("categories"),
            std::string::npos);
  EXPECT_NE(config_error("rules", opts({"max_per_category=1"}), bare).find("categories"),
            std::string::npos);
  EXPECT_NE(config_error("rules", opts({"novelty=1"}), bare).find("popularity"), std::string::npos);
  EXPECT_NE(config_error("mmr", {}, nullptr), "");
  // What needs nothing builds on nothing.
  EXPECT_NO_THROW(make_reranker("none", {}, bare));
  EXPECT_NO_THROW(make_reranker("rules", {}, bare));
}

TEST(RerankFactory, NoneReturnsTheFirstK) {
  auto r = make_reranker("none", {}, nullptr);
  auto ranked = scored({5, 3, 9}, {3, 2, 1});
  EXPECT_EQ(ids(r->rerank({}, ranked, 2)), (std::vector<int32_t>{5, 3}));
  EXPECT_EQ(ids(r->rerank({}, ranked, 10)), (std::vector<int32_t>{5, 3, 9}));
}

TEST(RerankFactory, NormalisedRelevanceIsMinMaxWithinTheList) {
  auto rel = normalised_relevance(scored({0, 1, 2}, {10, 5, 0}));
  EXPECT_DOUBLE_EQ(rel[0], 1.0);
  EXPECT_DOUBLE_EQ(rel[1], 0.5);
  EXPECT_DOUBLE_EQ(rel[2], 0.0);
  EXPECT_EQ(normalised_relevance(scored({0, 1}, {3, 3})), (std::vector<double>{1.0, 1.0}));
}

}  // namespace
}  // namespace lmrec
