// The networks of the sequence models share one shape: an item table, an encoder from a batch
// of item sequences to one hidden state per position, and tied output scores (the hidden state
// times the item table). This header holds that interface and the blocks the encoders are made
// of; each model's file builds its own encoder from them.
//
// Shapes: inputs and positions [B × L] int64 (see sequence_batches.h for the layout: rows
// left-aligned, positions 0 = newest), lengths [B]; hidden states [B × L × D].
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "models/train/sequence_nets.h"

namespace lmrec {

class SequenceNet : public torch::nn::Module {
 public:
  // Rows 0..n_items-1 are items, n_items is padding, n_items + 1 the mask token. With content,
  // an item's representation adds the mean embedding of its categories (the item tower); with
  // text, it is its ID embedding (items the training data has) plus a learned projection of its
  // text vector, so an item nobody has interacted with is still placed by its text.
  explicit SequenceNet(const SequenceNetShape& shape);
  int64_t n_items() const { return n_items_; }
  int64_t hidden() const { return hidden_; }
  int64_t pad() const { return n_items_; }
  int64_t mask() const { return n_items_ + 1; }
  // Every row's representation [n_items + 2 × D]: the inputs read it, and its first n_items
  // rows score the outputs (tied). `id_keep` [n_items + 2 × 1] (with text; optional) scales the
  // ID embeddings: dropping some in training teaches the text projection to stand alone.
  torch::Tensor item_table(const torch::Tensor& id_keep = {}) const;
  torch::Tensor item_matrix(const torch::Tensor& id_keep = {}) const {
    return item_table(id_keep).narrow(0, 0, n_items_);
  }
  bool has_text() const { return text_projection.defined(); }
  // [n_items] bool, true for the items without an ID embedding; undefined without text.
  torch::Tensor text_only_items() const;
  // Hidden states [B × L × D] of `inputs` [B × L] at `positions` [B × L], rows of `lengths`
  // [B]; `times` [B × L] (event times, optional) feed a time bias where the network has one.
  // `noise` turns dropout on (training) and feeds it.
  virtual torch::Tensor encode(const torch::Tensor& inputs, const torch::Tensor& positions,
                               const torch::Tensor& lengths, const torch::Tensor& times,
                               at::Generator* noise) = 0;
  // The hidden state [B × D] at each row's newest input (lengths − 1): what scoring a user and
  // prefix training read. Attention networks skip the last block's work on the other rows.
  virtual torch::Tensor encode_newest(const torch::Tensor& inputs, const torch::Tensor& positions,
                                      const torch::Tensor& lengths, const torch::Tensor& times,
                                      at::Generator* noise);
  // Switches attention between causal and bidirectional (masked-item pretraining of a causal
  // model); false when the network has no such switch.
  virtual bool set_causal(bool) { return false; }

  torch::Tensor table;            // [n_items + 2 × D]
  torch::Tensor categories;       // [n_categories × D], with content only
  torch::Tensor text_projection;  // [text dim × D], with text only

