// Learning to rank with XGBoost's LambdaMART (`rank:ndcg`): gradient-boosted trees over the
// candidates' features, trained per request group. The number of trees is chosen on a held-out
// part of the groups (NDCG@k checked every `eval_every` rounds, stopping after `patience`
// checks without a gain), so no separate validation data is needed. Explanations come from
// XGBoost's own per-feature contributions (TreeSHAP).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rank/ranker.h"

namespace lmrec {

struct XgboostOptions {
  std::string objective = "rank:ndcg";  // rank:ndcg | rank:pairwise | rank:map
  int64_t rounds = 400;                 // most trees
  double eta = 0.1;
  int64_t max_depth = 6;
  double min_child_weight = 1;
  double subsample = 0.8;
  double colsample = 0.8;  // colsample_bytree
  double lambda = 1;       // L2 on leaf weights
  double holdout = 0.1;    // fraction of groups that choose the number of trees (0 = use all)
  int64_t eval_every = 10;
  int64_t patience = 5;
  int64_t k = 10;  // the NDCG cutoff of training and of the tree-count choice
  int64_t seed = 42;

  static XgboostOptions parse(const Options& options);
  Options to_options() const;
};

class XgboostRanker : public Ranker {
 public:
  explicit XgboostRanker(XgboostOptions options);
  ~XgboostRanker() override;
  std::string name() const override { return "xgboost"; }
  Options options() const override { return options_.to_options(); }
  void fit(const RankingData& train, const FeatureLayout& layout) override;
  void score(const RankingData& data, const FeatureLayout& layout, float* scores) const override;
  std::vector<float> contributions(const RankingData& data,
                                   const FeatureLayout& layout) const override;
  void save(const std::string& dir) const override;
  void load(const std::string& dir) override;

  int64_t trees() const { return trees_; }

 private:
  std::vector<float> predict(const RankingData& data, int type) const;

  XgboostOptions options_;
  void* booster_ = nullptr;  // BoosterHandle; null until fitted or loaded
  int64_t trees_ = 0;        // rounds kept (prediction stops there)
  int32_t n_features_ = 0;
};

}  // namespace lmrec
