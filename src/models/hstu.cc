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
  return make_hstu_net(shape(n_items));
}

}  // namespace lmrec
