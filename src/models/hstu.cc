#include "models/hstu.h"

#include "models/train/sequence_nets.h"

namespace lmrec {

SequentialOptions HstuOptions::defaults() {
  SequentialOptions o;
  o.dropout = 0.2;
  return o;
}

SequentialOptions HstuOptions::parse(const Options& options) {
  return SequentialOptions::parse(options, "hstu", false, defaults());
}

std::shared_ptr<SequenceNet> HstuRecommender::make_net(int64_t n_items) const {
  const auto& o = seq_options();
  SequenceNetShape shape{n_items, o.hidden, o.layers, o.heads, o.max_len + 1, o.dropout,
                         static_cast<uint64_t>(o.train.seed)};
  return make_hstu_net(shape);
}

}  // namespace lmrec