 private:
  int64_t n_items_, hidden_;
  torch::Tensor content_offsets_, content_ids_;  // [n_items + 2], [entries]
  torch::Tensor text_, has_id_;                  // [n_items + 2 × text dim], [n_items + 2 × 1]
};

// Row rows[b] of x[b]: [B × L × D], [B] -> [B × 1 × D].
torch::Tensor row_at(const torch::Tensor& x, const torch::Tensor& rows);

// Inverted dropout drawing its mask from `noise`; the identity when noise is null or p is 0.
torch::Tensor dropout(const torch::Tensor& x, double p, at::Generator* noise);

// [L × L] additive mask: 0 where key j <= query i, -inf above the diagonal.
torch::Tensor causal_mask(int64_t length, torch::Device device);
// [B × L] boolean: true at the padding positions of left-aligned rows of `lengths` [B].
torch::Tensor padding_map(const torch::Tensor& lengths, int64_t length);
// [B × 1 × 1 × L] additive mask hiding the padding keys of each row.
torch::Tensor padding_mask(const torch::Tensor& lengths, int64_t length);

// The frequency branch of BSARec (Shin et al., 2024) made causal. BSARec splits a sequence into
// its lowest frequencies (the first cutoff/2 + 1 of an orthonormal FFT over `period` positions)
// and the rest, and rescales the rest by a learned β² per dimension: low + β²·(x − low). At a
// history's newest position, with the history left-padded to `period` by zeros as BSARec does,
// that low-pass is a convolution with a fixed kernel k(d) over the positions d steps back.
// Applying the same kernel causally at every position gives every position the filter its own
// prefix would get, so all positions can be trained at once without seeing the future.
// `whole` applies BSARec's circulant instead, k((i − j) mod period): every position reads the
// whole input, later positions too. That is what BSARec's earlier positions get, and it is
// sound only where no position's target is in the input (each prefix read alone, or a
// bidirectional network). The newest position gets the same filter either way.
struct FrequencyFilterImpl : torch::nn::Module {
  FrequencyFilterImpl(int64_t hidden, int64_t cutoff, int64_t period, bool whole = false);
  // [B × L × D] -> [B × L × D], L <= period + 1. `valid` [B × L × 1]: 1 at real rows, 0 at
  // padding, which a whole-span filter must not read (undefined: every row is real).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid = {});
  // Row rows[b] of forward(x)[b] only: [B × L × D], [B] -> [B × 1 × D].
  torch::Tensor forward_at(const torch::Tensor& x, const torch::Tensor& rows,
                           const torch::Tensor& valid = {});

  torch::Tensor sqrt_beta;  // [D]
  torch::Tensor kernel;     // [period + 1 × period + 1]: lower-triangular Toeplitz, or circulant
};
TORCH_MODULE(FrequencyFilter);

// Multi-head self-attention + position-wise feed-forward block, pre-norm:
//   x += drop(attention(LN(x))), x += drop(W2 drop(gelu(W1 LN(x)))),
// or post-norm (BSARec's layout, without the dropout inside the feed-forward layer):
//   x = LN(x + drop(attention(x))), x = LN(x + drop(W2 gelu(W1 x))).
// With a frequency branch (filter_alpha > 0) the first step mixes the two as BSARec does:
//   pre:  x += drop((1 − α)·attention(LN(x)) + α·filter(LN(x))),
//   post: x = (1 − α)·LN(x + drop(attention(x))) + α·LN'(x + drop(filter(x))).
struct AttentionBlockOptions {
  int64_t hidden = 64, heads = 2, inner = 256;
  bool post_norm = false;
  double attention_dropout = 0;
  double filter_alpha = 0;
  int64_t filter_cutoff = 5, period = 0;
  bool filter_whole = false;  // FrequencyFilter's `whole`
};

struct AttentionBlockImpl : torch::nn::Module {
  explicit AttentionBlockImpl(const AttentionBlockOptions& options);
  // mask: additive, broadcastable to [B × heads × L × L], or undefined. With `rows` [B], only
  // row rows[b] of each sequence is computed ([B × 1 × D]), attending to every key the mask
  // lets through (pass the padding mask). `valid` [B × L × 1] marks the real rows for a
  // whole-span filter.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, double p,
                        at::Generator* noise, const torch::Tensor& rows = {},
                        const torch::Tensor& valid = {});

  AttentionBlockOptions options;
  FrequencyFilter filter{nullptr};
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm_filter{nullptr};
  torch::nn::Linear qkv{nullptr}, out{nullptr}, inner{nullptr}, outer{nullptr};

 private:
  // The queries of `zq` [B × Q × D] attending to the keys and values of `z` [B × L × D].
  torch::Tensor attend(const torch::Tensor& zq, const torch::Tensor& z, const torch::Tensor& mask,
                       at::Generator* noise);
};
TORCH_MODULE(AttentionBlock);

// Initialises every parameter of `net` from `seed`: vectors (biases) zero, LayerNorm gains one,
// the frequency branches' √β N(0, 1) (as BSARec); with std = 0, matrices Xavier-uniform and the
// item table N(0, 1/D) so that the tied scores start near zero, else every matrix N(0, std²).
void init_parameters(SequenceNet& net, uint64_t seed, double std = 0);

}  // namespace lmrec
