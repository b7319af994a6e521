#include "rank/xgboost_ranker.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/threads.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecXGB";
constexpr uint32_t kVersion = 1;

void check(int rc, const std::string& what) {
  if (rc != 0) LMREC_THROW(Error, "xgboost: " + what + ": " + XGBGetLastError());
}

// Owns a DMatrix over `data`'s rows (labels and groups set when present).
class Matrix {
 public:
  explicit Matrix(const RankingData& data) {
    check(XGDMatrixCreateFromMat(data.features.data(), static_cast<bst_ulong>(data.rows()),
                                 static_cast<bst_ulong>(data.n_features), NAN, &handle_),
          "creating the feature matrix");
    if (!data.labels.empty())
      check(XGDMatrixSetFloatInfo(handle_, "label", data.labels.data(),
                                  static_cast<bst_ulong>(data.labels.size())),
            "setting labels");
    std::vector<unsigned> sizes;
    for (int64_t g = 0; g < data.groups(); ++g)
      sizes.push_back(static_cast<unsigned>(data.group_begin[g + 1] - data.group_begin[g]));
    check(XGDMatrixSetUIntInfo(handle_, "group", sizes.data(), sizes.size()), "setting groups");
  }
  ~Matrix() { XGDMatrixFree(handle_); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// Groups with a positive label, split into (train, holdout) by a seeded shuffle.
std::pair<RankingData, RankingData> split_groups(const RankingData& data, double holdout,
                                                 uint64_t seed) {
  std::vector<int64_t> useful;
  for (int64_t g = 0; g < data.groups(); ++g)
    for (int64_t r = data.group_begin[g]; r < data.group_begin[g + 1]; ++r)
      if (data.labels[r] > 0) {
        useful.push_back(g);
        break;
      }
  std::mt19937_64 rng(seed);
  std::shuffle(useful.begin(), useful.end(), rng);
  auto n_hold = static_cast<size_t>(std::floor(holdout * static_cast<double>(useful.size())));
  std::sort(useful.begin(), useful.begin() + n_hold);
  std::sort(useful.begin() + n_hold, useful.end());
  RankingData parts[2];
  for (int part = 0; part < 2; ++part) {
    RankingData& out = parts[part];
    out.n_features = data.n_features;
    auto begin = part == 0 ? useful.begin() + n_hold : useful.begin();
    auto end = part == 0 ? useful.end() : useful.begin() + n_hold;
    for (auto it = begin; it != end; ++it) {
      int64_t from = data.group_begin[*it], to = data.group_begin[*it + 1];
      out.features.insert(out.features.end(), data.features.begin() + from * data.n_features,
                          data.features.begin() + to * data.n_features);
      out.labels.insert(out.labels.end(), data.labels.begin() + from, data.labels.begin() + to);
      out.group_begin.push_back(out.group_begin.back() + (to - from));
    }
  }
  return {std::move(parts[0]), std::move(parts[1])};
}

}  // namespace

XgboostOptions XgboostOptions::parse(const Options& options) {
  options.check_known("xgboost ranker",
                      {"objective", "rounds", "eta", "max_depth", "min_child_weight", "subsample",
                       "colsample", "lambda", "holdout", "eval_every", "patience", "k", "seed"});
  XgboostOptions o;
  o.objective = options.get_string("objective", o.objective);
  o.rounds = options.get_int("rounds", o.rounds);
  o.eta = options.get_double("eta", o.eta);
  o.max_depth = options.get_int("max_depth", o.max_depth);
  o.min_child_weight = options.get_double("min_child_weight", o.min_child_weight);
  o.subsample = options.get_double("subsample", o.subsample);
  o.colsample = options.get_double("colsample", o.colsample);
  o.lambda = options.get_double("lambda", o.lambda);
  o.holdout = options.get_double("holdout", o.holdout);
  o.eval_every = options.get_int("eval_every", o.eval_every);
  o.patience = options.get_int("patience", o.patience);
  o.k = options.get_int("k", o.k);
  o.seed = options.get_int("seed", o.seed);
  if (o.objective != "rank:ndcg" && o.objective != "rank:pairwise" && o.objective != "rank:map")
    LMREC_THROW(ConfigError, "xgboost ranker: objective must be rank:ndcg, rank:pairwise or "
                             "rank:map, got '" + o.objective + "'");
  if (o.rounds < 1) LMREC_THROW(ConfigError, "xgboost ranker: rounds must be >= 1");
  if (!(o.eta > 0)) LMREC_THROW(ConfigError, "xgboost ranker: eta must be > 0");
  if (o.max_depth < 1 || o.max_depth > 16)
    LMREC_THROW(ConfigError, "xgboost ranker: max_depth must be in [1, 16]");
  if (!(o.subsample > 0 && o.subsample <= 1) || !(o.colsample > 0 && o.colsample <= 1))
    LMREC_THROW(ConfigError, "xgboost ranker: subsample and colsample must be in (0, 1]");
  if (!(o.holdout >= 0 && o.holdout < 1))
    LMREC_THROW(ConfigError, "xgboost ranker: holdout must be in [0, 1)");
  if (o.eval_every < 1 || o.patience < 1 || o.k < 1)
    LMREC_THROW(ConfigError, "xgboost ranker: eval_every, patience and k must be >= 1");
  return o;
}

Options XgboostOptions::to_options() const {
  Options o;
  o.set("objective", objective);
  o.set("rounds", std::to_string(rounds));
  o.set("eta", format_option(eta));
  o.set("max_depth", std::to_string(max_depth));
  o.set("min_child_weight", format_option(min_child_weight));
  o.set("subsample", format_option(subsample));
  o.set("colsample", format_option(colsample));
  o.set("lambda", format_option(lambda));
  o.set("holdout", format_option(holdout));
  o.set("eval_every", std::to_string(eval_every));
  o.set("patience", std::to_string(patience));
  o.set("k", std::to_string(k));
  o.set("seed", std::to_string(seed));
  return o;
}

XgboostRanker::XgboostRanker(XgboostOptions options) : options_(std::move(options)) {}

XgboostRanker::~XgboostRanker() {
  if (booster_) XGBoosterFree(booster_);
}

void XgboostRanker::fit(const RankingData& data, const FeatureLayout& layout) {
  LMREC_CHECK(static_cast<int64_t>(data.labels.size()) == data.rows(), UsageError,
              "xgboost ranker: fit() needs a label per row");
  auto [train, holdout] = split_groups(data, options_.holdout, options_.seed);
  LMREC_CHECK(train.groups() > 0, UsageError,
              "xgboost ranker: no training group holds its target among the candidates");
  Matrix dtrain(train);
  if (booster_) XGBoosterFree(booster_), booster_ = nullptr;
  DMatrixHandle handles[] = {dtrain.get()};
  check(XGBoosterCreate(handles, 1, &booster_), "creating the booster");
  const std::pair<const char*, std::string> params[] = {
      {"objective", options_.objective},
      {"eval_metric", "ndcg@" + std::to_string(options_.k)},
      {"eta", format_option(options_.eta)},
      {"max_depth", std::to_string(options_.max_depth)},
      {"min_child_weight", format_option(options_.min_child_weight)},
      {"subsample", format_option(options_.subsample)},
      {"colsample_bytree", format_option(options_.colsample)},
      {"lambda", format_option(options_.lambda)},
      {"tree_method", "hist"},
      {"seed", std::to_string(options_.seed)},
      {"nthread", std::to_string(thread_count())},
      {"verbosity", "0"}};
  for (const auto& [key, value] : params)
    check(XGBoosterSetParam(booster_, key, value.c_str()), std::string("setting ") + key);
  n_features_ = data.n_features;
  double best = -1;
  int64_t best_rounds = options_.rounds, misses = 0;
  for (int64_t round = 0; round < options_.rounds; ++round) {
    check(XGBoosterUpdateOneIter(booster_, static_cast<int>(round), dtrain.get()), "training");
    bool check_now = holdout.groups() > 0 && ((round + 1) % options_.eval_every == 0 ||
                                              round + 1 == options_.rounds);
    if (!check_now) continue;
    trees_ = round + 1;
    std::vector<float> scores(static_cast<size_t>(holdout.rows()));
    score(holdout, layout, scores.data());
    double sum = 0;
    for (int64_t g = 0; g < holdout.groups(); ++g)
      sum += group_ndcg(holdout, g, scores.data(), static_cast<int>(options_.k));
    double quality = sum / static_cast<double>(holdout.groups());
    if (quality > best) {
      best = quality, best_rounds = round + 1, misses = 0;
    } else if (++misses >= options_.patience) {
      break;
    }
  }
  trees_ = best_rounds;
}

std::vector<float> XgboostRanker::predict(const RankingData& data, int type) const {
  LMREC_CHECK(booster_, UsageError, "xgboost ranker: score() before fit() or load");
  LMREC_CHECK(data.n_features == n_features_, UsageError,
              "xgboost ranker: trained on " + std::to_string(n_features_) + " features, given " +
                  std::to_string(data.n_features));
  if (data.rows() == 0) return {};
  Matrix matrix(data);
  std::string config = "{\"type\": " + std::to_string(type) +
                       ", \"training\": false, \"iteration_begin\": 0, \"iteration_end\": " +
                       std::to_string(trees_) + ", \"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  check(XGBoosterPredictFromDMatrix(booster_, matrix.get(), config.c_str(), &shape, &dims, &result),
        "predicting");
  size_t n = 1;
  for (bst_ulong d = 0; d < dims; ++d) n *= static_cast<size_t>(shape[d]);
  return std::vector<float>(result, result + n);
}

