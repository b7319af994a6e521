// SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018): causal
// self-attention over the user's recent items with learned positions and the item table tied
// between input and output. Trained by default with softmax cross-entropy over the whole
// catalogue at every position, which on the usual benchmarks beats the paper's binary
// cross-entropy with one negative by a wide margin (loss=bce keeps the paper's objective,
// loss=sampled the large-catalogue one).
#pragma once

#include "models/sequential.h"

namespace lmrec {

struct SasRecOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class SasRecRecommender : public SequentialRecommender {
 public:
  explicit SasRecRecommender(SequentialOptions options = SasRecOptions::defaults())
      : SequentialRecommender("sasrec", std::move(options), false) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
