// Neural collaborative filtering (He et al., "Neural Collaborative Filtering", WWW 2017).
// NeuMF adds two towers over the (user, item) pair and reads both with one output unit:
//   GMF: p_u ⊙ q_i (a generalised matrix factorisation),
//   MLP: fully connected ReLU layers over [p'_u ; q'_i] (separate embeddings),
//   logit(u, i) = h_gmfᵀ GMF + h_mlpᵀ MLP + b,
// trained pointwise with binary cross-entropy on every observed pair plus `negatives` sampled
// unobserved items per pair (re-drawn every epoch). `variant` picks the towers:
//   neumf (both), gmf, mlp, or concat-mse: the plain neural rating model, the MLP tower over
//   concatenated embeddings regressing the interaction values with squared error, no negatives.
//
// Scoring: a context whose `user` is a training user uses that user's embeddings. Any other
// context (an unseen user) is folded in: its embeddings start at the mean of the training
// users' and take `fold_in_steps` Adam steps on the context's items (as positives, with
// negatives drawn from a generator seeded by `seed` alone; the values for concat-mse) with every
// item weight fixed, so the same history always gets the same scores. An empty history keeps
// the mean embeddings.
//
// Cost: scoring a user runs the MLP on every item (the item half of the first layer is computed
// once after training), about (Σ layer_k × layer_k+1) multiply-adds per item.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/train/train_options.h"

namespace lmrec {

struct NcfOptions {
  std::string variant = "neumf";  // neumf | gmf | mlp | concat-mse
  int64_t factors = 16;           // GMF embedding size
  // MLP layer widths; the MLP embeddings are half the first width each, as in the paper's
  // tower ("64,32,16" with 32-dimensional embeddings). Its cost per scored item is what
  // bounds the size on full-catalogue ranking.
  std::string layers = "64,32,16";
  int64_t negatives = 4;  // per positive (the paper's best range is 3-6)
  // Fold-in of unseen users: Adam steps on the user embeddings only.
  int64_t fold_in_steps = 30;
  double fold_in_learning_rate = 0.05;
  // Epochs 20, batch 1024, Adam 1e-3: the paper's optimiser; the larger batch (paper: 256)
  // keeps the per-step overhead of libtorch small on two cores at the same epoch count.
  TrainOptions train = default_train();

  static TrainOptions default_train();
  static NcfOptions parse(const Options& options);
  Options to_options() const;
  std::vector<int64_t> layer_sizes() const;
};

class NcfRecommender : public Recommender {
 public:
  explicit NcfRecommender(NcfOptions options = {});
  ~NcfRecommender() override;
  std::string name() const override { return "ncf"; }
  Options options() const override { return options_.to_options(); }
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override;
  bool predicts_values() const override { return options_.variant == "concat-mse"; }
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  struct Net;

 private:
  NcfOptions options_;
  int32_t n_items_ = 0, n_users_ = 0;
  std::shared_ptr<Net> net_;  // null until fitted or loaded
};

}  // namespace lmrec
