#include "models/sasrec.h"

#include "models/train/sequence_nets.h"

namespace lmrec {

SequentialOptions SasRecOptions::defaults() {
  SequentialOptions o;
  // The defaults: two blocks of width 64 over the 50 newest items, dropout 0.3, prefix samples
  // where they pay (see SequentialOptions::samples).
  o.samples = "auto";
  return o;
}

SequentialOptions SasRecOptions::parse(const Options& options) {
  return SequentialOptions::parse(options, "sasrec", false, defaults());
}

std::shared_ptr<SequenceNet> SasRecRecommender::make_net(int64_t n_items) const {
  return make_transformer_net(shape(n_items), true);
}

}  // namespace lmrec
