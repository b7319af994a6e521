#include "models/lstm.h"

#include "models/train/sequence_nets.h"

namespace lmrec {

SequentialOptions LstmOptions::defaults() {
  SequentialOptions o;
  o.layers = 1;
  o.loss = "bce";
  return o;
}

SequentialOptions LstmOptions::parse(const Options& options) {
  return SequentialOptions::parse(options, "lstm", false, defaults());
}

std::shared_ptr<SequenceNet> LstmRecommender::make_net(int64_t n_items) const {
  return make_rnn_net(shape(n_items), true);
}

}  // namespace lmrec
