// The contract every registered model must keep, run against each name in recommender_names()
// so that a new model is covered as soon as it is registered.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/errors.h"
#include "models/model_test_data.h"
#include "models/recommender.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

namespace fs = std::filesystem;
using testing::kClusterItems;

// What the shared checks may expect of a model. Non-personalised models (the same scores for
// everybody) are exempt from the learning checks. Which learning check applies depends on
// predicts_values(): rating predictors learn from the values, not from which items a user
// chose, so they take LearnsRatings instead of LearnsClusterStructure.
struct ModelTraits {
  bool personalised = true;
  // Options for the tiny test data where the defaults are sized for real data sets.
  Options options;
};

ModelTraits traits_of(const std::string& name) {
  ModelTraits t;
  if (name == "popularity") t.personalised = false;
  if (name == "semantic") t.personalised = false;  // the tiny data has no item text
  if (name == "multvae" || name == "multdae") {
    for (const char* o : {"hidden=32", "latent=16", "epochs=40", "learning_rate=0.01"})
      t.options.set(o);
  }
  for (const char* seq : {"sasrec", "bsarec", "bert4rec", "hstu", "gru4rec", "lstm", "ensemble"})
    if (name == seq)
      for (const char* o : {"hidden=16", "layers=1", "heads=1", "epochs=30", "learning_rate=0.01",
                            "dropout=0", "patience=0", "attention_dropout=0", "batch_size=128"})
        t.options.set(o);
  if (name == "pipeline")
    for (const char* o : {"members=ease,knn:itemknn,pop:popularity", "ranker.rounds=20"})
      t.options.set(o);
  return t;
}

UserContext history(std::vector<int32_t> items, int32_t user = -1) {
  UserContext c;
  c.user = user;
  c.items = std::move(items);
  return c;
}

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Recommender> fitted() const { return fitted(traits_of(GetParam()).options); }
  std::unique_ptr<Recommender> fitted(const Options& options) const {
    auto model = make_recommender(GetParam(), options);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    model->fit(data_, ctx);
    return model;
  }

  static std::vector<float> scores(const Recommender& model, std::span<const UserContext> users) {
    std::vector<float> out(users.size() * static_cast<size_t>(model.n_items()), NAN);
    model.score(users, out.data());
    return out;
  }

  // Known users of both clusters, an unseen user with history, and one without.
  std::vector<UserContext> contexts() const {
    return {make_context(data_, 0), make_context(data_, testing::kUsersA + 3), history({1, 2, 3}),
            history({})};
  }

  // A fresh folder, removed after the test.
  std::string folder(const std::string& name) {
    folders_.push_back(testing::temp_dir(GetParam() + "-" + name));
    return folders_.back();
  }

  std::string saved(const Recommender& model, const std::string& name) {
    std::string dir = folder(name);
    save_model(model, dir, {{"note", "conformance"}});
    return dir;
  }

  void TearDown() override {
    for (const auto& dir : folders_) fs::remove_all(dir);
  }

  Dataset data_ = testing::clustered_dataset();
  std::vector<std::string> folders_;
};

TEST_P(Conformance, ScoresCoverTheCatalogueAndAreFinite) {
  auto model = fitted();
  EXPECT_EQ(model->name(), GetParam());
  ASSERT_EQ(model->n_items(), data_.n_items());
  for (float s : scores(*model, contexts())) EXPECT_TRUE(std::isfinite(s));
}

// Equal up to float rounding: BLAS may multiply one row (gemv) and many rows (gemm) with
// different kernels, so the last bits can differ with the CPU.
TEST_P(Conformance, BatchScoresEqualOneByOne) {
  auto model = fitted();
  auto users = contexts();
  auto batch = scores(*model, users);
  auto n = static_cast<size_t>(model->n_items());
  for (size_t u = 0; u < users.size(); ++u) {
    auto single = scores(*model, std::span<const UserContext>(&users[u], 1));
    float scale = 0;
    for (float s : single) scale = std::max(scale, std::abs(s));
    for (size_t i = 0; i < n; ++i)
      EXPECT_NEAR(batch[u * n + i], single[i], 1e-5f * scale + 1e-12f) << u << " " << i;
  }
}

