#include "models/train/sequence_net.h"

#include <cmath>
#include <limits>

#include "models/train/tensor_io.h"

namespace lmrec {

SequenceNet::SequenceNet(const SequenceNetShape& s) : n_items_(s.n_items), hidden_(s.hidden) {
  table = register_parameter("table", torch::empty({s.n_items + 2, s.hidden}));
  if (s.content.empty()) return;
  categories = register_parameter("categories", torch::empty({s.content.n_categories, s.hidden}));
  std::vector<int64_t> offsets = s.content.offsets;
  offsets.pop_back();  // embedding_bag takes the starts; padding and mask rows have none
  offsets.resize(static_cast<size_t>(s.n_items + 2), s.content.offsets.back());
  content_offsets_ = register_buffer("content_offsets", to_tensor(offsets, torch::kCPU));
  content_ids_ = register_buffer("content_ids", to_tensor(s.content.ids, torch::kCPU));
}

torch::Tensor SequenceNet::item_table() const {
  if (!categories.defined()) return table;
  namespace F = torch::nn::functional;
  return table + F::embedding_bag(
                     content_ids_, categories,
                     F::EmbeddingBagFuncOptions().offsets(content_offsets_).mode(torch::kMean));
}

torch::Tensor dropout(const torch::Tensor& x, double p, at::Generator* noise) {
  if (!noise || p <= 0) return x;
  auto keep = torch::empty_like(x).bernoulli_(1.0 - p, *noise);
  return x * keep * (1.0 / (1.0 - p));
}

torch::Tensor causal_mask(int64_t length, torch::Device device) {
  auto inf = std::numeric_limits<float>::infinity();
  return torch::full({length, length}, -inf, torch::TensorOptions().device(device)).triu(1);
}

torch::Tensor padding_mask(const torch::Tensor& lengths, int64_t length) {
  auto columns = torch::arange(length, lengths.options()).unsqueeze(0);
  auto is_pad = columns >= lengths.unsqueeze(1);  // [B × L]
  auto inf = std::numeric_limits<float>::infinity();
  auto mask = torch::zeros(is_pad.sizes(), torch::TensorOptions().device(lengths.device()));
  return mask.masked_fill(is_pad, -inf).view({is_pad.size(0), 1, 1, length});
}

AttentionBlockImpl::AttentionBlockImpl(int64_t hidden, int64_t heads_, int64_t inner_size)
    : heads(heads_) {
  norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  qkv = register_module("qkv", torch::nn::Linear(hidden, 3 * hidden));
  out = register_module("out", torch::nn::Linear(hidden, hidden));
  inner = register_module("inner", torch::nn::Linear(hidden, inner_size));
  outer = register_module("outer", torch::nn::Linear(inner_size, hidden));
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                          double p, at::Generator* noise) {
  int64_t b = x.size(0), l = x.size(1), d = x.size(2), dh = d / heads;
  auto split = [&](const torch::Tensor& t) { return t.view({b, l, heads, dh}).transpose(1, 2); };
  auto parts = qkv(norm1(x)).chunk(3, -1);
  auto q = split(parts[0]), k = split(parts[1]), v = split(parts[2]);
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(dh)));
  if (mask.defined()) scores = scores + mask;
  // No dropout on the attention weights: its mask is B·heads·L² draws, which dominates a step
  // at L = 200, while dropout on the embeddings and block outputs regularises as well.
  auto attention = torch::softmax(scores, -1);
  auto context = torch::matmul(attention, v).transpose(1, 2).reshape({b, l, d});
  auto h = x + dropout(out(context), p, noise);
  auto f = outer(dropout(torch::gelu(inner(norm2(h))), p, noise));
  return h + dropout(f, p, noise);
}

void init_parameters(SequenceNet& net, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator gen = make_generator(seed);
  for (auto& item : net.named_parameters()) {
    auto& t = item.value();
    const auto& name = item.key();
    if (name.ends_with("rab")) {
      t.zero_();  // relative-position biases start neutral
    } else if (name == "table" || name == "categories") {
      t.normal_(0, 1.0 / std::sqrt(static_cast<double>(t.size(1))), gen);
    } else if (t.dim() >= 2) {
      double a = std::sqrt(6.0 / static_cast<double>(t.size(0) + t.size(1)));
      t.uniform_(-a, a, gen);
    } else if (name.find("norm") != std::string::npos && name.ends_with("weight")) {
      t.fill_(1.0);
    } else {
      t.zero_();
    }
  }
}

}  // namespace lmrec
