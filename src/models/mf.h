// Biased matrix factorisation for explicit ratings (Funk's SVD; Koren, Bell & Volinsky,
// "Matrix Factorization Techniques for Recommender Systems", IEEE Computer 2009):
//   r̂_ui = μ + b_u + b_i + <p_u, q_i>,
// μ the mean training rating, fitted by SGD over the rating rows, shuffled every epoch, with
// L2 weight decay at every update (λ on p_u and q_i, λ_b on b_u and b_i), as Funk's SVD and
// Surprise's SVD do. Each row is one rating: repeated events count as repeated ratings.
//
// Scores are the predicted ratings (predicts_values(), so the evaluator reports RMSE/MAE).
// They estimate how much a user will like an item, not whether they will pick it: trained on
// observed ratings only, the model knows nothing of the items a user never rated, so it ranks
// worse than the implicit-feedback models under a top-k protocol. Use it for rating prediction.
//
// Fitting is single-threaded (rating data sets are small, and SGD runs several million updates a
// second at 100 factors), so a seed gives the same model whatever the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/factor_model.h"
#include "models/sgd.h"

namespace lmrec {

struct MfOptions {
  // Chosen on a seeded 5% validation carve of the MovieLens-100k u1-u5 train parts
  // (bench_mf_rmse --valid): RMSE falls from 50 to 100 factors and is flat beyond; λ = 0.1 is
  // five times Surprise's 0.02 because scores come from the fold-in, which solves the user side
  // exactly, where SGD stopped after a few epochs leaves it under-fitted (a regulariser of its
  // own). Early stopping on that carve picks 29-43 epochs at this step size.
  int64_t factors = 100;
  double learning_rate = 0.01;
  double lr_decay = 1.0;              // the step is multiplied by this after every epoch
  double regularization = 0.1;        // λ on p_u, q_i
  double bias_regularization = 0.02;  // λ_b on b_u, b_i
  int64_t epochs = 40;
  int64_t seed = 42;
  double init_scale = 0.1;  // factors start as N(0, init_scale²); biases start at 0
  // Early stopping on FitContext.validate (as for bpr); 0 = off.
  int64_t patience = 0;
  int64_t eval_every = 1;

  static MfOptions parse(const Options& options);
  Options to_options() const;
};

class MfRecommender : public FactorModel {
 public:
  explicit MfRecommender(MfOptions options = {});
  std::string name() const override { return "mf"; }
  Options options() const override { return options_.to_options(); }
  bool predicts_values() const override { return true; }
  // Throws ConfigError when the data holds implicit feedback (Dataset::explicit_values false)
  // and UsageError on a NaN or infinite rating. The epoch log's loss is the training RMSE.
  void fit(const Dataset& train, const FitContext& ctx) override;
  // Fold-in: b_u and p_u minimising the training objective over the context's ratings with the
  // item side fixed, in closed form (ridge regression on [1, q_i] against r - μ - b_i, with
  // penalties n λ_b and n λ for n ratings, since training decays them once per rating). A
  // context without values counts each item as rated at the highest training rating (a list
  // of liked items); NaN or infinite values are a UsageError. Returns μ + b_u.
  float user_vector(const UserContext& user, float* out) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  float global_mean() const { return global_mean_; }
  // The rating assumed for history items without a value.
  float unrated_value() const { return unrated_value_; }
  const std::vector<EpochLog>& training_log() const { return log_; }

 private:
  MfOptions options_;
  float global_mean_ = 0.0f, unrated_value_ = 0.0f;
  std::vector<EpochLog> log_;
};

}  // namespace lmrec
