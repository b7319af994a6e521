// Implicit-feedback ALS (Hu, Koren, Volinsky, ICDM 2008) in the style of the `implicit`
// library: every unobserved (user, item) pair is a 0 with confidence 1, every observed one a 1
// with confidence 1 + alpha·value, and user and item factors are solved for in turn, each half
// step in closed form (Cholesky) or by a few warm-started conjugate-gradient steps.
//
// Scoring folds the user in: the user vector is the exact ALS user step computed from the
// context's history against the final item factors (solve_user), so a training user, an unseen
// one and a user whose history just changed are all served by the same computation. Users or
// items without interactions get zero vectors (they are the exact minimiser for an empty row);
// an empty history therefore scores 0 everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/als_solver.h"
#include "models/factor_model.h"

namespace lmrec {

struct IalsOptions {
  int64_t factors = 64;
  // λ. Each row's data term sums over every item (unobserved ones with weight 1), so λ is
  // measured against YᵀY rather than against a row's few observations. Leave-one-out
  // validation NDCG@10 with 64 factors is flat for λ in 1-10 on Amazon Beauty and Toys and
  // best at 10 on ml-100k and ml-latest-small, hence 10.
  double regularization = 10.0;
  // λ_u = λ·|I_u|^reg_exponent: 0 keeps λ constant (Hu et al., `implicit`); 1 is ALS-WR's
  // frequency-scaled regularisation (Zhou et al. 2008); values between are Rendle et al.'s
  // (2021) compromise, regularising heavy rows more. λ then counts per unit of
  // |I_u|^reg_exponent, so its good values are smaller.
  double reg_exponent = 0.0;
  // Confidence c = 1 + alpha·value: how much an observed entry outweighs an implicit zero. The
  // sparser the data, the larger the best alpha: validation NDCG@10 peaks near 1-3 on
  // ml-latest-small, 10 on ml-100k and 40 on Beauty and Toys (Hu et al. used 40); 10 is the
  // middle ground. Worth tuning per data set.
  double alpha = 10.0;
  int64_t iterations = 15;
  std::string solver = "cg";  // cg | cholesky
  int64_t cg_steps = 3;       // per row and half step, warm-started (as in `implicit`)
  double init_scale = 0.01;   // factors start uniform in [-init_scale, init_scale)
  int64_t seed = 42;
  // Early stopping on FitContext::validate: evaluate every `eval_every` iterations, keep the
  // best factors, stop after `patience` evaluations without improvement (0 = off).
  int64_t patience = 0;
  int64_t eval_every = 1;
  bool binary = true;  // values become 1 before confidence; false uses the event values (summed)

  static IalsOptions parse(const Options& options);
  Options to_options() const;
  als::Weights weights() const;
};

class IalsRecommender : public FactorModel {
 public:
  explicit IalsRecommender(IalsOptions options = {});
  std::string name() const override { return "ials"; }
  Options options() const override { return options_.to_options(); }
  // Throws UsageError on NaN or infinite values, or negative ones when !binary (a confidence
  // below 1 - or below 0 - would make the normal equations indefinite).
  void fit(const Dataset& train, const FitContext& ctx) override;
  float user_vector(const UserContext& user, float* out) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // The exact ALS user step (Cholesky) for the context's history against the item factors: the
  // same function the training's Cholesky solver runs for every user. Confidences come from
  // the context's values when !binary.
  std::vector<float> solve_user(const UserContext& user) const;
  // The training users' factors [n_users × factors] from the last user step (before the last
  // item step, so fold-in of a training user differs slightly); empty after load_weights.
  std::span<const float> user_factors() const { return user_factors_; }
  // Writes items.npy [n_items × factors] and, when the training users' factors are held,
  // users.npy [n_users × factors] into `dir` (created when missing).
  void export_factors(const std::string& dir) const;

 protected:
  // Replaces the item factors ([n_items × factors]), e.g. with some filled in from side
  // information, and refreshes the Gramian every fold-in uses.
  void replace_item_factors(std::vector<float> factors);

 private:
  IalsOptions options_;
  std::vector<float> user_factors_;
  Eigen::MatrixXf gram_;  // YᵀY of the item factors, shared by every fold-in
};

}  // namespace lmrec
