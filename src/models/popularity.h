// Most-popular baseline: every user gets the same scores, the number of training events per
// item. The floor any personalised model has to beat, and the fallback for users without
// history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

struct PopularityOptions {
  // Count only events in the last `window_days` days up to the latest timestamp (inclusive);
  // 0 counts all. Needs real timestamps (seconds), since trends are about time.
  int64_t window_days = 0;

  static PopularityOptions parse(const Options& options);
  Options to_options() const;
};

class PopularityRecommender : public Recommender {
 public:
  explicit PopularityRecommender(PopularityOptions options = {});
  std::string name() const override { return "popularity"; }
  Options options() const override { return options_.to_options(); }
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return static_cast<int32_t>(counts_.size()); }
  // History items are only validated: the scores do not depend on them.
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // Event count per item (within the window).
  const std::vector<float>& counts() const { return counts_; }

 private:
  PopularityOptions options_;
  bool fitted_ = false;
  std::vector<float> counts_;
};

}  // namespace lmrec
