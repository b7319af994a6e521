// BPR (Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI 2009):
// factors learnt so that each user ranks the items they touched above those they did not. For
// a triple (u, i, j) with i in u's history and j not,
//   x_uij = (b_i - b_j) + <p_u, q_i - q_j>,
//   loss  = -ln σ(x_uij) + λ/2 (|p_u|² + |q_i|² + |q_j|² + b_i² + b_j²),
// minimised by SGD on triples drawn uniformly: (u, i) among the distinct interacted pairs, j
// among the items u has not touched.
//
// Training is lock-free parallel SGD (Hogwild, Niu et al. 2011): threads draw their own triples
// from their own seeded generators and update the shared factor arrays without locks. Two
// threads touching the same row at once may lose or mix one update; with thousands of items
// and sparse updates such collisions are rare and SGD absorbs them as noise (fastText and
// word2vec train the same way). The cost is reproducibility: with one thread and a fixed seed a
// fit is bit-for-bit repeatable; with several it is not. Epochs too small to be worth
// splitting run on one thread.
//
// Scores come from the user's history only (FactorModel): the user vector is fitted by SGD on
// the same loss over that history with the item side fixed (fold-in), so a user unseen at
// training time is scored exactly like a known one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/factor_model.h"
#include "models/sgd.h"

namespace lmrec {

struct BprOptions {
  int64_t factors = 64;
  // Per-sample step. Sparse catalogues (Amazon: ~15 events per item) want large steps and many
  // epochs, dense ones (MovieLens) peak within tens of epochs; 0.1 with a slow decay is a
  // middle ground, and worth tuning (with patience) per data set.
  double learning_rate = 0.1;
  double lr_decay = 0.98;  // the step is multiplied by this after every epoch
  // λ on every factor and bias an update touches (weight decay per update, so popular items,
  // updated more often, are held back more).
  double regularization = 0.01;
  int64_t epochs = 100;
  int64_t samples_per_epoch = 0;  // 0 = the number of distinct (user, item) training pairs
  int64_t seed = 42;
  // Factors start as N(0, init_scale²), biases at 0. 0.1 learnt at least as fast as 0.01 in
  // short runs on Beauty, and much faster on small data, where 0.01 lingers near the saddle
  // at 0.
  double init_scale = 0.1;
  bool item_bias = true;
  // Early stopping: validate every `eval_every` epochs and stop after `patience` checks without
  // a new best, keeping the best epoch's weights. 0 = off (train all epochs).
  int64_t patience = 0;
  int64_t eval_every = 1;
  // SGD steps when a user vector is folded in (scoring, validation), whatever the history
  // length: the fold-in is a small convex problem whose convergence depends on the step size
  // more than on the number of items. On Beauty, validation NDCG@10 of one model was 0.0282,
  // 0.0307, 0.0316, 0.0322 for 100, 300, 1000, 3000 steps; scoring all 22k users took
  // 3.7 s with 1000 steps against 1.6 s with 300 (two shared cores).
  int64_t fold_in_steps = 1000;

  static BprOptions parse(const Options& options);
  Options to_options() const;
};

// A uniform draw among the items in [0, n_items) that are not in `sorted_items` (ascending,
// distinct): the r-th missing item for a uniform r, found by binary search, so one draw and no
// rejection loop however dense the history is. Returns -1 when every item is in the history.
int32_t sample_negative(std::span<const int32_t> sorted_items, int32_t n_items, Rng& rng);

class BprRecommender : public FactorModel {
 public:
  explicit BprRecommender(BprOptions options = {});
  std::string name() const override { return "bpr"; }
  Options options() const override { return options_.to_options(); }
  // Progress shows the epoch, mean BPR loss and SGD samples/s; validation (when early stopping)
  // runs between epochs and does not count against the rate.
  void fit(const Dataset& train, const FitContext& ctx) override;
  // Fold-in: fold_in_steps SGD steps from p = 0 on triples of a history item, drawn uniformly
  // from the distinct history, and a negative drawn as in training, with the item side fixed
  // and the step falling linearly from learning_rate to 0. The generator is seeded from `seed`
  // alone, so a history always maps to the same vector.
  float user_vector(const UserContext& user, float* out) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // One entry per epoch of the last fit.
  const std::vector<EpochLog>& training_log() const { return log_; }

 private:
  BprOptions options_;
  std::vector<EpochLog> log_;
};

}  // namespace lmrec
