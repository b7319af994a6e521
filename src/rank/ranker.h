// The ranking stage of a pipeline: candidates of many requests, each a row of features, scored
// by a Ranker; a request's candidates are then ordered by their scores, best first. Rankers see
// feature tables only, never models, so they sit below models/ (the pipeline model uses them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/options.h"

namespace lmrec {

// What each feature column is. The fusion baselines read the columns they need through it.
struct FeatureLayout {
  std::vector<std::string> names;  // one per column
  // Per channel (candidate source): the column of its score for the candidate and of the
  // candidate's place in its list (0 = first; NaN, read as missing, when the channel did not
  // propose it).
  std::vector<int32_t> channel_score, channel_rank;
  std::vector<std::string> channel_names;
  int32_t n_features() const { return static_cast<int32_t>(names.size()); }
};

// Candidates of several requests (groups): [rows × n_features] row-major, group g holds rows
// [group_begin[g], group_begin[g + 1]). `labels` (1 = the request's target, 0 = not) is filled
// for training and empty when scoring.
struct RankingData {
  int32_t n_features = 0;
  std::vector<float> features;
  std::vector<float> labels;
  std::vector<int64_t> group_begin{0};
  int64_t rows() const { return group_begin.back(); }
  int64_t groups() const { return static_cast<int64_t>(group_begin.size()) - 1; }
  // Appends the rows of another table with the same columns.
  void append(const RankingData& other);
};

class Ranker {
 public:
  virtual ~Ranker() = default;
  virtual std::string name() const = 0;
  virtual Options options() const = 0;  // effective options, defaults filled in
  // Learns from labelled groups; groups without a positive label carry no signal.
  virtual void fit(const RankingData& train, const FeatureLayout& layout) = 0;
  // scores: [data.rows()], higher first. Safe to call from several threads at once.
  virtual void score(const RankingData& data, const FeatureLayout& layout, float* scores) const = 0;
  // [rows × (n_features + 1)] additive contributions of each feature to each row's score, the
  // last column the bias; empty when the ranker has no such decomposition.
  virtual std::vector<float> contributions(const RankingData& data,
                                           const FeatureLayout& layout) const {
    (void)data, (void)layout;
    return {};
  }
  // True when a row's score and contributions do not depend on the other rows of its group,
  // so a few rows may be scored or explained alone (TreeSHAP costs per row).
  virtual bool rows_independent() const { return true; }
  virtual void save(const std::string& dir) const = 0;
  virtual void load(const std::string& dir) = 0;
};

// "rrf" (reciprocal-rank fusion), "weighted" (score fusion, weights fitted), "xgboost"
// (LambdaMART). ConfigError naming an unknown name (with the known ones) or option.
std::unique_ptr<Ranker> make_ranker(const std::string& name, const Options& options);
std::vector<std::string> ranker_names();

// NDCG@k of one group's ranking by `scores` against its labels (one target per group).
double group_ndcg(const RankingData& data, int64_t group, const float* scores, int k);

}  // namespace lmrec
