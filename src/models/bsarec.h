// BSARec (Shin et al., "An Attentive Inductive Bias for Sequential Recommendation beyond the
// Self-Attention", AAAI 2024): SASRec whose every block mixes self-attention with a frequency
// branch (the sequence's lowest frequencies kept, the rest rescaled by a learned β; see
// FrequencyFilter). The defaults are the paper's recipe: post-norm blocks over a LayerNorm'd
// input, one head, dropout 0.5 on the hidden states and the attention weights, α = 0.7,
// cutoff 5, Adam at 5e-4 in batches of 256, each target trained from its own prefix
// (samples=auto picks prefixes where they pay, as on Amazon's data). The filter is causal by
// default: BSARec's whole-prefix filter (filter_span=auto or whole) scored the same on Beauty's
// validation and costs 12% more time per epoch.
#pragma once

#include "models/sasrec.h"

namespace lmrec {

struct BsaRecOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class BsaRecRecommender : public SequentialRecommender {
 public:
  explicit BsaRecRecommender(SequentialOptions options = BsaRecOptions::defaults())
      : SequentialRecommender("bsarec", std::move(options), false) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