void XgboostRanker::score(const RankingData& data, const FeatureLayout&, float* scores) const {
  auto out = predict(data, 0);
  std::copy(out.begin(), out.end(), scores);
}

std::vector<float> XgboostRanker::contributions(const RankingData& data,
                                                const FeatureLayout&) const {
  return predict(data, 2);
}

void XgboostRanker::save(const std::string& dir) const {
  LMREC_CHECK(booster_, UsageError, "xgboost ranker: save before fit()");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  check(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"ubj\"}", &length, &bytes),
        "saving the model");
  BinaryWriter out(dir + "/ranker.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(trees_));
  out.u64(static_cast<uint64_t>(n_features_));
  out.str(std::string(bytes, length));
  out.commit();
}

void XgboostRanker::load(const std::string& dir) {
  BinaryReader in(dir + "/ranker.bin", kMagic, kVersion, "xgboost ranker file");
  auto trees = in.u64(), features = in.u64();
  auto model = in.str();
  in.expect_end();
  if (trees < 1 || trees > 1000000 || features < 1 || features > 100000)
    LMREC_THROW(FormatError, dir + "/ranker.bin: " + std::to_string(trees) + " trees over " +
                                 std::to_string(features) + " features is not a ranker's shape");
  BoosterHandle booster = nullptr;
  check(XGBoosterCreate(nullptr, 0, &booster), "creating the booster");
  if (XGBoosterLoadModelFromBuffer(booster, model.data(), model.size()) != 0) {
    std::string why = XGBGetLastError();
    XGBoosterFree(booster);
    LMREC_THROW(FormatError, dir + "/ranker.bin: not an XGBoost model (" + why + ")");
  }
  check(XGBoosterSetParam(booster, "nthread", std::to_string(thread_count()).c_str()),
        "setting threads");
  if (booster_) XGBoosterFree(booster_);
  booster_ = booster;
  trees_ = static_cast<int64_t>(trees);
  n_features_ = static_cast<int32_t>(features);
}

}  // namespace lmrec
