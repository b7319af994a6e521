#include "models/train/sequence_net.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "models/train/tensor_io.h"

namespace lmrec {

SequenceNet::SequenceNet(const SequenceNetShape& s) : n_items_(s.n_items), hidden_(s.hidden) {
  table = register_parameter("table", torch::empty({s.n_items + 2, s.hidden}));
  if (!s.text.empty()) {
    text_projection = register_parameter("text_projection", torch::empty({s.text.dim, s.hidden}));
    auto rows = static_cast<size_t>(s.n_items) * static_cast<size_t>(s.text.dim);
    auto vectors = torch::zeros({s.n_items + 2, s.text.dim});
    std::memcpy(vectors.data_ptr<float>(), s.text.vectors.data(), rows * sizeof(float));
    text_ = register_buffer("text", vectors);
    auto has_id = torch::ones({s.n_items + 2, 1});
    auto flag = has_id.accessor<float, 2>();
    for (int64_t i = 0; i < s.n_items; ++i) flag[i][0] = static_cast<float>(s.text.has_id[i]);
    has_id_ = register_buffer("has_id", has_id);
  }
  if (s.content.empty()) return;
  categories = register_parameter("categories", torch::empty({s.content.n_categories, s.hidden}));
  std::vector<int64_t> offsets = s.content.offsets;
  offsets.pop_back();  // embedding_bag takes the starts; padding and mask rows have none
  offsets.resize(static_cast<size_t>(s.n_items + 2), s.content.offsets.back());
  content_offsets_ = register_buffer("content_offsets", to_tensor(offsets, torch::kCPU));
  content_ids_ = register_buffer("content_ids", to_tensor(s.content.ids, torch::kCPU));
}

torch::Tensor SequenceNet::item_table(const torch::Tensor& id_keep) const {
  auto rows = table;
  if (has_text())
    rows = rows * (id_keep.defined() ? has_id_ * id_keep : has_id_) + text_.mm(text_projection);
  if (!categories.defined()) return rows;
  namespace F = torch::nn::functional;
  return rows + F::embedding_bag(
                    content_ids_, categories,
                    F::EmbeddingBagFuncOptions().offsets(content_offsets_).mode(torch::kMean));
}

torch::Tensor SequenceNet::text_only_items() const {
  if (!has_text()) return {};
  return has_id_.narrow(0, 0, n_items_).squeeze(1).eq(0);
}

torch::Tensor SequenceNet::encode_newest(const torch::Tensor& inputs,
                                         const torch::Tensor& positions,
                                         const torch::Tensor& lengths, const torch::Tensor& times,
                                         at::Generator* noise) {
  return row_at(encode(inputs, positions, lengths, times, noise), lengths - 1).squeeze(1);
}

torch::Tensor row_at(const torch::Tensor& x, const torch::Tensor& rows) {
  return x.gather(1, rows.view({-1, 1, 1}).expand({x.size(0), 1, x.size(2)}));
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

torch::Tensor padding_map(const torch::Tensor& lengths, int64_t length) {
  return torch::arange(length, lengths.options()).unsqueeze(0) >= lengths.unsqueeze(1);
}

torch::Tensor padding_mask(const torch::Tensor& lengths, int64_t length) {
  auto is_pad = padding_map(lengths, length);
  auto inf = std::numeric_limits<float>::infinity();
  auto mask = torch::zeros(is_pad.sizes(), torch::TensorOptions().device(lengths.device()));
  return mask.masked_fill(is_pad, -inf).view({is_pad.size(0), 1, 1, length});
}

FrequencyFilterImpl::FrequencyFilterImpl(int64_t hidden, int64_t cutoff, int64_t period,
                                         bool whole) {
  sqrt_beta = register_parameter("sqrt_beta", torch::empty({hidden}));
  // Orthonormal rfft, zero every frequency from `kept` on, irfft: x -> P x with the circulant
  // projection P[i][j] = k(i - j), k(d) = (1 + 2 Σ_{f=1}^{kept-1} cos(2π f d / N)) / N.
  int64_t kept = std::min(cutoff / 2 + 1, period / 2);
  // One row more than the period: a masked model's input adds the mask token.
  int64_t rows = period + 1;
  std::vector<float> k(static_cast<size_t>(rows));
  for (int64_t d = 0; d < rows; ++d) {
    double sum = 1;
    for (int64_t f = 1; f < kept; ++f)
      sum += 2 * std::cos(2 * M_PI * double(f * d) / double(period));
    k[static_cast<size_t>(d)] = static_cast<float>(sum / double(period));
  }
  auto lag = torch::arange(rows).unsqueeze(1) - torch::arange(rows).unsqueeze(0);
  auto taps = torch::from_blob(k.data(), {rows}).clone();
  kernel = whole ? taps.index({lag.remainder(period)}) : taps.index({lag.clamp(0)}) * lag.ge(0);
}

torch::Tensor FrequencyFilterImpl::forward(const torch::Tensor& x, const torch::Tensor& valid) {
  int64_t l = x.size(1);
  auto low = torch::matmul(kernel.narrow(0, 0, l).narrow(1, 0, l).to(x.device()),
                           valid.defined() ? x * valid : x);
  return low + sqrt_beta.square() * (x - low);
}

torch::Tensor FrequencyFilterImpl::forward_at(const torch::Tensor& x, const torch::Tensor& rows,
                                              const torch::Tensor& valid) {
  auto weights = kernel.to(x.device()).index_select(0, rows).narrow(1, 0, x.size(1));  // [B × L]
  auto low = torch::bmm(weights.unsqueeze(1), valid.defined() ? x * valid : x);
  return low + sqrt_beta.square() * (row_at(x, rows) - low);
}

AttentionBlockImpl::AttentionBlockImpl(const AttentionBlockOptions& o) : options(o) {
  auto layer_norm = [&](const std::string& name) {
    return register_module(name, torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.hidden})));
  };
  if (o.filter_alpha > 0) {
    filter = register_module("filter",
                             FrequencyFilter(o.hidden, o.filter_cutoff, o.period, o.filter_whole));
    if (o.post_norm) norm_filter = layer_norm("norm_filter");
  }
  norm1 = layer_norm("norm1");
  norm2 = layer_norm("norm2");
  qkv = register_module("qkv", torch::nn::Linear(o.hidden, 3 * o.hidden));
  out = register_module("out", torch::nn::Linear(o.hidden, o.hidden));
  inner = register_module("inner", torch::nn::Linear(o.hidden, o.inner));
  outer = register_module("outer", torch::nn::Linear(o.inner, o.hidden));
}

