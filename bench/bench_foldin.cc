// iALS fold-in of users never seen in training. Holds `users` seeded random users out of
// training entirely, trains iALS on the rest (leave-one-out train rows), folds the held-out
// users in from their test-time histories (train + validation rows) and checks
// (a) that each folded-in vector is the exact ALS user step, against the normal equations
//     solved in double precision (max abs difference, and max difference relative to the
//     vector's largest entry), and
// (b) their HR@10 / NDCG@10 on the leave-one-out test item, against the same users when trained
//     in: a second model fitted with their train rows, scored by fold-in (as the model always
//     scores) and by the user factors that training left (a dot-product model over them).
// Prints one JSON object.
//
// Usage: bench_foldin [data=beauty|ml-latest-small] [users=1000] [seed=7] [KEY=VALUE ...]
// where KEY=VALUE are iALS options (factors=, alpha=, regularization=, ...).
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "core/errors.h"
#include "core/threads.h"
#include "data/reader.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "models/ials.h"

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

namespace lmrec {
namespace {

using Clock = std::chrono::steady_clock;

// Scores with the user factors a fitted model kept from training (row = the context's user
// id); users without a row score 0.
class TrainedVectors : public Recommender {
 public:
  explicit TrainedVectors(const IalsRecommender& model) : model_(model) {}
  std::string name() const override { return "ials-trained-vectors"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return model_.n_items(); }
  void score(std::span<const UserContext> users, float* scores) const override {
    int32_t k = model_.factors();
    auto n_users = static_cast<int32_t>(model_.user_factors().size() / k);
    std::vector<float> x(users.size() * static_cast<size_t>(k), 0.0f);
    for (size_t u = 0; u < users.size(); ++u)
      if (users[u].user >= 0 && users[u].user < n_users)
        std::copy_n(model_.user_factors().begin() + static_cast<ptrdiff_t>(users[u].user) * k, k,
                    x.begin() + static_cast<ptrdiff_t>(u) * k);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(users.size()), n_items(),
                k, 1.0f, x.data(), k, model_.item_factors().data(), k, 0.0f, scores, n_items());
  }
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}

 private:
  const IalsRecommender& model_;
};

struct Args {
  std::string data = "beauty";
  int users = 1000;
  uint64_t seed = 7;
  Options model;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k];
    auto eq = arg.find('=');
    if (eq == std::string::npos) LMREC_THROW(ConfigError, "expected KEY=VALUE, got " + arg);
    std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (key == "data")
      a.data = value;
    else if (key == "users")
      a.users = std::stoi(value);
    else if (key == "seed")
      a.seed = std::stoull(value);
    else
      a.model.set(key, value);
  }
  return a;
}

Dataset read(const std::string& name) {
  ReadOptions read;
  if (name == "beauty") {
    read.input = std::string(LMREC_SHARED_DATA) + "/amazon/beauty.txt";
    read.format = "s3rec";
  } else if (name == "ml-latest-small") {
    read.input = std::string(LMREC_SHARED_DATA) + "/ml-latest-small";
    read.format = "movielens";
  } else {
    LMREC_THROW(ConfigError, "data must be beauty or ml-latest-small");
  }
  if (!std::filesystem::exists(read.input)) return {};
  NullProgress quiet;
  return read_dataset(read, quiet);
}

// `n` users with a test row, drawn by a seeded shuffle.
std::vector<uint8_t> pick_users(const Dataset& data, const Split& split, int n, uint64_t seed) {
  std::vector<uint8_t> has_test(static_cast<size_t>(data.n_users()), 0);
  for (int64_t r = 0; r < data.n_interactions(); ++r)
    if (split.role[r] == static_cast<uint8_t>(Role::kTest)) has_test[data.rows.user[r]] = 1;
  std::vector<int32_t> candidates;
  for (int32_t u = 0; u < data.n_users(); ++u)
    if (has_test[u]) candidates.push_back(u);
  std::mt19937_64 rng(seed);
  std::shuffle(candidates.begin(), candidates.end(), rng);
  if (n > static_cast<int>(candidates.size()))
    LMREC_THROW(ConfigError,
                "only " + std::to_string(candidates.size()) + " users have a test row");
  std::vector<uint8_t> chosen(static_cast<size_t>(data.n_users()), 0);
  for (int k = 0; k < n; ++k) chosen[candidates[k]] = 1;
  return chosen;
}

IalsRecommender train(const Dataset& data, const std::vector<uint8_t>& keep, const Options& o,
                      double& seconds) {
  IalsRecommender model(IalsOptions::parse(o));
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  auto start = Clock::now();
  model.fit(data.subset(keep), ctx);
  seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return model;
}

