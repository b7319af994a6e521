// HSTU-style generative recommender (Zhai et al., "Actions Speak Louder than Words", ICML 2024):
// blocks of pointwise aggregated attention, SiLU(qkᵀ + relative-position bias, plus a
// relative-time bias with time_bias=true) instead of a softmax, gated elementwise by a fourth
// projection of the input, without a feed-forward layer; causal, trained on next-item
// prediction like SASRec.
#pragma once

#include "models/sequential.h"

namespace lmrec {

struct HstuOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class HstuRecommender : public SequentialRecommender {
 public:
  explicit HstuRecommender(SequentialOptions options = HstuOptions::defaults())
      : SequentialRecommender("hstu", std::move(options), false) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
