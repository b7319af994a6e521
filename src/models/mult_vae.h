// Variational and denoising autoencoders for collaborative filtering (Liang et al.,
// "Variational Autoencoders for Collaborative Filtering", WWW 2018). The input is the user's
// whole history as a multi-hot row x_u, L2-normalised and corrupted by input dropout; the
// output is a logit for every item, trained with the multinomial log-likelihood
//   -Σ_i x_ui log softmax(f(x_u))_i.
// multvae: encoder [n_items → hidden → 2·latent] (tanh) gives μ and log σ²; z = μ + σ ε while
// training, z = μ when scoring; decoder [latent → hidden → n_items]; the loss adds
// β · KL(q(z|x) || N(0, I)) with β annealed linearly from 0 by 1/total_anneal_steps per step up
// to anneal_cap.
// multdae: the same without sampling and KL; the paper's best shape has no hidden layer
// ([n_items → latent → n_items]), hence hidden = 0 by default.
//
// Scores come straight from the context's history, so unseen users need no fold-in. The first
// layer is an embedding bag over the history (a sparse product), and input dropout drops
// history entries rather than masking a dense row; the cost per user is dominated by the
// output layer, hidden × n_items multiply-adds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "models/recommender.h"
#include "models/train/train_options.h"

namespace lmrec {

struct AutoencoderOptions {
  bool variational = true;  // fixed by the model name
  int64_t hidden = 600;     // 0 = no hidden layer
  int64_t latent = 200;
  double dropout = 0.5;  // input dropout on the history entries while training
  // KL annealing (multvae only): β = min(anneal_cap, step / total_anneal_steps).
  int64_t total_anneal_steps = 200000;
  double anneal_cap = 0.2;
  // Adam 1e-3, batch 500, 200 epochs: the paper's settings.
  TrainOptions train = default_train();

  static TrainOptions default_train();
  Options to_options() const;

 protected:
  void parse_into(const Options& options, const std::string& model);
};

struct MultVaeOptions : AutoencoderOptions {
  static MultVaeOptions parse(const Options& options);
};

struct MultDaeOptions : AutoencoderOptions {
  MultDaeOptions() { variational = false, hidden = 0; }
  static MultDaeOptions parse(const Options& options);
};

class AutoencoderRecommender : public Recommender {
 public:
  explicit AutoencoderRecommender(AutoencoderOptions options);
  ~AutoencoderRecommender() override;
  std::string name() const override { return options_.variational ? "multvae" : "multdae"; }
  Options options() const override { return options_.to_options(); }
  void fit(const Dataset& data, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // Mean training loss of each epoch of the last fit.
  const std::vector<double>& epoch_losses() const { return losses_; }

  struct Net;

 private:
  AutoencoderOptions options_;
  int32_t n_items_ = 0;
  std::shared_ptr<Net> net_;  // null until fitted or loaded
  std::vector<double> losses_;
};

class MultVaeRecommender : public AutoencoderRecommender {
 public:
  explicit MultVaeRecommender(MultVaeOptions options = {}) : AutoencoderRecommender(options) {}
};

class MultDaeRecommender : public AutoencoderRecommender {
 public:
  explicit MultDaeRecommender(MultDaeOptions options = {}) : AutoencoderRecommender(options) {}
};

}  // namespace lmrec
