// Generative augmentation for the sequence models: a trained model continues the histories of
// the users with the fewest interactions by sampling from its own next-item distribution, and
// the continuations become extra, down-weighted training sequences. The observed items of such
// a sequence are context only (weight 0, they are already targets in the real data); only the
// generated items are targets, at `weight`.
#pragma once

#include <cstdint>

#include "models/recommender.h"
#include "models/train/sequence_batches.h"

namespace lmrec {

struct AugmentOptions {
  int64_t length = 0;        // items generated per history; 0 = no augmentation
  int64_t max_history = 10;  // only histories of 1..max_history items are continued
  double weight = 0.5;       // loss weight of each generated target (real targets weigh 1)
  double temperature = 1.0;  // sampling from softmax(scores / temperature)
  int64_t max_len = 50;      // a window keeps at most max_len + 1 items, the newest
  uint64_t seed = 1;
};

// One window per continued user: the newest observed items (weight 0) then `length` items
// drawn one at a time from `model`, each conditioned on everything before it and never an item
// already in the window. `model` must be fitted on `data`'s items.
SequenceWindows generated_continuations(const Recommender& model, const Dataset& data,
                                        const AugmentOptions& options);

}  // namespace lmrec
