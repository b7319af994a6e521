// Several models of one kind trained from different seeds, their scores fused: each member's
// scores turned into log-probabilities over the catalogue (a softmax per user) and averaged,
// the geometric mean of the members' distributions. Members of a softmax-trained kind (the
// sequence models) disagree mostly where each alone is unsure, so the fused ranking is more
// accurate than any member's; the price is members-times the scoring work.
//
// The fit's time_limit is shared: members train one after another, each given an equal part of
// what is left, so time one member leaves unspent (it stopped early) goes to the next.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

struct EnsembleOptions {
  std::string member = "bsarec";  // the kind of every member
  int64_t members = 2;
  // Every other option goes to the members, with their defaults filled in; member k trains
  // with seed + k, and log_path / checkpoint_dir get a per-member suffix.
  Options member_options;

  static EnsembleOptions parse(const Options& options);
  Options to_options() const;
};

class EnsembleRecommender : public Recommender {
 public:
  explicit EnsembleRecommender(EnsembleOptions options);
  std::string name() const override { return "ensemble"; }
  Options options() const override { return options_.to_options(); }
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override;
  void score(std::span<const UserContext> users, float* scores) const override;
  bool reads_text() const override { return !members_.empty() && members_.front()->reads_text(); }
  // Each member in its own model folder, `member<k>`, beside ensemble.bin, which ties them.
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  const std::vector<std::unique_ptr<Recommender>>& members() const { return members_; }

 private:
  Options member_run(int64_t k, double time_left) const;

  EnsembleOptions options_;
  std::vector<std::unique_ptr<Recommender>> members_;
};

}  // namespace lmrec
