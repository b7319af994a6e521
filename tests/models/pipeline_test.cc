#include "models/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/errors.h"
#include "data/split.h"
#include "eval/cases.h"
#include "models/model_test_data.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

Options small(std::vector<std::string> extra = {}) {
  Options o;
  for (const char* kv : {"members=ease,knn:itemknn,pop:popularity", "ranker.rounds=20"}) o.set(kv);
  for (const auto& kv : extra) o.set(kv);
  return o;
}

// A run as `lmrec train` makes it: fit on the train rows, the validation cases in the context.
struct FitRun {
  Dataset data, train;
  Split split;
  ValidationCases valid;
  explicit FitRun(Dataset d) : data(std::move(d)), split(make_split(data, "loo")) {
    train = data.subset(split.mask(Role::kTrain));
    valid = validation_cases(data, split);
  }
  std::unique_ptr<Recommender> fit(const Options& o) const {
    auto model = make_recommender("pipeline", o);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    ctx.valid = &valid;
    model->fit(train, ctx);
    return model;
  }
};

std::vector<float> scores(const Recommender& m, std::span<const UserContext> users) {
  std::vector<float> out(users.size() * static_cast<size_t>(m.n_items()));
  m.score(users, out.data());
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(Pipeline, RanksItsCandidatesFirstInTheRankersOrderAndTheRestAfter) {
  FitRun run(testing::clustered_dataset());
  Options o = small({"knn.candidates=3", "ease.candidates=3", "pop.candidates=2"});
  auto model = run.fit(o);
  const auto& p = dynamic_cast<const PipelineRecommender&>(*model);
  UserContext user = run.valid.contexts.front();
  auto ranked = p.rank({&user, 1});
  ASSERT_EQ(ranked.size(), 1u);
  const auto& rc = ranked.front();
  ASSERT_GE(rc.candidates.items.size(), 3u);
  ASSERT_LE(rc.candidates.items.size(), 8u);
  auto top = model->recommend(user, static_cast<int>(rc.order.size()));
  ASSERT_EQ(top.size(), rc.order.size());
  for (size_t k = 0; k < top.size(); ++k)
    EXPECT_EQ(top[k].item, rc.candidates.items[static_cast<size_t>(rc.order[k])]) << k;
  for (size_t k = 1; k < rc.order.size(); ++k)
    EXPECT_GE(rc.ranker_score[rc.order[k - 1]], rc.ranker_score[rc.order[k]]);
  // Past the candidates, the best member's order.
  auto row = scores(*model, {&user, 1});
  std::vector<float> primary(row.size());
  p.members()[static_cast<size_t>(p.primary())]->score({&user, 1}, primary.data());
  for (int32_t i = 0; i < model->n_items(); ++i)
    for (int32_t j = 0; j < model->n_items(); ++j) {
      bool ci = std::count(rc.candidates.items.begin(), rc.candidates.items.end(), i) > 0;
      bool cj = std::count(rc.candidates.items.begin(), rc.candidates.items.end(), j) > 0;
      if (ci && !cj) {
        EXPECT_GT(row[i], row[j]);
      }
      if (!ci && !cj && primary[i] > primary[j]) {
        EXPECT_GT(row[i], row[j]);
      }
    }
  EXPECT_EQ(p.member_validation().size(), 3u);
}

// The fit reads the train rows and the validation cases only: changing every test target
// changes no byte of the fitted model.
TEST(Pipeline, TestTargetsNeverReachTheFit) {
  Dataset a = testing::clustered_dataset(), b = a;
  Split split = make_split(a, "loo");
  int changed = 0;
  for (int64_t r = 0; r < b.n_interactions(); ++r)
    if (split.role[static_cast<size_t>(r)] == static_cast<uint8_t>(Role::kTest)) {
      b.rows.item[r] = (b.rows.item[r] + 5) % b.n_items();
      ++changed;
    }
  b.finalize();
  ASSERT_GT(changed, 20);
  FitRun ra(std::move(a)), rb(std::move(b));
  ASSERT_EQ(make_split(rb.data, "loo").role, split.role);
  auto ma = ra.fit(small()), mb = rb.fit(small());
  auto da = testing::temp_dir("pipe_test_a"), db = testing::temp_dir("pipe_test_b");
  save_model(*ma, da, {});
  save_model(*mb, db, {});
  EXPECT_EQ(file_bytes(da + "/pipeline.bin"), file_bytes(db + "/pipeline.bin"));
  for (const char* f : {"/ranker0/ranker.bin", "/ranker1/ranker.bin"})
    EXPECT_EQ(file_bytes(da + f), file_bytes(db + f)) << f;
  EXPECT_EQ(scores(*ma, ra.valid.contexts), scores(*mb, rb.valid.contexts));
}

TEST(Pipeline, CrossFittedRankersNeverRankTheUsersTheyLearntFrom) {
  FitRun run(testing::clustered_dataset());
  auto model = run.fit(small({"folds=2"}));
  const auto& p = dynamic_cast<const PipelineRecommender&>(*model);
  int seen[2] = {0, 0};
  for (const auto& ctx : run.valid.contexts) {
    auto rc = p.rank({&ctx, 1}).front();
    ++seen[rc.ranker];
    // Ranker f learnt from fold f; a user of fold g is ranked by ranker g + 1 (mod 2).
    auto again = p.rank({&ctx, 1}).front();
    EXPECT_EQ(again.ranker, rc.ranker);
  }
  EXPECT_GT(seen[0], 5);
  EXPECT_GT(seen[1], 5);
}

TEST(Pipeline, FitsWithoutValidationCasesFromEachUsersLastTrainEvent) {
  Dataset data = testing::clustered_dataset();
  auto model = make_recommender("pipeline", small());
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(data, ctx);
  UserContext a;
  a.items = {0, 1, 2};
  auto top = model->recommend(a, 3);
  ASSERT_EQ(top.size(), 3u);
  for (const auto& s : top) EXPECT_LT(s.item, testing::kClusterItems);
}

TEST(Pipeline, BadConfigsNameTheKey) {
  auto error_of = [](const Options& o) {
    try {
      make_recommender("pipeline", o);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(small({"members=ease,x:no_such_model"})).find("no_such_model"),
            std::string::npos);
  EXPECT_NE(error_of(small({"ease.no_such_option=1"})).find("no_such_option"), std::string::npos);
  EXPECT_NE(error_of(small({"other.lambda=1"})).find("other"), std::string::npos);
  EXPECT_NE(error_of(small({"ranker=magic"})).find("magic"), std::string::npos);
  EXPECT_NE(error_of(small({"ranker.no_such=1"})).find("no_such"), std::string::npos);
  EXPECT_NE(error_of(small({"colour=red"})).find("colour"), std::string::npos);
  EXPECT_NE(error_of(small({"members=a:ease,a:popularity"})).find("twice"), std::string::npos);
  EXPECT_NE(error_of(small({"reranker=shuffle"})).find("shuffle"), std::string::npos);
  EXPECT_NE(error_of(small({"reranker=mmr", "reranker.lamda=1"})).find("lamda"), std::string::npos);
  EXPECT_NE(error_of(small({"reranker.k=0"})).find("reranker.k"), std::string::npos);
  Options auto_bad;
  auto_bad.set("zzz.lambda", "1");
  EXPECT_NE(error_of(auto_bad).find("zzz"), std::string::npos);
}

// Every item of cluster A in one of three categories by id.
Dataset with_categories(Dataset data) {
  for (int32_t i = 0; i < data.n_items(); ++i)
    data.catalogue.categories[static_cast<size_t>(i)] = {
        data.catalogue.category_names.intern("c" + std::to_string(i % 3))};
  return data;
}

TEST(Pipeline, ARerankerReordersTheRankedListAndSurvivesSaveAndLoad) {
  FitRun run(with_categories(testing::clustered_dataset()));
  auto plain = run.fit(small());
  auto capped = run.fit(small({"reranker=rules", "reranker.max_per_category=1", "reranker.k=3"}));
  int changed = 0;
  auto dir = testing::temp_dir("pipe_rerank");
  save_model(*capped, dir, {});
  auto loaded = load_model(dir);
  for (size_t u = 0; u < run.valid.contexts.size(); u += 5) {
    const auto& user = run.valid.contexts[u];
    auto top = capped->recommend(user, 3);
    ASSERT_EQ(top.size(), 3u);
    std::set<int32_t> cats;
    for (const auto& s : top) cats.insert(s.item % 3);
    EXPECT_EQ(cats.size(), 3u) << "user " << user.user;
    auto before = plain->recommend(user, 3);
    changed += before[0].item != top[0].item || before[1].item != top[1].item ||
               before[2].item != top[2].item;
    auto again = loaded->recommend(user, 3);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(again[k].item, top[k].item);
  }
  EXPECT_GT(changed, 0);
  EXPECT_THROW(run.fit(small({"reranker=mmr", "reranker.vectors=nobody"})), ConfigError);
}

TEST(Pipeline, AMissingOrForeignMemberFolderNamesTheMember) {
  FitRun run(testing::clustered_dataset());
  auto model = run.fit(small());
  auto dir = testing::temp_dir("pipe_members");
  save_model(*model, dir, {});
  std::filesystem::remove_all(dir + "/member1");
  try {
    load_model(dir);
    FAIL() << "loaded without member1";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("member1"), std::string::npos) << e.what();
  }
  save_model(*model, dir, {});
  std::filesystem::remove_all(dir + "/member1");
  std::filesystem::copy(dir + "/member2", dir + "/member1");
  try {
    load_model(dir);
    FAIL() << "loaded popularity as the knn member";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("knn"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmrec
