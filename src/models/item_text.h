// The text side of the hybrid sequence models: every item's text vector from the sentence
// encoder (as the semantic model embeds the catalogue) and which items the training data has.
#pragma once

#include <string>

#include "models/recommender.h"
#include "models/train/sequence_nets.h"

namespace lmrec {

struct ItemTextOptions {
  std::string encoder = "use-lite";
  std::string model_dir;  // the encoder's weights; empty: its default place
  std::string cache;      // embedding cache file; empty: none
};

// Throws ConfigError when no item of `train` has text.
ItemText item_text(const Dataset& train, const ItemTextOptions& options, const FitContext& ctx,
                   const std::string& model);

}  // namespace lmrec
