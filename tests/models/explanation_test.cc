#include "models/explanation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "core/errors.h"
#include "data/reader.h"
#include "data/split.h"
#include "eval/cases.h"
#include "models/model_test_data.h"
#include "models/pipeline.h"

namespace lmrec {
namespace {

constexpr int32_t kItems = 6;

// score(i) = Σ_h w(h, i) over the history, w(h, i) = (h + 1) · (i + 1) − 4 · (h == i): every
// leave-one-out drop is known in closed form, some of them negative.
class LinearModel : public Recommender {
 public:
  std::string name() const override { return "linear"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return kItems; }
  static float weight(int32_t h, int32_t i) {
    return static_cast<float>((h + 1) * (i + 1)) - (h == i ? 40.0f : 0.0f);
  }
  void score(std::span<const UserContext> users, float* scores) const override {
    for (size_t u = 0; u < users.size(); ++u)
      for (int32_t i = 0; i < kItems; ++i) {
        float s = 0;
        for (int32_t h : users[u].items) s += weight(h, i);
        scores[u * kItems + i] = s;
      }
  }
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
};

TEST(Explanation, HistoryInfluenceIsTheExactScoreDropLargestFirst) {
  LinearModel model;
  UserContext user;
  user.items = {0, 3, 1, 5};
  user.times = {10, 20, 30, 40};
  int32_t item = 5;
  auto e = explain(model, user, {&item, 1}, {2, 50})[0];
  EXPECT_EQ(e.item, 5);
  EXPECT_FLOAT_EQ(e.score, 6 + 24 + 12 + 36 - 40);
  // Drops: item 0 → 6, 3 → 24, 1 → 12, 5 → 36 − 40 < 0 (never named); the top 2 kept.
  ASSERT_EQ(e.history.size(), 2u);
  EXPECT_EQ(e.history[0].item, 3);
  EXPECT_EQ(e.history[0].position, 1u);
  EXPECT_FLOAT_EQ(e.history[0].drop, 24);
  EXPECT_EQ(e.history[1].item, 1);
  EXPECT_FLOAT_EQ(e.history[1].drop, 12);
  EXPECT_TRUE(e.channels.empty());
  EXPECT_TRUE(e.features.empty());
  // Only the most recent window is tried.
  auto recent = explain(model, user, {&item, 1}, {3, 2})[0];
  ASSERT_EQ(recent.history.size(), 1u);
  EXPECT_EQ(recent.history[0].item, 1);
  auto name = [](int32_t i) { return "i" + std::to_string(i); };
  EXPECT_EQ(explanation_text(e, name), "because of i3 (+24), i1 (+12)");
  auto j = explanation_json(e, name);
  EXPECT_EQ(j["history"][0]["item"], "i3");
  EXPECT_EQ(j["history"][0]["position"], 1);
}

TEST(Explanation, WithoutHistoryDropsEveryParallelField) {
  UserContext user;
  user.items = {4, 5, 6};
  user.times = {1, 2, 3};
  user.values = {0.5f, 1.0f, 1.5f};
  user.events = {0, 1, 0};
  std::vector<size_t> drop = {0, 2};
  UserContext out = without_history(user, drop);
  EXPECT_EQ(out.items, std::vector<int32_t>{5});
  EXPECT_EQ(out.times, std::vector<int64_t>{2});
  EXPECT_EQ(out.values, std::vector<float>{1.0f});
  EXPECT_EQ(out.events, std::vector<int16_t>{1});
}

TEST(Explanation, UnknownItemIsAUsageError) {
  LinearModel model;
  UserContext user;
  user.items = {1};
  int32_t bad = kItems;
  EXPECT_THROW(explain(model, user, {&bad, 1}, {}), UsageError);
}

struct FittedPipeline {
  Dataset data, train;
  Split split;
  ValidationCases valid;
  std::unique_ptr<Recommender> model;
  FittedPipeline(Dataset d, const std::string& ranker)
      : data(std::move(d)), split(make_split(data, "loo")) {
    train = data.subset(split.mask(Role::kTrain));
    valid = validation_cases(data, split);
    Options o;
    o.set("members", "ease,knn:itemknn,pop:popularity");
    o.set("ranker", ranker);
    if (ranker == "xgboost") o.set("ranker.rounds", "30");
    model = make_recommender("pipeline", o);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    ctx.valid = &valid;
    model->fit(train, ctx);
  }
};

class PipelineExplanation : public ::testing::TestWithParam<std::string> {};

// The reasons are the pipeline's own: the channels are those whose lists held the item, and the
// ranker's contributions add up to the score explained.
TEST_P(PipelineExplanation, ChannelsAndContributionsAreTheRankersOwn) {
  FittedPipeline run(testing::clustered_dataset(), GetParam());
  const auto& p = dynamic_cast<const PipelineRecommender&>(*run.model);
  UserContext user = run.valid.contexts.front();
  auto ranked = p.rank({&user, 1})[0];
  std::vector<int32_t> items = {ranked.candidates.items[static_cast<size_t>(ranked.order[0])],
                                2 * testing::kClusterItems};  // the never-seen item
  auto why = explain(*run.model, user, items, {100, 50});
  ASSERT_EQ(why.size(), 2u);
  EXPECT_FLOAT_EQ(why[0].score, ranked.ranker_score[static_cast<size_t>(ranked.order[0])]);
  size_t at = static_cast<size_t>(ranked.order[0]);
  std::vector<std::string> expected;
  for (int32_t c = 0; c < ranked.candidates.channels; ++c)
    if (ranked.candidates.place(at, c) >= 0) expected.push_back(p.layout().channel_names[c]);
  EXPECT_EQ(why[0].channels, expected);
  EXPECT_FALSE(why[0].features.empty());
  auto view = p.item_views({&user, 1}, items, true)[0];
  const auto& shares = view.contributions;
  const size_t width = static_cast<size_t>(p.layout().n_features()) + 1;
  ASSERT_EQ(shares.size(), 2 * width);
  for (size_t k = 0; k < 2; ++k) {
    double sum = 0;
    for (size_t f = 0; f < width; ++f) sum += shares[k * width + f];
    EXPECT_NEAR(sum, why[k].score, 1e-3 * (1 + std::fabs(why[k].score))) << k;
  }
  for (size_t f = 1; f < why[0].features.size(); ++f)
    EXPECT_GE(std::fabs(why[0].features[f - 1].contribution),
              std::fabs(why[0].features[f].contribution));
}

INSTANTIATE_TEST_SUITE_P(Rankers, PipelineExplanation,
                         ::testing::Values("xgboost", "weighted", "rrf"));

// The test that explanations are true, on real histories: removing the named history items
// lowers the explained item's score in at least 90% of sampled cases.
TEST(ExplanationAudit, RemovingTheNamedHistoryLowersTheScoreOnMovielens) {
  const std::string path = std::string(LMREC_SHARED_DATA) + "/ml-100k";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not found at " << path;
  NullProgress quiet;
  ReadOptions read;
  read.input = path;
  read.format = "movielens-100k";
  FittedPipeline run(read_dataset(read, quiet), "xgboost");
  std::vector<UserContext> sample;
  for (size_t u = 0; u < run.valid.contexts.size() && sample.size() < 60; u += 15)
    sample.push_back(run.valid.contexts[u]);
  auto audit = audit_explanations(*run.model, sample, {3, 30});
  EXPECT_GE(audit.cases, 50);
  EXPECT_GE(audit.fraction(), 0.9) << audit.lowered << " of " << audit.cases;
}

}  // namespace
}  // namespace lmrec
