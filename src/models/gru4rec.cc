#include "models/gru4rec.h"

#include "models/train/sequence_nets.h"

namespace lmrec {

SequentialOptions Gru4RecOptions::defaults() {
  SequentialOptions o;
  o.layers = 1;
  return o;
}

SequentialOptions Gru4RecOptions::parse(const Options& options) {
  return SequentialOptions::parse(options, "gru4rec", false, defaults());
}

std::shared_ptr<SequenceNet> Gru4RecRecommender::make_net(int64_t n_items) const {
  return make_rnn_net(shape(n_items), false);
}

}  // namespace lmrec