torch::Tensor AttentionBlockImpl::attend(const torch::Tensor& zq, const torch::Tensor& z,
                                         const torch::Tensor& mask, at::Generator* noise) {
  int64_t b = z.size(0), d = z.size(2), heads = options.heads, dh = d / heads;
  auto split = [&](const torch::Tensor& t) {
    return t.view({b, t.size(1), heads, dh}).transpose(1, 2);
  };
  torch::Tensor q, k, v;
  if (zq.is_same(z)) {
    auto parts = qkv(z).chunk(3, -1);
    q = parts[0], k = parts[1], v = parts[2];
  } else {  // fewer queries than keys: project each side with its part of the weights
    namespace F = torch::nn::functional;
    q = F::linear(zq, qkv->weight.narrow(0, 0, d), qkv->bias.narrow(0, 0, d));
    auto kv = F::linear(z, qkv->weight.narrow(0, d, 2 * d), qkv->bias.narrow(0, d, 2 * d));
    k = kv.narrow(-1, 0, d), v = kv.narrow(-1, d, d);
  }
  q = split(q), k = split(k), v = split(v);
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(dh)));
  if (mask.defined()) scores = scores + mask;
  // Off by default: the mask is B·heads·L² draws, which dominates a step at L = 200.
  auto attention = dropout(torch::softmax(scores, -1), options.attention_dropout, noise);
  auto context = torch::matmul(attention, v).transpose(1, 2).reshape({b, zq.size(1), d});
  return out(context);
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                          double p, at::Generator* noise, const torch::Tensor& rows,
                                          const torch::Tensor& valid) {
  auto query = [&](const torch::Tensor& t) { return rows.defined() ? row_at(t, rows) : t; };
  auto filtered = [&](const torch::Tensor& t) {
    return rows.defined() ? filter->forward_at(t, rows, valid) : filter->forward(t, valid);
  };
  double alpha = options.filter_alpha;
  if (!options.post_norm) {
    auto z = norm1(x);
    auto mixed = attend(query(z), z, mask, noise);
    if (filter) mixed = (1 - alpha) * mixed + alpha * filtered(z);
    auto h = query(x) + dropout(mixed, p, noise);
    return h + dropout(outer(dropout(torch::gelu(inner(norm2(h))), p, noise)), p, noise);
  }
  auto xq = query(x);
  auto h = norm1(xq + dropout(attend(xq, x, mask, noise), p, noise));
  if (filter) h = (1 - alpha) * h + alpha * norm_filter(xq + dropout(filtered(x), p, noise));
  return norm2(h + dropout(outer(torch::gelu(inner(h))), p, noise));
}

void init_parameters(SequenceNet& net, uint64_t seed, double std) {
  torch::NoGradGuard no_grad;
  at::Generator gen = make_generator(seed);
  for (auto& item : net.named_parameters()) {
    auto& t = item.value();
    const auto& name = item.key();
    if (name.ends_with("rab") || name.ends_with("rab_time")) {
      t.zero_();  // relative-position biases start neutral
    } else if (name.ends_with("sqrt_beta")) {
      t.normal_(0, 1, gen);
    } else if (std > 0 && t.dim() >= 2) {
      t.normal_(0, std, gen);
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
