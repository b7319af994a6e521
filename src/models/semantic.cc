#include "models/semantic.h"

#include <algorithm>
#include <cmath>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"
#include "text/cached_encoder.h"
#include "text/text_encoder.h"

namespace lmrec {

namespace {
constexpr char kMagic[9] = "lmrecSEM";
constexpr uint32_t kVersion = 1;
}  // namespace

SemanticOptions SemanticOptions::parse(const Options& options) {
  options.check_known("semantic", {"encoder", "model_dir", "cache", "half_life", "max_history"});
  SemanticOptions o;
  o.encoder = options.get_string("encoder", o.encoder);
  o.model_dir = options.get_string("model_dir", o.model_dir);
  o.cache = options.get_string("cache", o.cache);
  o.half_life = options.get_double("half_life", o.half_life);
  o.max_history = options.get_int("max_history", o.max_history);
  if (!(o.half_life >= 0)) LMREC_THROW(ConfigError, "semantic: half_life must be >= 0");
  if (o.max_history < 1) LMREC_THROW(ConfigError, "semantic: max_history must be >= 1");
  return o;
}

Options SemanticOptions::to_options() const {
  Options o;
  o.set("encoder", encoder);
  o.set("model_dir", model_dir);
  o.set("cache", cache);
  o.set("half_life", format_option(half_life));
  o.set("max_history", std::to_string(max_history));
  return o;
}

SemanticRecommender::SemanticRecommender(SemanticOptions options) : options_(std::move(options)) {}

std::string SemanticRecommender::item_text(const Dataset& data, int32_t item) {
  const Catalogue& c = data.catalogue;
  auto i = static_cast<size_t>(item);
  std::string text = i < c.title.size() ? c.title[i] : "";
  std::string categories;
  if (i < c.categories.size())
    for (int32_t k : c.categories[i])
      categories += (categories.empty() ? "" : ", ") + c.category_names.name(k);
  std::string free_text = i < c.text.size() ? c.text[i] : "";
  for (const std::string& part : {categories, free_text})
    if (!part.empty()) text += (text.empty() ? "" : ". ") + part;
  return text;
}

void SemanticRecommender::fit(const Dataset& train, const FitContext& ctx) {
  n_items_ = train.n_items();
  std::vector<std::string> texts;
  std::vector<int32_t> items;
  for (int32_t i = 0; i < n_items_; ++i)
    if (std::string t = item_text(train, i); !t.empty()) texts.push_back(t), items.push_back(i);
  vectors_.clear();
  dim_ = 0;
  if (!texts.empty()) {
    Options encoder_options;
    if (!options_.model_dir.empty()) encoder_options.set("model_dir", options_.model_dir);
    std::shared_ptr<const TextEncoder> encoder =
        make_text_encoder(options_.encoder, encoder_options);
    std::shared_ptr<CachedEncoder> cache;
    if (!options_.cache.empty())
      encoder = cache = std::make_shared<CachedEncoder>(encoder, options_.cache);
    dim_ = encoder->dim();
    vectors_.assign(static_cast<size_t>(n_items_) * dim_, 0.0f);
    ctx.progress->start("semantic: encode items", static_cast<int64_t>(texts.size()), "items");
    constexpr size_t kChunk = 4096;
    for (size_t begin = 0; begin < texts.size(); begin += kChunk) {
      size_t n = std::min(kChunk, texts.size() - begin);
      auto v = encoder->encode(std::span(texts).subspan(begin, n));
      for (size_t k = 0; k < n; ++k)
        std::copy(v.begin() + k * dim_, v.begin() + (k + 1) * dim_,
                  vectors_.begin() + static_cast<size_t>(items[begin + k]) * dim_);
      ctx.progress->advance(static_cast<int64_t>(n));
    }
    ctx.progress->finish();
    if (cache) cache->save();
  }
  fitted_ = true;
}

void SemanticRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(fitted_, UsageError, "semantic: score() before fit() or load");
  history_rows(users, n_items_, true, name());  // validates the item ids
  const size_t n = static_cast<size_t>(n_items_), dim = static_cast<size_t>(dim_);
#pragma omp parallel for schedule(dynamic, 16)
  for (size_t u = 0; u < users.size(); ++u) {
    float* out = scores + u * n;
    std::vector<float> interest(dim, 0.0f);
    const auto& items = users[u].items;
    size_t take = std::min(items.size(), static_cast<size_t>(options_.max_history));
    for (size_t k = 0; k < take; ++k) {  // k = 0 is the most recent
      float w = options_.half_life > 0 ? std::pow(0.5f, k / static_cast<float>(options_.half_life))
                                       : 1.0f;
      const float* v = vectors_.data() + static_cast<size_t>(items[items.size() - 1 - k]) * dim;
      for (size_t j = 0; j < dim; ++j) interest[j] += w * v[j];
    }
    // Item rows are unit vectors, so normalising the interest makes the dot product a cosine.
    float norm = 0;
    for (float x : interest) norm += x * x;
    float scale = norm > 0 ? 1.0f / std::sqrt(norm) : 0.0f;
    for (size_t i = 0; i < n; ++i) {
      const float* v = vectors_.data() + i * dim;
      float dot = 0;
      for (size_t j = 0; j < dim; ++j) dot += v[j] * interest[j];
      out[i] = dot * scale;
    }
  }
}

void SemanticRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(fitted_, UsageError, "semantic: save before fit()");
  BinaryWriter out(dir + "/item_vectors.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_items_));
  out.u64(static_cast<uint64_t>(dim_));
  out.array(vectors_);
  out.commit();
}

void SemanticRecommender::load_weights(const std::string& dir) {
  BinaryReader in(dir + "/item_vectors.bin", kMagic, kVersion, "semantic item vectors file");
  auto n = in.u64(), dim = in.u64();
  auto vectors = in.array<float>();
  in.expect_end();
  if (vectors.size() != n * dim)
    LMREC_THROW(FormatError, dir + "/item_vectors.bin: " + std::to_string(vectors.size()) +
                                 " values for " + std::to_string(n) + " items × " +
                                 std::to_string(dim));
  n_items_ = static_cast<int32_t>(n);
  dim_ = static_cast<int32_t>(dim);
  vectors_ = std::move(vectors);
  fitted_ = true;
}

}  // namespace lmrec
