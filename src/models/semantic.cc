#include "models/semantic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"
#include "text/cached_encoder.h"
#include "text/text_encoder.h"

namespace lmrec {

namespace {
constexpr char kMagic[9] = "lmrecSEM";
constexpr uint32_t kVersion = 2;

// Subtracts `mean` and scales to unit length; a row that ends up (near) zero stays zero.
void center_normalize(float* v, const std::vector<float>& mean) {
  float norm = 0;
  for (size_t j = 0; j < mean.size(); ++j) {
    v[j] -= mean[j];
    norm += v[j] * v[j];
  }
  float scale = norm > 1e-12f ? 1.0f / std::sqrt(norm) : 0.0f;
  for (size_t j = 0; j < mean.size(); ++j) v[j] *= scale;
}

// An item as one action of a behaviour text: "Title (Category, Category)", without the free
// text, so that ten actions stay within the encoder's 128 tokens.
std::string action_text(const Dataset& data, int32_t item) {
  const Catalogue& c = data.catalogue;
  auto i = static_cast<size_t>(item);
  std::string text = i < c.title.size() ? c.title[i] : "";
  std::string categories;
  if (i < c.categories.size())
    for (int32_t k : c.categories[i])
      categories += (categories.empty() ? "" : ", ") + c.category_names.name(k);
  if (!categories.empty()) text += text.empty() ? categories : " (" + categories + ")";
  return text;
}

std::string format_value(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}
}  // namespace

SemanticOptions SemanticOptions::parse(const Options& options) {
  options.check_known("semantic", {"encoder", "model_dir", "cache", "half_life", "max_history",
                                   "center", "popularity", "user_vector", "text_history"});
  SemanticOptions o;
  o.encoder = options.get_string("encoder", o.encoder);
  o.model_dir = options.get_string("model_dir", o.model_dir);
  o.cache = options.get_string("cache", o.cache);
  o.half_life = options.get_double("half_life", o.half_life);
  o.max_history = options.get_int("max_history", o.max_history);
  o.center = options.get_bool("center", o.center);
  o.popularity = options.get_double("popularity", o.popularity);
  o.user_vector = options.get_string("user_vector", o.user_vector);
  o.text_history = options.get_int("text_history", o.text_history);
  if (!(o.half_life >= 0)) LMREC_THROW(ConfigError, "semantic: half_life must be >= 0");
  if (o.max_history < 1) LMREC_THROW(ConfigError, "semantic: max_history must be >= 1");
  if (!(o.popularity >= 0)) LMREC_THROW(ConfigError, "semantic: popularity must be >= 0");
  if (o.user_vector != "items" && o.user_vector != "text")
    LMREC_THROW(ConfigError,
                "semantic: user_vector must be items or text, got '" + o.user_vector + "'");
  if (o.text_history < 1) LMREC_THROW(ConfigError, "semantic: text_history must be >= 1");
  return o;
}

Options SemanticOptions::to_options() const {
  Options o;
  o.set("encoder", encoder);
  o.set("model_dir", model_dir);
  o.set("cache", cache);
  o.set("half_life", format_option(half_life));
  o.set("max_history", std::to_string(max_history));
  o.set("center", format_option(center));
  o.set("popularity", format_option(popularity));
  o.set("user_vector", user_vector);
  o.set("text_history", std::to_string(text_history));
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

const TextEncoder& SemanticRecommender::encoder() const {
  std::call_once(encoder_->once, [&] {
    Options encoder_options;
    if (!options_.model_dir.empty()) encoder_options.set("model_dir", options_.model_dir);
    encoder_->encoder = make_text_encoder(options_.encoder, encoder_options);
  });
  return *encoder_->encoder;
}

void SemanticRecommender::fit(const Dataset& train, const FitContext& ctx) {
  n_items_ = train.n_items();
  std::vector<std::string> texts;
  std::vector<int32_t> items;
  titles_.assign(static_cast<size_t>(n_items_), "");
  for (int32_t i = 0; i < n_items_; ++i) {
    std::string t = item_text(train, i);
    titles_[i] = action_text(train, i);
    if (!t.empty()) texts.push_back(t), items.push_back(i);
  }
  vectors_.clear();
  mean_.clear();
  dim_ = 0;
  if (!texts.empty()) {
    std::shared_ptr<const TextEncoder> enc(&encoder(), [](const TextEncoder*) {});
    std::shared_ptr<CachedEncoder> cache;
    if (!options_.cache.empty()) enc = cache = std::make_shared<CachedEncoder>(enc, options_.cache);
    dim_ = enc->dim();
    vectors_.assign(static_cast<size_t>(n_items_) * dim_, 0.0f);
    ctx.progress->start("semantic: encode items", static_cast<int64_t>(texts.size()), "items");
    constexpr size_t kChunk = 4096;
    for (size_t begin = 0; begin < texts.size(); begin += kChunk) {
      size_t n = std::min(kChunk, texts.size() - begin);
      auto v = enc->encode(std::span(texts).subspan(begin, n));
      for (size_t k = 0; k < n; ++k)
        std::copy(v.begin() + k * dim_, v.begin() + (k + 1) * dim_,
                  vectors_.begin() + static_cast<size_t>(items[begin + k]) * dim_);
      ctx.progress->advance(static_cast<int64_t>(n));
    }
    ctx.progress->finish();
    if (cache) cache->save();
  }
  mean_.assign(static_cast<size_t>(dim_), 0.0f);
  if (options_.center && !items.empty()) {
    for (int32_t i : items)
      for (int32_t j = 0; j < dim_; ++j) mean_[j] += vectors_[static_cast<size_t>(i) * dim_ + j];
    for (float& m : mean_) m /= static_cast<float>(items.size());
  }
  for (int32_t i : items) center_normalize(vectors_.data() + static_cast<size_t>(i) * dim_, mean_);
  // log(1 + n) flattens the head so a blockbuster does not drown every cosine.
  prior_.assign(static_cast<size_t>(n_items_), 0.0f);
  float top = 0;
  for (int32_t i = 0; i < n_items_; ++i) {
    prior_[i] = std::log1p(static_cast<float>(train.item_rows(i).size()));
    top = std::max(top, prior_[i]);
  }
  if (top > 0)
    for (float& p : prior_) p /= top;
  fitted_ = true;
}

std::string SemanticRecommender::behaviour_text(const UserContext& user) const {
  std::string text;
  const auto& items = user.items;
  size_t take = std::min(items.size(), static_cast<size_t>(options_.text_history));
  for (size_t k = 0; k < take; ++k) {
    size_t at = items.size() - 1 - k;
    std::string action =
        at < user.values.size() ? "rated " + format_value(user.values[at]) : "watched";
    text += (text.empty() ? "" : " ") + action + ": " + titles_[items[at]] + ".";
  }
  return text;
}

std::vector<float> SemanticRecommender::text_vector(const std::string& text) const {
  LMREC_CHECK(fitted_, UsageError, "semantic: text_vector() before fit() or load");
  if (dim_ == 0 || text.empty()) return std::vector<float>(static_cast<size_t>(dim_), 0.0f);
  auto v = encoder().encode(std::span(&text, 1));
  center_normalize(v.data(), mean_);
  return v;
}

void SemanticRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(fitted_, UsageError, "semantic: score() before fit() or load");
  history_rows(users, n_items_, true, name());  // validates the item ids
  const size_t n = static_cast<size_t>(n_items_), dim = static_cast<size_t>(dim_);
  // Texts to embed, all in one encoder call: behaviour texts, then queries.
  const bool by_text = options_.user_vector == "text";
  std::vector<std::string> texts;
  std::vector<int64_t> behaviour_at(users.size(), -1), query_at(users.size(), -1);
  if (dim > 0) {
    for (size_t u = 0; u < users.size(); ++u)
      if (by_text && !users[u].items.empty())
        behaviour_at[u] = static_cast<int64_t>(texts.size()),
        texts.push_back(behaviour_text(users[u]));
    for (size_t u = 0; u < users.size(); ++u)
      if (!users[u].text.empty())
        query_at[u] = static_cast<int64_t>(texts.size()), texts.push_back(users[u].text);
  }
  std::vector<float> embedded;
  if (!texts.empty()) {
    embedded = encoder().encode(texts);
    for (size_t t = 0; t < texts.size(); ++t) center_normalize(embedded.data() + t * dim, mean_);
  }
#pragma omp parallel for schedule(dynamic, 16)
  for (size_t u = 0; u < users.size(); ++u) {
    float* out = scores + u * n;
    std::vector<float> interest(dim, 0.0f);
    if (behaviour_at[u] >= 0) {
      std::copy_n(embedded.data() + behaviour_at[u] * dim, dim, interest.data());
    } else if (!by_text) {
      const auto& items = users[u].items;
      size_t take = std::min(items.size(), static_cast<size_t>(options_.max_history));
      for (size_t k = 0; k < take; ++k) {  // k = 0 is the most recent
        float w = options_.half_life > 0
                      ? std::pow(0.5f, k / static_cast<float>(options_.half_life))
                      : 1.0f;
        const float* v = vectors_.data() + static_cast<size_t>(items[items.size() - 1 - k]) * dim;
        for (size_t j = 0; j < dim; ++j) interest[j] += w * v[j];
      }
      center_normalize(interest.data(), std::vector<float>(dim, 0.0f));
    }
    // A query counts as much as the whole history: both are unit vectors.
    if (query_at[u] >= 0) {
      const float* q = embedded.data() + query_at[u] * dim;
      for (size_t j = 0; j < dim; ++j) interest[j] += q[j];
      center_normalize(interest.data(), std::vector<float>(dim, 0.0f));
    }
    const float pop = static_cast<float>(options_.popularity);
    for (size_t i = 0; i < n; ++i) {
      const float* v = vectors_.data() + i * dim;
      float dot = 0;
      for (size_t j = 0; j < dim; ++j) dot += v[j] * interest[j];
      out[i] = dot + pop * prior_[i];
    }
  }
}

void SemanticRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(fitted_, UsageError, "semantic: save before fit()");
  BinaryWriter out(dir + "/item_vectors.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_items_));
  out.u64(static_cast<uint64_t>(dim_));
  out.array(vectors_);
  out.array(mean_);
  out.array(prior_);
  out.strings(titles_);
  out.commit();
}

void SemanticRecommender::load_weights(const std::string& dir) {
  const std::string path = dir + "/item_vectors.bin";
  BinaryReader in(path, kMagic, kVersion, "semantic item vectors file");
  auto n = in.u64(), dim = in.u64();
  auto vectors = in.array<float>();
  auto mean = in.array<float>();
  auto prior = in.array<float>();
  auto titles = in.strings();
  in.expect_end();
  if (vectors.size() != n * dim || mean.size() != dim || prior.size() != n || titles.size() != n)
    LMREC_THROW(FormatError, path + ": arrays do not fit " + std::to_string(n) + " items × " +
                                 std::to_string(dim));
  n_items_ = static_cast<int32_t>(n);
  dim_ = static_cast<int32_t>(dim);
  vectors_ = std::move(vectors);
  mean_ = std::move(mean);
  prior_ = std::move(prior);
  titles_ = std::move(titles);
  fitted_ = true;
}

}  // namespace lmrec
