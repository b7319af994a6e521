// BERT4Rec (Sun et al., CIKM 2019): bidirectional self-attention trained to recover masked items
// of the user's recent history (the Cloze task); at inference a mask token is appended after
// the history and its prediction scores every item.
#pragma once

#include "models/sequential.h"

namespace lmrec {

struct Bert4RecOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class Bert4RecRecommender : public SequentialRecommender {
 public:
  explicit Bert4RecRecommender(SequentialOptions options = Bert4RecOptions::defaults())
      : SequentialRecommender("bert4rec", std::move(options), true) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
