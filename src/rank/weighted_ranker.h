// Weighted score fusion: a candidate scores Σ_c w_c · z_c, z_c the channel's score standardised
// over the request's candidates, so that channels of any scale mix. The weights are fitted by
// coordinate ascent on NDCG@k of the training groups over a fixed grid, from equal weights.
#pragma once

#include <vector>

#include "rank/ranker.h"

namespace lmrec {

struct WeightedOptions {
  int64_t passes = 3;  // coordinate-ascent sweeps over the channels
  int64_t k = 10;      // NDCG cutoff the weights are fitted for

  static WeightedOptions parse(const Options& options);
  Options to_options() const;
};

class WeightedRanker : public Ranker {
 public:
  explicit WeightedRanker(WeightedOptions options) : options_(options) {}
  std::string name() const override { return "weighted"; }
  Options options() const override { return options_.to_options(); }
  void fit(const RankingData& train, const FeatureLayout& layout) override;
  void score(const RankingData& data, const FeatureLayout& layout, float* scores) const override;
  // w_c · z_c on each channel's score column.
  std::vector<float> contributions(const RankingData& data,
                                   const FeatureLayout& layout) const override;
  bool rows_independent() const override { return false; }  // z-scores over the group
  void save(const std::string& dir) const override;
  void load(const std::string& dir) override;

  const std::vector<float>& weights() const { return weights_; }

 private:
  WeightedOptions options_;
  std::vector<float> weights_;  // one per channel
};

// The channels' scores standardised within each group: [rows × channels].
std::vector<float> standardised_channel_scores(const RankingData& data,
                                               const FeatureLayout& layout);

}  // namespace lmrec
