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
  const auto& o = seq_options();
  SequenceNetShape shape{n_items, o.hidden, o.layers, o.heads, o.max_len + 1, o.dropout,
                         static_cast<uint64_t>(o.train.seed)};
  return make_transformer_net(shape, false);
}

}  // namespace lmrec
