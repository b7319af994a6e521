#include "rerank/dpp.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "rerank/rerank_test_items.h"

namespace lmrec {
namespace {

using testing::ids;
using testing::near_duplicates;
using testing::scored;

std::unique_ptr<Reranker> dpp(double lambda, const std::string& similarity = "cosine",
                              std::shared_ptr<const RerankItems> items = near_duplicates()) {
  Options o;
  o.set("lambda", std::to_string(lambda));
  o.set("similarity", similarity);
  return make_reranker("dpp", o, std::move(items));
}

// The greedy of the definition: every step recomputes log det L_{Y ∪ {i}} from scratch. An
// item qualifies while its det ratio with q factored out, det S_{Y∪{i}} / det S_Y, exceeds
// epsilon, as dpp_greedy documents.
std::vector<int32_t> brute_force_greedy(const Eigen::MatrixXd& L, const std::vector<double>& log_q,
                                        int k, double epsilon) {
  std::vector<int32_t> chosen;
  double log_det = 0;
  while (static_cast<int>(chosen.size()) < k) {
    int32_t best = -1;
    double best_value = -std::numeric_limits<double>::infinity();
    for (int32_t i = 0; i < L.rows(); ++i) {
      if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
      auto with = chosen;
      with.push_back(i);
      Eigen::MatrixXd sub(with.size(), with.size());
      for (size_t a = 0; a < with.size(); ++a)
        for (size_t b = 0; b < with.size(); ++b) sub(a, b) = L(with[a], with[b]);
      double det = sub.determinant();
      if (!(det > 0)) continue;
      double value = std::log(det);
      if (!(std::exp(value - log_det - 2 * log_q[static_cast<size_t>(i)]) > epsilon)) continue;
      if (best < 0 || value > best_value) best = i, best_value = value;
    }
    if (best < 0) break;
    chosen.push_back(best);
    log_det = best_value;
  }
  return chosen;
}

Eigen::MatrixXd random_psd(std::mt19937& rng, int n, int rank) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd B(n, rank);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < rank; ++r) B(i, r) = normal(rng);
  return B * B.transpose();
}

TEST(RerankDpp, GreedyMatchesBruteForceLogDetGreedy) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.5);
  for (int trial = 0; trial < 20; ++trial) {
    int n = 6 + trial % 5;
    Eigen::MatrixXd S = random_psd(rng, n, n + 2);
    std::vector<double> log_q(static_cast<size_t>(n));
    for (auto& q : log_q) q = trial % 2 ? uniform(rng) : 0.0;
    Eigen::MatrixXd L(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) L(i, j) = std::exp(log_q[i]) * S(i, j) * std::exp(log_q[j]);
    auto fast = dpp_greedy(
        log_q, [&](int32_t a, int32_t b) { return S(a, b); }, n, 1e-12);
    EXPECT_EQ(fast, brute_force_greedy(L, log_q, n, 1e-12)) << "trial " << trial;
    EXPECT_EQ(fast.size(), static_cast<size_t>(n));
  }
}

TEST(RerankDpp, GreedyStopsAtTheKernelRank) {
  std::mt19937 rng(5);
  Eigen::MatrixXd S = random_psd(rng, 9, 3);
  std::vector<double> log_q(9, 0.0);
  auto fast = dpp_greedy(
      log_q, [&](int32_t a, int32_t b) { return S(a, b); }, 9, 1e-6);
  EXPECT_EQ(fast.size(), 3u);
  EXPECT_EQ(fast, brute_force_greedy(S, log_q, 9, 1e-6));
}

TEST(RerankDpp, LambdaZeroKeepsTheRelevanceOrder) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  auto items = std::make_shared<RerankItems>();
  items->dim = 4;
  for (int i = 0; i < 30 * 4; ++i) items->vectors.push_back(normal(rng));
  std::vector<ScoredItem> ranked;
  for (int32_t i = 0; i < 30; ++i) ranked.push_back({(i * 7) % 30, 30.0f - i});
  auto out = dpp(0.0, "cosine", items)->rerank({}, ranked, 12);
  ASSERT_EQ(out.size(), 12u);
  for (size_t p = 0; p < out.size(); ++p) EXPECT_EQ(out[p].item, ranked[p].item);
}

TEST(RerankDpp, PutsTheOrthogonalItemBeforeTheNearDuplicate) {
  auto ranked = scored({0, 1, 2}, {3.0f, 2.9f, 2.8f});
  EXPECT_EQ(ids(dpp(0.5)->rerank({}, ranked, 3)), (std::vector<int32_t>{0, 2, 1}));
  auto large = scored({0, 1, 2}, {3000.0f, 2900.0f, 2800.0f});
  EXPECT_EQ(ids(dpp(0.5)->rerank({}, large, 3)), (std::vector<int32_t>{0, 2, 1}));
}

TEST(RerankDpp, FillsByRelevanceOnceTheKernelIsExhausted) {
  // With categories, items 0 and 1 are identical: after 0, 2 and 3 span everything, so 1
  // comes last by relevance; scores stay as given.
  auto ranked = scored({0, 1, 2, 3}, {4.0f, 3.0f, 2.0f, 1.0f});
  auto out = dpp(0.9, "categories")->rerank({}, ranked, 4);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3].item, 1);
  for (const auto& s : out) EXPECT_EQ(s.score, 4.0f - static_cast<float>(s.item));
  // A tiny lambda is nearly the relevance order, and its huge qualities do not overflow.
  EXPECT_EQ(ids(dpp(1e-4)->rerank({}, ranked, 4)), (std::vector<int32_t>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace lmrec
