// The LSTM two-tower model: an LSTM sequence tower over the user's items and the item tower (the
// item table), matched by dot product; binary cross-entropy with a sampled negative per target
// (loss=bce, the default) or softmax. With content=true the item tower adds the mean embedding
// of the item's categories to its ID embedding, so the towers also match on content.
#pragma once

#include "models/sequential.h"

namespace lmrec {

struct LstmOptions {
  static SequentialOptions defaults();
  static SequentialOptions parse(const Options& options);
};

class LstmRecommender : public SequentialRecommender {
 public:
  explicit LstmRecommender(SequentialOptions options = LstmOptions::defaults())
      : SequentialRecommender("lstm", std::move(options), false) {}

 protected:
  std::shared_ptr<SequenceNet> make_net(int64_t n_items) const override;
};

}  // namespace lmrec
