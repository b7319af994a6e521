#include "models/bert4rec.h"

#include "models/train/sequence_nets.h"

namespace lmrec {

SequentialOptions Bert4RecOptions::defaults() {
  SequentialOptions o;
  o.mask_probability = 0.2;
  return o;
}

SequentialOptions Bert4RecOptions::parse(const Options& options) {
  return SequentialOptions::parse(options, "bert4rec", true, defaults());
}

std::shared_ptr<SequenceNet> Bert4RecRecommender::make_net(int64_t n_items) const {
  return make_transformer_net(shape(n_items), false);
}

}  // namespace lmrec
