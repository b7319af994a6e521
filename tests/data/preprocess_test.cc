#include "data/preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.h"

namespace lmrec {
namespace {

// Rows given as (user name, item name, value, time).
struct Row {
  std::string user, item;
  float value;
  int64_t time;
};

Dataset make(const std::vector<Row>& rows, bool explicit_values = true) {
  Dataset d;
  for (const auto& r : rows)
    d.rows.push(d.users.intern(r.user), d.items.intern(r.item), r.value, r.time);
  d.explicit_values = explicit_values;
  d.has_times = true;
  d.finalize();
  return d;
}

// The value and time of (user, item) rows, in time order.
std::vector<std::pair<float, int64_t>> rows_of(const Dataset& d, const std::string& user,
                                               const std::string& item) {
  std::vector<std::pair<float, int64_t>> out;
  int32_t u = d.users.find(user), i = d.items.find(item);
  for (int64_t r = d.user_begin(u); r < d.user_end(u); ++r)
    if (d.rows.item[r] == i) out.emplace_back(d.rows.value[r], d.rows.time[r]);
  return out;
}

const std::vector<Row> kDuplicates = {
    {"a", "x", 3, 10}, {"a", "x", 5, 20}, {"a", "x", 4, 30}, {"a", "y", 1, 15}, {"b", "x", 2, 5}};

TEST(Preprocess, DedupPolicies) {
  using P = std::vector<std::pair<float, int64_t>>;
  auto run = [](DedupPolicy policy) {
    Dataset d = make(kDuplicates);
    PreprocessOptions o;
    o.dedup = policy;
    auto report = preprocess(d, o);
    EXPECT_EQ(report.duplicates_removed, policy == DedupPolicy::kKeepAll ? 0 : 2);
    return rows_of(d, "a", "x");
  };
  EXPECT_EQ(run(DedupPolicy::kKeepAll), (P{{3, 10}, {5, 20}, {4, 30}}));
  EXPECT_EQ(run(DedupPolicy::kKeepFirst), (P{{3, 10}}));
  EXPECT_EQ(run(DedupPolicy::kKeepLast), (P{{4, 30}}));
  EXPECT_EQ(run(DedupPolicy::kMaxValue), (P{{5, 20}}));
  EXPECT_EQ(run(DedupPolicy::kSumValues), (P{{12, 30}}));
}

TEST(Preprocess, KeepLastTakesTheLaterInputRowOnEqualTimes) {
  Dataset d = make({{"a", "x", 1, 10}, {"a", "x", 2, 10}});
  PreprocessOptions o;
  o.dedup = DedupPolicy::kKeepLast;
  preprocess(d, o);
  EXPECT_EQ(rows_of(d, "a", "x"), (std::vector<std::pair<float, int64_t>>{{2, 10}}));
}

TEST(Preprocess, ImplicitThresholdKeepsHighRatingsAsOnes) {
  Dataset d = make(kDuplicates);
  PreprocessOptions o;
  o.implicit_threshold = 4;
  auto report = preprocess(d, o);
  EXPECT_EQ(report.below_threshold, 3);
  EXPECT_EQ(d.n_interactions(), 2);
  EXPECT_FALSE(d.explicit_values);
  for (float v : d.rows.value) EXPECT_EQ(v, 1.0f);
  EXPECT_EQ(d.n_users(), 1);  // b and y had no rating >= 4 and are compacted away
  EXPECT_EQ(d.n_items(), 1);
}

TEST(Preprocess, KcoreReachesAFixedPoint) {
  std::mt19937 rng(7);
  std::vector<Row> rows;
  for (int r = 0; r < 3000; ++r) {
    int u = static_cast<int>(std::pow(rng() % 1000 / 1000.0, 3) * 300);
    int i = static_cast<int>(std::pow(rng() % 1000 / 1000.0, 2) * 400);
    rows.push_back({"u" + std::to_string(u), "i" + std::to_string(i), 1, r});
  }
  Dataset d = make(rows, false);
  int32_t users_before = d.n_users(), items_before = d.n_items();
  PreprocessOptions o;
  o.min_user = 5;
  o.min_item = 5;
  auto report = preprocess(d, o);
  ASSERT_GT(d.n_interactions(), 0);
  for (int32_t u = 0; u < d.n_users(); ++u) EXPECT_GE(d.user_count(u), 5);
  for (int32_t i = 0; i < d.n_items(); ++i) EXPECT_GE(d.item_count(i), 5);
  EXPECT_GT(report.kcore_rounds, 1);
  EXPECT_EQ(report.rows_in - report.kcore_rows_removed, report.rows_out);
  EXPECT_EQ(users_before - report.kcore_users_removed, d.n_users());
  EXPECT_EQ(items_before - report.kcore_items_removed, d.n_items());
  EXPECT_EQ(d.catalogue.title.size(), static_cast<size_t>(d.n_items()));
}

TEST(Preprocess, KcoreOnDataThatAlreadyPasses) {
  Dataset d = make({{"a", "x", 1, 1}, {"a", "y", 1, 2}, {"b", "x", 1, 3}, {"b", "y", 1, 4}});
  PreprocessOptions o;
  o.min_user = 2;
  o.min_item = 2;
  auto report = preprocess(d, o);
  EXPECT_EQ(report.kcore_rounds, 0);
  EXPECT_EQ(d.n_interactions(), 4);
}

TEST(Preprocess, Normalisation) {
  Dataset d = make({{"a", "x", 2, 1}, {"a", "y", 4, 2}, {"b", "x", 5, 3}});
  PreprocessOptions o;
  o.normalize = "user-mean";
  preprocess(d, o);
  EXPECT_EQ(rows_of(d, "a", "x")[0].first, -1.0f);
  EXPECT_EQ(rows_of(d, "a", "y")[0].first, 1.0f);
  EXPECT_EQ(rows_of(d, "b", "x")[0].first, 0.0f);

  Dataset m = make({{"a", "x", 2, 1}, {"a", "y", 4, 2}, {"b", "x", 5, 3}});
  o.normalize = "minmax";
  preprocess(m, o);
  EXPECT_FLOAT_EQ(rows_of(m, "a", "x")[0].first, 0.0f);
  EXPECT_FLOAT_EQ(rows_of(m, "a", "y")[0].first, 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(rows_of(m, "b", "x")[0].first, 1.0f);
}

TEST(Preprocess, ContradictoryOptionsAreRefused) {
  Dataset implicit_data = make({{"a", "x", 1, 1}}, false);
  PreprocessOptions o;
  o.normalize = "user-mean";
  EXPECT_THROW(preprocess(implicit_data, o), ConfigError);
  o.normalize = "none";
  o.implicit_threshold = 3;
  EXPECT_THROW(preprocess(implicit_data, o), ConfigError);
  Dataset rated = make({{"a", "x", 4, 1}});
  o.normalize = "minmax";
  EXPECT_THROW(preprocess(rated, o), ConfigError);
}

TEST(Preprocess, OptionsFromKeyValues) {
  Options o;
  o.set("dedup=keep-last");
  o.set("implicit=4");
  o.set("min_user=5");
  o.set("min_item=3");
  o.set("normalize=user-mean");
  PreprocessOptions p = preprocess_options(o);
  EXPECT_EQ(p.dedup, DedupPolicy::kKeepLast);
  EXPECT_EQ(p.implicit_threshold, 4.0);
  EXPECT_EQ(p.min_user, 5);
  EXPECT_EQ(p.min_item, 3);
  EXPECT_EQ(p.normalize, "user-mean");
  EXPECT_TRUE(std::isnan(preprocess_options(Options()).implicit_threshold));
  Options typo;
  typo.set("min_users=5");
  EXPECT_THROW(preprocess_options(typo), ConfigError);
  Options bad;
  bad.set("dedup=newest");
  EXPECT_THROW(preprocess_options(bad), ConfigError);
}

}  // namespace
}  // namespace lmrec