TEST_P(Conformance, RecommendSkipsHistoryAndExclusionsBestFirst) {
  auto model = fitted();
  UserContext user = make_context(data_, 0);
  std::vector<int32_t> exclude = {kClusterItems, 0, kClusterItems + 1};
  std::set<int32_t> skipped(user.items.begin(), user.items.end());
  skipped.insert(exclude.begin(), exclude.end());
  auto row = scores(*model, std::span<const UserContext>(&user, 1));

  auto top = model->recommend(user, 5, exclude);
  ASSERT_EQ(top.size(), 5u);
  for (size_t k = 0; k < top.size(); ++k) {
    EXPECT_FALSE(skipped.count(top[k].item)) << top[k].item;
    EXPECT_EQ(top[k].score, row[top[k].item]);
    if (k > 0) {
      EXPECT_TRUE(ranks_before(top[k - 1].score, top[k - 1].item, top[k].score, top[k].item));
    }
  }
  auto all = model->recommend(user, model->n_items() + 10, exclude);
  EXPECT_EQ(all.size(), static_cast<size_t>(model->n_items()) - skipped.size());
  auto with_seen = model->recommend(user, model->n_items() + 10, exclude, false);
  EXPECT_EQ(with_seen.size(), static_cast<size_t>(model->n_items()) - 3);
  EXPECT_TRUE(model->recommend(user, 0).empty());
}

TEST_P(Conformance, RefitWithTheSameOptionsGivesTheSameScores) {
  auto a = fitted(),
       b = fitted(make_recommender(GetParam(), traits_of(GetParam()).options)->options());
  auto sa = scores(*a, contexts()), sb = scores(*b, contexts());
  for (size_t k = 0; k < sa.size(); ++k) EXPECT_FLOAT_EQ(sa[k], sb[k]) << k;
}

TEST_P(Conformance, OptionsRebuildAnIdenticalModel) {
  auto model = fitted();
  auto rebuilt = make_recommender(GetParam(), model->options());
  EXPECT_EQ(rebuilt->options().values(), model->options().values());
  EXPECT_FALSE(model->options().values().empty()) << "options() should list the defaults";
}

TEST_P(Conformance, SaveLoadRoundTripKeepsScores) {
  auto model = fitted();
  std::string dir = saved(*model, "roundtrip");
  nlohmann::json config;
  auto loaded = load_model(dir, &config);
  EXPECT_EQ(config["name"], GetParam());
  EXPECT_EQ(config["note"], "conformance");
  EXPECT_EQ(loaded->name(), GetParam());
  EXPECT_EQ(loaded->options().values(), model->options().values());
  ASSERT_EQ(loaded->n_items(), model->n_items());
  EXPECT_EQ(scores(*loaded, contexts()), scores(*model, contexts()));
}

// Every weight file, truncated or with one byte changed, must be refused.
TEST_P(Conformance, LoadRefusesDamagedWeightFiles) {
  std::string dir = saved(*fitted(), "damaged");
  std::vector<fs::path> weight_files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != "config.json")
      weight_files.push_back(entry.path());
  ASSERT_FALSE(weight_files.empty());
  for (const auto& file : weight_files) {
    std::string copy = folder("damaged-copy");
    fs::copy(dir, copy, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::path target = fs::path(copy) / file.filename();
    auto size = fs::file_size(target);
    fs::resize_file(target, size / 2);
    EXPECT_THROW(load_model(copy), FormatError) << "truncated " << file;
    fs::copy_file(file, target, fs::copy_options::overwrite_existing);
    std::fstream f(target, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size / 2));
    char byte = 0;
    f.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x5A);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.write(&byte, 1);
    f.close();
    EXPECT_THROW(load_model(copy), FormatError) << "corrupted " << file;
  }
}

void rename_model(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/config.json");
  auto config = nlohmann::json::parse(in);
  in.close();
  config["name"] = name;
  std::ofstream(dir + "/config.json") << config.dump(2);
}

