#include "models/train/sequence_nets.h"

#include <cmath>

#include "core/errors.h"
#include "models/train/sequence_net.h"

namespace lmrec {

namespace {

namespace F = torch::nn::functional;

// Item embeddings scaled by √D (as in SASRec) plus learned position embeddings, with dropout;
// post-norm networks normalise the sum instead of scaling the items (BSARec's layout).
class PositionalInput {
 public:
  PositionalInput(SequenceNet& net, const SequenceNetShape& s)
      : scale_(s.post_norm ? 1.0 : std::sqrt(double(s.hidden))) {
    positions_ = net.register_parameter("positions", torch::empty({s.positions, s.hidden}));
    if (s.post_norm)
      norm_ = net.register_module("input_norm",
                                  torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.hidden})));
  }
  torch::Tensor operator()(SequenceNet& net, const torch::Tensor& inputs,
                           const torch::Tensor& positions, double p, at::Generator* noise) const {
    auto x = F::embedding(inputs, net.item_table()) * scale_ + F::embedding(positions, positions_);
    return dropout(norm_ ? norm_(x) : x, p, noise);
  }

 private:
  double scale_;
  torch::Tensor positions_;
  mutable torch::nn::LayerNorm norm_{nullptr};
};

class TransformerNet : public SequenceNet {
 public:
  TransformerNet(const SequenceNetShape& s, bool causal)
      : SequenceNet(s), input_(*this, s), causal_(causal), p_(s.dropout) {
    AttentionBlockOptions block{
        s.hidden,       s.heads,         4 * s.hidden,    s.post_norm,   s.attention_dropout,
        s.filter_alpha, s.filter_cutoff, s.positions - 1, s.filter_whole};
    whole_filter_ = s.filter_alpha > 0 && s.filter_whole;
    for (int64_t l = 0; l < s.layers; ++l)
      blocks_.push_back(register_module("block" + std::to_string(l), AttentionBlock(block)));
    if (!s.post_norm)
      final_norm_ = register_module("final_norm",
                                    torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.hidden})));
    // Post-norm blocks start as BERT and BSARec start theirs, every matrix N(0, 0.02²), since
    // that recipe is what their published figures were trained from.
    init_parameters(*this, s.seed, s.post_norm ? 0.02 : 0.0);
  }
  torch::Tensor encode(const torch::Tensor& inputs, const torch::Tensor& positions,
                       const torch::Tensor& lengths, const torch::Tensor&,
                       at::Generator* noise) override {
    return run(inputs, positions, lengths, noise, false);
  }
  torch::Tensor encode_newest(const torch::Tensor& inputs, const torch::Tensor& positions,
                              const torch::Tensor& lengths, const torch::Tensor&,
                              at::Generator* noise) override {
    return run(inputs, positions, lengths, noise, true);
  }
  bool set_causal(bool causal) override {
    causal_ = causal;
    return true;
  }

 private:
  // Every position's state [B × L × D], or only each row's newest [B × D], for which the last
  // block computes that row alone.
  torch::Tensor run(const torch::Tensor& inputs, const torch::Tensor& positions,
                    const torch::Tensor& lengths, at::Generator* noise, bool newest) {
    auto x = input_(*this, inputs, positions, p_, noise);
    int64_t l = inputs.size(1);
    // Rows are left-aligned, so a causal query never reaches padding, and the newest input's
    // causal keys are exactly the non-padding ones.
    auto mask = causal_ ? causal_mask(l, inputs.device()) : padding_mask(lengths, l);
    torch::Tensor valid;  // the rows a whole-span filter may read
    if (whole_filter_) valid = padding_map(lengths, l).logical_not().unsqueeze(2).to(x.dtype());
    size_t full = blocks_.size() - (newest ? 1 : 0);
    for (size_t b = 0; b < full; ++b) x = blocks_[b]->forward(x, mask, p_, noise, {}, valid);
    if (newest)
      x = blocks_.back()
              ->forward(x, padding_mask(lengths, l), p_, noise, lengths - 1, valid)
              .squeeze(1);
    return final_norm_ ? final_norm_(x) : x;
  }

  PositionalInput input_;
  bool causal_, whole_filter_;
  double p_;
  std::vector<AttentionBlock> blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
};

