// A model followed by a reranker, as one Recommender: for each user the base model's top
// `candidates` items outside the history are reranked to `k`, and the scores rank that list
// first, in its order, and every other item after it in the base order, so the evaluator's
// metrics measure the reranked list.
#pragma once

#include <memory>

#include "models/recommender.h"
#include "rerank/reranker.h"

namespace lmrec {

struct RerankedOptions {
  int candidates = 100;
  int k = 20;
};

class RerankedRecommender : public Recommender {
 public:
  // `model` must outlive this; throws ConfigError unless candidates and k are > 0.
  RerankedRecommender(const Recommender& model, std::shared_ptr<const Reranker> reranker,
                      RerankedOptions options = {});
  std::string name() const override { return model_.name() + "+" + reranker_->name(); }
  Options options() const override { return model_.options(); }
  void fit(const Dataset&, const FitContext&) override;
  int32_t n_items() const override { return model_.n_items(); }
  // Safe from several threads at once when the base model's score() is.
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string&) const override;
  void load_weights(const std::string&) override;

 private:
  void rewrite(const UserContext& user, float* row) const;

  const Recommender& model_;
  std::shared_ptr<const Reranker> reranker_;
  RerankedOptions options_;
};

}  // namespace lmrec