// Max abs and relative difference between the folded-in vectors and the normal equations
// (YᵀY + Σ (c−1) y yᵀ + λ_u I) x = Σ c y solved in double precision.
std::pair<double, double> check_exact(const IalsRecommender& model, const Dataset& data,
                                      const Split& split, const std::vector<uint8_t>& held) {
  auto o = IalsOptions::parse(model.options());
  int32_t k = model.factors();
  Eigen::MatrixXd y(model.n_items(), k);
  for (int32_t i = 0; i < model.n_items(); ++i)
    for (int32_t c = 0; c < k; ++c) y(i, c) = model.item_factors()[static_cast<size_t>(i) * k + c];
  Eigen::MatrixXd gram = y.transpose() * y;
  auto history = split.history_mask(Role::kTest);
  double max_abs = 0, max_rel = 0;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    if (!held[u]) continue;
    UserContext ctx = make_context(data, u, history);
    std::vector<float> x = model.solve_user(ctx);
    std::sort(ctx.items.begin(), ctx.items.end());
    ctx.items.erase(std::unique(ctx.items.begin(), ctx.items.end()), ctx.items.end());
    Eigen::MatrixXd a = gram;
    Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
    for (int32_t i : ctx.items) {
      a += o.alpha * y.row(i).transpose() * y.row(i);
      b += (1 + o.alpha) * y.row(i).transpose();
    }
    a.diagonal().array() +=
        o.regularization * std::pow(static_cast<double>(ctx.items.size()), o.reg_exponent);
    Eigen::VectorXd exact = a.ldlt().solve(b);
    for (int32_t c = 0; c < k; ++c) {
      double diff = std::abs(x[c] - exact(c));
      max_abs = std::max(max_abs, diff);
      max_rel = std::max(max_rel, diff / std::max(exact.cwiseAbs().maxCoeff(), 1e-30));
    }
  }
  return {max_abs, max_rel};
}

nlohmann::json metrics(const Recommender& model, const Dataset& data, const Split& split) {
  EvalOptions options;
  options.ks = {10};
  EvalResult r = evaluate(model, data, split, Role::kTest, options);
  return {{"users", r.overall.users},
          {"HR@10", r.overall.values.at("HR@10")},
          {"NDCG@10", r.overall.values.at("NDCG@10")}};
}

int run(int argc, char** argv) {
  Args args = parse_args(argc, argv);
  args.model.set("binary", "true");  // the exactness check assumes confidence 1 + alpha
  Dataset data = read(args.data);
  if (data.n_users() == 0) {
    std::printf("bench_foldin: skipped, %s not found under %s\n", args.data.c_str(),
                LMREC_SHARED_DATA);
    return 0;
  }
  int cores = set_threads(0);
  Split split = leave_one_out(data);
  auto held = pick_users(data, split, args.users, args.seed);
  auto keep_all = split.mask(Role::kTrain), keep_rest = keep_all;
  for (int64_t r = 0; r < data.n_interactions(); ++r)
    if (held[data.rows.user[r]]) keep_rest[r] = 0;
  double seconds_rest = 0, seconds_all = 0;
  IalsRecommender held_out = train(data, keep_rest, args.model, seconds_rest);
  IalsRecommender trained_in = train(data, keep_all, args.model, seconds_all);

  // Only the chosen users are cases: everybody else's rows become history.
  Split chosen = split;
  for (int64_t r = 0; r < data.n_interactions(); ++r)
    if (!held[data.rows.user[r]]) chosen.role[r] = static_cast<uint8_t>(Role::kTrain);
  auto [max_abs, max_rel] = check_exact(held_out, data, split, held);

  std::string command = argv[0];
  for (int k = 1; k < argc; ++k) command += std::string(" ") + argv[k];
  nlohmann::json out = {
      {"benchmark", "ials_fold_in"},
      {"command", command},
      {"data", args.data},
      {"split", "loo"},
      {"held_out_users", args.users},
      {"options", held_out.options().to_json()},
      {"fold_in_max_abs_diff", max_abs},
      {"fold_in_max_rel_diff", max_rel},
      {"held_out_fold_in", metrics(held_out, data, chosen)},
      {"trained_in_fold_in", metrics(trained_in, data, chosen)},
      {"trained_in_user_factors", metrics(TrainedVectors(trained_in), data, chosen)},
      {"fit_seconds_without", seconds_rest},
      {"fit_seconds_with", seconds_all},
      {"cores", cores}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  try {
    return lmrec::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_foldin: %s\n", e.what());
    return 1;
  }
}