TEST_P(Conformance, LoadRefusesAConfigWithTheWrongName) {
  std::string dir = saved(*fitted(), "renamed");
  rename_model(dir, "no-such-model");
  EXPECT_THROW(load_model(dir), FormatError);
  for (const auto& other : recommender_names()) {
    if (other == GetParam()) continue;
    rename_model(dir, other);
    EXPECT_THROW(load_model(dir), Error) << "loaded as " << other;
  }
}

TEST_P(Conformance, UnknownOptionIsAConfigError) {
  Options options;
  options.set("no_such_option", "1");
  EXPECT_THROW(make_recommender(GetParam(), options), ConfigError);
}

TEST_P(Conformance, UnseenUserWithHistoryGetsScores) {
  auto model = fitted();
  std::vector<UserContext> users = {history({0, 1, 2}), history({})};
  auto s = scores(*model, users);
  auto n = static_cast<size_t>(model->n_items());
  for (float v : s) EXPECT_TRUE(std::isfinite(v));
  if (traits_of(GetParam()).personalised) {
    EXPECT_FALSE(std::equal(s.begin(), s.begin() + n, s.begin() + n))
        << "history should change the scores";
  }
}

TEST_P(Conformance, OutOfRangeItemIsAUsageError) {
  auto model = fitted();
  std::vector<float> out(static_cast<size_t>(model->n_items()));
  for (int32_t bad : {model->n_items(), -1}) {
    UserContext user = history({0, bad});
    EXPECT_THROW(model->score(std::span<const UserContext>(&user, 1), out.data()), UsageError);
    EXPECT_THROW(model->recommend(user, 5), UsageError);
  }
}

TEST_P(Conformance, ScoringBeforeFitIsAUsageError) {
  auto model = make_recommender(GetParam(), {});
  UserContext user = history({0});
  EXPECT_THROW(model->recommend(user, 5), UsageError);
}

// Histories from one cluster should bring up the unseen items of that cluster first, although
// the other cluster is more popular. The fixture's ratings are random, so only the choice of
// items carries the clusters; a rating predictor cannot see them (LearnsRatings checks it).
TEST_P(Conformance, LearnsClusterStructure) {
  if (!traits_of(GetParam()).personalised) GTEST_SKIP() << "not personalised";
  if (make_recommender(GetParam(), {})->predicts_values())
    GTEST_SKIP() << "rating predictor: LearnsRatings applies";
  auto model = fitted();
  auto top_a = model->recommend(history({0, 1, 2}), 1);
  ASSERT_EQ(top_a.size(), 1u);
  EXPECT_LT(top_a[0].item, kClusterItems);
  auto top_b = model->recommend(history({kClusterItems, kClusterItems + 1}), 1);
  ASSERT_EQ(top_b.size(), 1u);
  EXPECT_GE(top_b[0].item, kClusterItems);
  EXPECT_LT(top_b[0].item, 2 * kClusterItems);
}

// A rating predictor's scores for the known users' rated items, from their own histories,
// should fit those ratings clearly better than the mean rating does.
TEST_P(Conformance, LearnsRatings) {
  if (!make_recommender(GetParam(), {})->predicts_values())
    GTEST_SKIP() << "not a rating predictor";
  auto model = fitted();
  const auto& rows = data_.rows;
  double mean = 0;
  for (int64_t r = 0; r < rows.size(); ++r) mean += rows.value[r] / rows.size();
  double sse = 0, sse_mean = 0;
  for (int32_t u = 0; u < data_.n_users(); ++u) {
    UserContext user = make_context(data_, u);
    auto row = scores(*model, std::span<const UserContext>(&user, 1));
    for (int64_t r = data_.user_begin(u); r < data_.user_end(u); ++r) {
      sse += std::pow(row[rows.item[r]] - rows.value[r], 2);
      sse_mean += std::pow(mean - rows.value[r], 2);
    }
  }
  EXPECT_LT(sse, 0.25 * sse_mean) << "mean rating: " << sse_mean;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllModels, Conformance, ::testing::ValuesIn(recommender_names()),
                         test_name);

}  // namespace
}  // namespace lmrec
