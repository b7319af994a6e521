// Rating prediction of `mf` on MovieLens 100K, five-fold cross-validation on the folds u1..u5
// that ship with the data (u{k}.base / u{k}.test). Where the folder lacks them they are
// rebuilt exactly as the release's mku.sh makes them: fold k tests lines 20000 (k-1) + 1 ..
// 20000 k of u.data and trains on the rest.
//
// Usage: bench_mf_rmse [--valid] [key=value ...]   (key=value: mf options)
// Default: fit on each u{k}.base, report RMSE and MAE on u{k}.test. With --valid: fit on a
// seeded random 95% of u{k}.base and report on the other 5% only, for choosing options without
// looking at the test folds (early stopping with `patience` then watches that 5% too).
// Prints one JSON object per fold and one with the means.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/errors.h"
#include "core/progress.h"
#include "core/threads.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "models/mf.h"

namespace lmrec {
namespace {

namespace fs = std::filesystem;

struct RatingLine {
  std::string user, item;
  float rating;
  int64_t time;
};

// u.data layout: user \t item \t rating \t unix time.
std::vector<RatingLine> read_ratings(const std::string& path) {
  std::ifstream in(path);
  if (!in) LMREC_THROW(IoError, "cannot open " + path);
  std::vector<RatingLine> out;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    RatingLine r;
    if (!(std::getline(fields, r.user, '\t') && std::getline(fields, r.item, '\t') &&
          fields >> r.rating >> r.time))
      LMREC_THROW_INPUT(path, n, "line", "expected user, item, rating, time separated by tabs");
    out.push_back(std::move(r));
  }
  return out;
}

struct Fold {
  Dataset data;
  Split split;
};

// Base and test lines in one dataset (shared id maps), test rows with Role::kTest and, when
// `valid_frac` > 0, a seeded random share of the base rows with Role::kValid.
Fold make_fold(const std::vector<RatingLine>& base, const std::vector<RatingLine>& test,
               double valid_frac, uint64_t seed) {
  Fold fold;
  Dataset& d = fold.data;
  std::unordered_map<uint64_t, Role> role_of;  // (user, item) -> role; pairs are unique
  Rng rng(seed);
  for (const auto* part : {&base, &test})
    for (const auto& r : *part) {
      int32_t u = d.users.intern(r.user), i = d.items.intern(r.item);
      Role role = part == &test                ? Role::kTest
                  : rng.uniform() < valid_frac ? Role::kValid
                                               : Role::kTrain;
      if (!role_of.emplace((static_cast<uint64_t>(u) << 32) | static_cast<uint32_t>(i), role)
               .second)
        LMREC_THROW(UsageError, "user " + r.user + " rates item " + r.item + " twice");
      d.rows.push(u, i, r.rating, r.time);
    }
  d.explicit_values = d.has_times = true;
  d.finalize();
  fold.split.method = "ml-100k-fold";
  for (int64_t k = 0; k < d.rows.size(); ++k)
    fold.split.role.push_back(static_cast<uint8_t>(role_of.at(
        (static_cast<uint64_t>(d.rows.user[k]) << 32) | static_cast<uint32_t>(d.rows.item[k]))));
  return fold;
}

void load_fold(const std::string& dir, int k, std::vector<RatingLine>& base,
               std::vector<RatingLine>& test) {
  std::string prefix = dir + "/u" + std::to_string(k);
  if (fs::exists(prefix + ".base") && fs::exists(prefix + ".test")) {
    base = read_ratings(prefix + ".base");
    test = read_ratings(prefix + ".test");
    return;
  }
  auto all = read_ratings(dir + "/u.data");
  if (all.size() != 100000) LMREC_THROW(UsageError, dir + "/u.data: expected 100000 ratings");
  base.clear(), test.clear();
  for (size_t n = 0; n < all.size(); ++n)
    (n / 20000 == static_cast<size_t>(k - 1) ? test : base).push_back(all[n]);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}

double stdev(const std::vector<double>& v) {
  double m = mean(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

int run(int argc, char** argv) {
  std::string dir = std::string(LMREC_SHARED_DATA) + "/ml-100k";
  if (!fs::exists(dir + "/u.data") && !fs::exists(dir + "/u1.base")) {
    std::printf("bench_mf_rmse: skipped, no MovieLens 100K at %s\n", dir.c_str());
    return 0;
  }
  bool valid = false;
  Options options;
  std::string command = "bench_mf_rmse";
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    command += " " + arg;
    if (arg == "--valid")
      valid = true;
    else
      options.set(arg);
  }
  MfOptions mf = MfOptions::parse(options);
  Role phase = valid ? Role::kValid : Role::kTest;
  int cores = set_threads(0);
  std::vector<double> rmse, mae;
  for (int k = 1; k <= 5; ++k) {
    std::vector<RatingLine> base, test;
    load_fold(dir, k, base, test);
    Fold fold = make_fold(base, test, valid ? 0.05 : 0.0, 1000 + k);
    Dataset train = fold.data.subset(fold.split.mask(Role::kTrain));
    EvalOptions eval;
    eval.ks = {10};
    MfRecommender model(mf);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    if (valid)  // higher is better
      ctx.validate = [&](const Recommender& m) {
        return -evaluate(m, fold.data, fold.split, Role::kValid, eval).overall.values["RMSE"];
      };
    auto start = std::chrono::steady_clock::now();
    model.fit(train, ctx);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EvalResult result = evaluate(model, fold.data, fold.split, phase, eval);
    rmse.push_back(result.overall.values.at("RMSE"));
    mae.push_back(result.overall.values.at("MAE"));
    int64_t targets = 0;
    for (uint8_t r : fold.split.role) targets += r == static_cast<uint8_t>(phase);
    const auto& log = model.training_log();
    nlohmann::json line = {{"benchmark", "mf_rmse"},
                           {"data", "ml-100k"},
                           {"fold", k},
                           {"phase", valid ? "valid" : "test"},
                           {"train_ratings", train.n_interactions()},
                           {"eval_ratings", targets},
                           {"epochs_run", log.size()},
                           {"RMSE", rmse.back()},
                           {"MAE", mae.back()},
                           {"fit_seconds", seconds},
                           {"ratings_per_s", log.empty() ? 0.0 : log.back().samples_per_s}};
    std::printf("%s\n", line.dump().c_str());
  }
  nlohmann::json summary = {{"benchmark", "mf_rmse"},
                            {"data", "ml-100k"},
                            {"command", command},
                            {"phase", valid ? "valid" : "test"},
                            {"folds", rmse.size()},
                            {"RMSE_mean", mean(rmse)},
                            {"RMSE_std", stdev(rmse)},
                            {"MAE_mean", mean(mae)},
                            {"MAE_std", stdev(mae)},
                            {"cores", cores},
                            {"options", mf.to_options().to_json()}};
  std::printf("%s\n", summary.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  try {
    return lmrec::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mf_rmse: %s\n", e.what());
    return 1;
  }
}
