#include "eval/channel_recall.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "eval/cases.h"
#include "models/model_test_data.h"

namespace lmrec {
namespace {

TEST(ChannelRecall, EachChannelsRecallIsItsOwnTopNAndTheUnionHoldsThemAll) {
  Dataset data = testing::clustered_dataset();
  Split split = make_split(data, "loo");
  Dataset train = data.subset(split.mask(Role::kTrain));
  ValidationCases valid = validation_cases(data, split);
  Options o;
  for (const char* kv : {"members=ease,knn:itemknn,pop:popularity", "ranker=rrf",
                         "ease.candidates=2", "knn.candidates=3", "pop.candidates=4"})
    o.set(kv);
  auto model = make_recommender("pipeline", o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  ctx.valid = &valid;
  model->fit(train, ctx);
  const auto& p = dynamic_cast<const PipelineRecommender&>(*model);

  ChannelRecall r = channel_recall(p, data, split, Role::kTest, 0);
  ASSERT_EQ(r.channels.size(), 3u);
  EXPECT_GT(r.cases, 0);
  // Recomputed from each member's own top-N, the history excluded.
  auto history = split.history_mask(Role::kTest);
  EvalCases cases = find_cases(data, split, Role::kTest, history, 0);
  std::vector<double> hits(3, 0.0);
  double targets = 0;
  for (size_t c = 0; c < cases.size(); ++c) {
    UserContext user = make_context(data, cases.user[c], history);
    for (size_t m = 0; m < 3; ++m) {
      auto top = p.members()[m]->recommend(user, r.channels[m].n);
      for (int32_t t : cases.targets(c))
        hits[m] += std::any_of(top.begin(), top.end(), [&](const auto& s) { return s.item == t; });
    }
    targets += static_cast<double>(cases.targets(c).size());
  }
  double best = 0;
  for (size_t m = 0; m < 3; ++m) {
    EXPECT_EQ(r.channels[m].n, std::vector<int32_t>({2, 3, 4})[m]);
    EXPECT_DOUBLE_EQ(r.channels[m].recall, hits[m] / targets) << r.channels[m].name;
    best = std::max(best, r.channels[m].recall);
  }
  EXPECT_GE(r.union_recall, best);
  EXPECT_LE(r.union_size, 9.0);
  EXPECT_GE(r.union_size, 4.0);
  EXPECT_EQ(r.to_json()["channels"][1]["channel"], "knn");
}

}  // namespace
}  // namespace lmrec
