// FactorRetriever on a dot-product model with fixed random factors: ANN retrieval agrees with
// exact scoring once biases are folded in, honours exclusions and refuses stale indexes.
#include "retrieval/factor_retriever.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

std::vector<float> gaussian(size_t n, float sd, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, sd);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// User vector = mean of the history's item factors; offset = 0.25 per history item, so that the
// offset is non-zero and differs between users.
class FixedFactors : public FactorModel {
 public:
  FixedFactors(int32_t n_items, int factors, float bias_sd, uint32_t seed) {
    n_items_ = n_items;
    factors_ = factors;
    item_factors_ = gaussian(static_cast<size_t>(n_items) * factors, 1.0f, seed);
    if (bias_sd > 0) item_biases_ = gaussian(static_cast<size_t>(n_items), bias_sd, seed + 1);
  }
  std::string name() const override { return "fixed-factors"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
  float user_vector(const UserContext& user, float* out) const override {
    std::fill(out, out + factors_, 0.0f);
    for (int32_t i : user.items)
      for (int f = 0; f < factors_; ++f) out[f] += item_factors_[i * factors_ + f];
    for (int f = 0; f < factors_ && !user.items.empty(); ++f) out[f] /= user.items.size();
    return 0.25f * static_cast<float>(user.items.size());
  }
};

std::vector<UserContext> random_users(int n, int32_t n_items, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> item(0, n_items - 1);
  std::vector<UserContext> users(static_cast<size_t>(n));
  for (auto& u : users)
    for (int j = 0; j < 5; ++j) u.items.push_back(item(rng));
  return users;
}

std::vector<int32_t> ids(const std::vector<ScoredItem>& items) {
  std::vector<int32_t> out;
  for (const auto& s : items) out.push_back(s.item);
  return out;
}

TEST(FactorRetriever, FoldedBiasesMakeSearchEqualExactRanking) {
  FixedFactors model(500, 8, 2.0f, 11);
  EXPECT_EQ(factor_index_dim(model), 9);
  FactorRetriever exact(model);
  FactorRetriever ann(model, build_factor_index(model), /*ef=*/500);
  EXPECT_EQ(exact.name(), "factor-exact");
  EXPECT_EQ(ann.name(), "factor-hnsw");
  int biases_matter = 0;
  for (const auto& user : random_users(30, 500, 5)) {
    auto want = exact.retrieve(user, 20, user.items);
    auto got = ann.retrieve(user, 20, user.items);
    ASSERT_EQ(ids(got), ids(want));
    for (size_t r = 0; r < got.size(); ++r) EXPECT_NEAR(got[r].score, want[r].score, 1e-4f);
    // The same search without the bias dimension ranks differently: the folding is doing work.
    std::vector<float> dot_only(500);
    std::vector<float> u(8);
    model.user_vector(user, u.data());
    for (int32_t i = 0; i < 500; ++i)
      for (int f = 0; f < 8; ++f) dot_only[i] += u[f] * model.item_factors()[i * 8 + f];
    for (int32_t i : user.items) dot_only[i] = -std::numeric_limits<float>::infinity();
    biases_matter += ids(top_k(dot_only, 20)) != ids(want);
  }
  EXPECT_GT(biases_matter, 20);
}

TEST(FactorRetriever, ApproximateRecallAndExclusions) {
  FixedFactors model(2000, 32, 0.5f, 21);
  FactorRetriever exact(model);
  FactorRetriever ann(model, build_factor_index(model, {.m = 16, .ef_construction = 200}));
  EXPECT_EQ(ann.ef(), 64);
  double found = 0;
  auto users = random_users(100, 2000, 6);
  for (const auto& user : users) {
    auto truth = ids(exact.retrieve(user, 10, user.items));
    auto got = ann.retrieve(user, 10, user.items);
    ASSERT_EQ(got.size(), 10u);
    for (const auto& s : got) {
      EXPECT_EQ(std::count(user.items.begin(), user.items.end(), s.item), 0);
      found += std::count(truth.begin(), truth.end(), s.item);
    }
  }
  EXPECT_GE(found / 1000.0, 0.95);
}

TEST(FactorRetriever, ConcurrentCallsGiveTheSequentialResults) {
  FixedFactors model(1000, 16, 0.5f, 61);
  FactorRetriever ann(model, build_factor_index(model), 32);
  auto users = random_users(200, 1000, 9);
  std::vector<std::vector<int32_t>> sequential, parallel(users.size());
  for (const auto& user : users) sequential.push_back(ids(ann.retrieve(user, 10, user.items)));
#pragma omp parallel for num_threads(4)
  for (size_t u = 0; u < users.size(); ++u)
    parallel[u] = ids(ann.retrieve(users[u], 10, users[u].items));
  EXPECT_EQ(parallel, sequential);
}

TEST(FactorRetriever, ExactModeIsTheModelsOwnRanking) {
  FixedFactors model(300, 6, 1.0f, 31);
  FactorRetriever exact(model);
  for (const auto& user : random_users(5, 300, 7)) {
    std::vector<int32_t> exclude = {1, 2, 3};
    auto got = exact.retrieve(user, 15, exclude);
    auto want = model.recommend(user, 15, exclude, /*exclude_seen=*/false);
    ASSERT_EQ(ids(got), ids(want));
  }
}

TEST(FactorRetriever, IndexFilesRoundTripAndStaleIndexesAreRefused) {
  std::string path = testing::temp_dir("factor-index") + "/ann.hnsw";
  FixedFactors model(400, 8, 1.0f, 41);
  HnswIndex built = build_factor_index(model, {.m = 8, .ef_construction = 100});
  built.save(path);
  FactorRetriever a(model, std::move(built), 32), b(model, load_factor_index(model, path), 32);
  for (const auto& user : random_users(20, 400, 8))
    EXPECT_EQ(ids(a.retrieve(user, 10, user.items)), ids(b.retrieve(user, 10, user.items)));
  FixedFactors retrained(400, 8, 1.0f, 42);
  EXPECT_THROW(load_factor_index(retrained, path), FormatError);
  FixedFactors no_biases(400, 8, 0.0f, 41);
  EXPECT_THROW(load_factor_index(no_biases, path), FormatError);
  FixedFactors more_items(401, 8, 1.0f, 41);
  EXPECT_THROW(load_factor_index(more_items, path), FormatError);
}

TEST(FactorRetriever, RefusesBadContextsAndSettings) {
  FixedFactors model(100, 4, 0.0f, 51);
  EXPECT_EQ(factor_index_dim(model), 4);
  FactorRetriever ann(model, build_factor_index(model));
  UserContext bad;
  bad.items = {3, 100};
  EXPECT_THROW(ann.retrieve(bad, 5, {}), UsageError);
  EXPECT_THROW(FactorRetriever(model).retrieve(bad, 5, {}), UsageError);
  EXPECT_THROW(ann.set_ef(0), ConfigError);
  // A new user scores every item 0 here; an exhaustive search breaks the ties like top_k.
  UserContext empty;
  ann.set_ef(100);
  EXPECT_EQ(ids(ann.retrieve(empty, 3, {})), (std::vector<int32_t>{0, 1, 2}));
  FixedFactors other(50, 4, 0.0f, 51);
  EXPECT_THROW(FactorRetriever(other, build_factor_index(model)), UsageError);
}

}  // namespace
}  // namespace lmrec
