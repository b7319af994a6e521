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
  const auto& o = seq_options();
  SequenceNetShape shape{n_items, o.hidden, o.layers, o.heads, o.max_len + 1, o.dropout,
                         static_cast<uint64_t>(o.train.seed)};
  return make_rnn_net(shape, true);
}

}  // namespace lmrec