struct HstuBlockImpl : torch::nn::Module {
  HstuBlockImpl(const SequenceNetShape& s) : heads(s.heads), span(s.positions - 1) {
    if (s.time_buckets > 0)
      rab_time = register_parameter("rab_time", torch::zeros({s.heads, s.time_buckets}));
    norm_in =
        register_module("norm_in", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.hidden})));
    norm_attn =
        register_module("norm_attn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.hidden})));
    uvqk = register_module("uvqk", torch::nn::Linear(s.hidden, 4 * s.hidden));
    out = register_module("out", torch::nn::Linear(s.hidden, s.hidden));
    rab = register_parameter("rab", torch::zeros({s.heads, s.positions}));
  }
  // x [B × L × D]; causal with left-aligned rows. The attention weights are SiLU(qk + bias)
  // divided by the longest input length, a constant, so that a row's output does not depend
  // on how much padding follows it. `gaps` [B × L × L]: time-bias rows (with rab_time).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& gaps, double p,
                        at::Generator* noise) {
    int64_t b = x.size(0), l = x.size(1), d = x.size(2), dh = d / heads;
    auto parts = torch::silu(uvqk(norm_in(x))).chunk(4, -1);
    auto split = [&](const torch::Tensor& t) { return t.view({b, l, heads, dh}).transpose(1, 2); };
    auto q = split(parts[2]), k = split(parts[3]), v = split(parts[1]);
    auto ids = torch::arange(l, torch::TensorOptions().dtype(torch::kLong).device(x.device()));
    auto distance = (ids.unsqueeze(1) - ids.unsqueeze(0)).clamp(0, span);  // [L × L]
    auto bias = rab.index_select(1, distance.reshape(-1)).view({heads, l, l});
    if (rab_time.defined())  // [H × B × L × L] -> [B × H × L × L]
      bias =
          bias + rab_time.index_select(1, gaps.reshape(-1)).view({heads, b, l, l}).transpose(0, 1);
    auto causal = torch::ones({l, l}, x.options()).tril();
    auto weights = torch::silu(torch::matmul(q, k.transpose(-2, -1)) + bias) * causal *
                   (1.0 / static_cast<double>(span + 1));
    auto context = torch::matmul(weights, v).transpose(1, 2).reshape({b, l, d});
    return x + dropout(out(norm_attn(context) * parts[0]), p, noise);
  }
  int64_t heads, span;
  torch::nn::LayerNorm norm_in{nullptr}, norm_attn{nullptr};
  torch::nn::Linear uvqk{nullptr}, out{nullptr};
  torch::Tensor rab, rab_time;
};
TORCH_MODULE(HstuBlock);

// The time-bias row of every (query, key) pair: floor(log2(query time − key time)) in seconds,
// gaps under two seconds (and missing times) in row 0, the longest in the last row.
torch::Tensor time_gap_buckets(const torch::Tensor& times, int64_t rows) {
  auto gaps = (times.unsqueeze(2) - times.unsqueeze(1)).clamp_min(1).to(torch::kDouble);
  return gaps.log2().floor().clamp(0, static_cast<double>(rows - 1)).to(torch::kLong);
}

class HstuNet : public SequenceNet {
 public:
  explicit HstuNet(const SequenceNetShape& s)
      : SequenceNet(s), input_(*this, s), p_(s.dropout), time_buckets_(s.time_buckets) {
    for (int64_t l = 0; l < s.layers; ++l)
      blocks_.push_back(register_module("block" + std::to_string(l), HstuBlock(s)));
    final_norm_ = register_module("final_norm",
                                  torch::nn::LayerNorm(torch::nn::LayerNormOptions({s.hidden})));
    init_parameters(*this, s.seed);
  }
  torch::Tensor encode(const torch::Tensor& inputs, const torch::Tensor& positions,
                       const torch::Tensor&, const torch::Tensor& times,
                       at::Generator* noise) override {
    auto x = input_(*this, inputs, positions, p_, noise);
    torch::Tensor gaps;
    if (time_buckets_ > 0)
      gaps = time_gap_buckets(times.defined() ? times : torch::zeros_like(inputs), time_buckets_);
    for (auto& block : blocks_) x = block->forward(x, gaps, p_, noise);
    return final_norm_(x);
  }

 private:
  PositionalInput input_;
  double p_;
  int64_t time_buckets_;
  std::vector<HstuBlock> blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
};

class RnnNet : public SequenceNet {
 public:
  RnnNet(const SequenceNetShape& s, bool lstm) : SequenceNet(s), lstm_(lstm), p_(s.dropout) {
    if (lstm)
      lstm_layer_ = register_module(
          "rnn",
          torch::nn::LSTM(
              torch::nn::LSTMOptions(s.hidden, s.hidden).num_layers(s.layers).batch_first(true)));
    else
      gru_layer_ = register_module(
          "rnn",
          torch::nn::GRU(
              torch::nn::GRUOptions(s.hidden, s.hidden).num_layers(s.layers).batch_first(true)));
    init_parameters(*this, s.seed);
  }
  // Rows are left-aligned, so the state at a real position has never seen padding.
  torch::Tensor encode(const torch::Tensor& inputs, const torch::Tensor&, const torch::Tensor&,
                       const torch::Tensor&, at::Generator* noise) override {
    auto x = dropout(F::embedding(inputs, item_table()), p_, noise);
    auto h = lstm_ ? std::get<0>(lstm_layer_->forward(x)) : std::get<0>(gru_layer_->forward(x));
    return dropout(h, p_, noise);
  }

 private:
  bool lstm_;
  double p_;
  torch::nn::LSTM lstm_layer_{nullptr};
  torch::nn::GRU gru_layer_{nullptr};
};

}  // namespace

std::shared_ptr<SequenceNet> make_transformer_net(const SequenceNetShape& shape, bool causal) {
  return std::make_shared<TransformerNet>(shape, causal);
}

// The options only the attention blocks read.
static void check_attention_only(const SequenceNetShape& shape) {
  LMREC_CHECK(shape.filter_alpha == 0 && !shape.post_norm && shape.attention_dropout == 0,
              ConfigError, "filter_alpha, norm and attention_dropout apply to sasrec and bert4rec");
}

std::shared_ptr<SequenceNet> make_hstu_net(const SequenceNetShape& shape) {
  check_attention_only(shape);
  return std::make_shared<HstuNet>(shape);
}

std::shared_ptr<SequenceNet> make_rnn_net(const SequenceNetShape& shape, bool lstm) {
  check_attention_only(shape);
  return std::make_shared<RnnNet>(shape, lstm);
}

}  // namespace lmrec
