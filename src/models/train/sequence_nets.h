// The encoders of the sequence models, built behind a torch-free declaration so that the model
// files stay light to compile.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace lmrec {

class SequenceNet;

// Item content for the item tower: item i's category ids are
// ids[offsets[i], offsets[i + 1]), over n_categories categories. Empty = ID-only items.
struct ItemContent {
  std::vector<int64_t> offsets, ids;
  int64_t n_categories = 0;
  bool empty() const { return ids.empty(); }
};

// Item text for the hybrid item table: unit text vectors [n_items × dim] (zero rows: no text)
// and which items keep an ID embedding (those the training data has; the others are
// represented by their text alone). dim 0 = ID-only items.
struct ItemText {
  int64_t dim = 0;
  std::vector<float> vectors;
  std::vector<uint8_t> has_id;  // [n_items]
  bool empty() const { return dim == 0; }
};

struct SequenceNetShape {
  int64_t n_items = 0, hidden = 64, layers = 2, heads = 2;
  int64_t positions = 51;  // learned position rows (the longest input)
  double dropout = 0.0;
  // Attention models: "pre" puts a LayerNorm before each sublayer (and one after the last
  // block); "post" after each residual sum and on the input embeddings, with N(0, 0.02)
  // initial weights, the layout of SASRec's and BSARec's reference code.
  bool post_norm = false;
  double attention_dropout = 0.0;  // attention models: dropout on the attention weights
  // Frequency branch of the attention blocks (see FrequencyFilter); 0 = attention only.
  double filter_alpha = 0.0;
  int64_t filter_cutoff = 5;
  bool filter_whole = false;  // the filter reads the whole input, not the past (FrequencyFilter)
  // HSTU: rows of the learned bias on the time gap between query and key, bucketed by
  // floor(log2(seconds)); 0 = none.
  int64_t time_buckets = 0;
  uint64_t seed = 0;
  ItemContent content;
  ItemText text;
};

// Self-attention blocks over item + position embeddings: causal (SASRec) or bidirectional over
// the non-padding positions (BERT4Rec).
std::shared_ptr<SequenceNet> make_transformer_net(const SequenceNetShape& shape, bool causal);
// HSTU blocks (Zhai et al., 2024): pointwise SiLU attention with a learned relative-position
// bias (and relative-time bias with shape.time_buckets), gated by a fourth projection, no
// feed-forward layer.
std::shared_ptr<SequenceNet> make_hstu_net(const SequenceNetShape& shape);
// A GRU or LSTM over the item embeddings (GRU4Rec; the LSTM sequence tower).
std::shared_ptr<SequenceNet> make_rnn_net(const SequenceNetShape& shape, bool lstm);

}  // namespace lmrec
