// Reciprocal-rank fusion (Cormack et al., 2009): a candidate scores the sum over the channels
// that proposed it of 1 / (offset + place + 1). Needs no training; the baseline a learned ranker
// has to beat.
#pragma once

#include "rank/ranker.h"

namespace lmrec {

struct RrfOptions {
  double offset = 60;  // the paper's k: larger flattens the difference between top places

  static RrfOptions parse(const Options& options);
  Options to_options() const;
};

class RrfRanker : public Ranker {
 public:
  explicit RrfRanker(RrfOptions options) : options_(options) {}
  std::string name() const override { return "rrf"; }
  Options options() const override { return options_.to_options(); }
  void fit(const RankingData&, const FeatureLayout&) override {}
  void score(const RankingData& data, const FeatureLayout& layout, float* scores) const override;
  // Each proposing channel's 1 / (offset + place + 1) on its rank column.
  std::vector<float> contributions(const RankingData& data,
                                   const FeatureLayout& layout) const override;
  void save(const std::string&) const override {}
  void load(const std::string&) override {}

 private:
  RrfOptions options_;
};

}  // namespace lmrec
