// GRU4Rec (Hidasi et al., ICLR 2016) in its current form: a GRU over the user's item sequence
// whose state scores every item through the tied item table, trained on next-item prediction
// with softmax cross-entropy (or sampled softmax / BCE, as for SASRec).
#pragma once

#include "models/sequential.h"

namespace lmrec {

struct Gru4RecOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class Gru4RecRecommender : public SequentialRecommender {
 public:
  explicit Gru4RecRecommender(SequentialOptions options = Gru4RecOptions::defaults())
      : SequentialRecommender("gru4rec", std::move(options), false) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
