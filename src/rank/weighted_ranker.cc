#include "rank/weighted_ranker.h"

#include <cmath>

#include "core/binary_io.h"
#include "core/errors.h"

namespace lmrec {

namespace {
constexpr char kMagic[9] = "lmrecWRK";
constexpr uint32_t kVersion = 1;
constexpr float kGrid[] = {0.0f, 0.125f, 0.25f, 0.5f, 1.0f, 2.0f, 4.0f, 8.0f};

void fuse(const std::vector<float>& z, size_t channels, const std::vector<float>& w, float* out,
          int64_t rows) {
  for (int64_t r = 0; r < rows; ++r) {
    float sum = 0;
    for (size_t c = 0; c < channels; ++c) sum += w[c] * z[r * channels + c];
    out[r] = sum;
  }
}

double mean_ndcg(const RankingData& data, const std::vector<float>& scores, int k) {
  double sum = 0;
  for (int64_t g = 0; g < data.groups(); ++g) sum += group_ndcg(data, g, scores.data(), k);
  return data.groups() > 0 ? sum / static_cast<double>(data.groups()) : 0.0;
}

}  // namespace

WeightedOptions WeightedOptions::parse(const Options& options) {
  options.check_known("weighted ranker", {"passes", "k"});
  WeightedOptions o;
  o.passes = options.get_int("passes", o.passes);
  o.k = options.get_int("k", o.k);
  if (o.passes < 0) LMREC_THROW(ConfigError, "weighted ranker: passes must be >= 0");
  if (o.k < 1) LMREC_THROW(ConfigError, "weighted ranker: k must be >= 1");
  return o;
}

Options WeightedOptions::to_options() const {
  Options o;
  o.set("passes", std::to_string(passes));
  o.set("k", std::to_string(k));
  return o;
}

std::vector<float> standardised_channel_scores(const RankingData& data,
                                               const FeatureLayout& layout) {
  const size_t channels = layout.channel_score.size();
  std::vector<float> z(static_cast<size_t>(data.rows()) * channels);
  for (int64_t g = 0; g < data.groups(); ++g) {
    int64_t begin = data.group_begin[g], end = data.group_begin[g + 1];
    for (size_t c = 0; c < channels; ++c) {
      double sum = 0, squares = 0;
      auto value = [&](int64_t r) {
        return static_cast<double>(data.features[r * data.n_features + layout.channel_score[c]]);
      };
      for (int64_t r = begin; r < end; ++r) sum += value(r), squares += value(r) * value(r);
      double n = static_cast<double>(end - begin), mean = sum / std::max(n, 1.0);
      double sd = std::sqrt(std::max(squares / std::max(n, 1.0) - mean * mean, 0.0));
      for (int64_t r = begin; r < end; ++r)
        z[r * channels + c] =
            sd > 0 && std::isfinite(value(r)) ? static_cast<float>((value(r) - mean) / sd) : 0.0f;
    }
  }
  return z;
}

void WeightedRanker::fit(const RankingData& train, const FeatureLayout& layout) {
  const size_t channels = layout.channel_score.size();
  weights_.assign(channels, 1.0f);
  auto z = standardised_channel_scores(train, layout);
  std::vector<float> scores(static_cast<size_t>(train.rows()));
  auto quality = [&](const std::vector<float>& w) {
    fuse(z, channels, w, scores.data(), train.rows());
    return mean_ndcg(train, scores, static_cast<int>(options_.k));
  };
  double best = quality(weights_);
  for (int64_t pass = 0; pass < options_.passes; ++pass)
    for (size_t c = 0; c < channels; ++c)
      for (float v : kGrid) {
        auto w = weights_;
        w[c] = v;
        double q = quality(w);
        if (q > best) best = q, weights_ = w;
      }
}

void WeightedRanker::score(const RankingData& data, const FeatureLayout& layout,
                           float* scores) const {
  LMREC_CHECK(weights_.size() == layout.channel_score.size(), UsageError,
              "weighted ranker: score() before fit(), or for another channel set");
  fuse(standardised_channel_scores(data, layout), weights_.size(), weights_, scores, data.rows());
}

void WeightedRanker::save(const std::string& dir) const {
  BinaryWriter out(dir + "/ranker.bin", kMagic, kVersion);
  out.array(weights_);
  out.commit();
}

void WeightedRanker::load(const std::string& dir) {
  BinaryReader in(dir + "/ranker.bin", kMagic, kVersion, "weighted ranker file");
  weights_ = in.array<float>();
  in.expect_end();
}

std::vector<float> WeightedRanker::contributions(const RankingData& data,
                                                 const FeatureLayout& layout) const {
  LMREC_CHECK(weights_.size() == layout.channel_score.size(), UsageError,
              "weighted ranker: contributions before fit or with another layout");
  auto z = standardised_channel_scores(data, layout);
  const auto width = static_cast<size_t>(data.n_features) + 1, channels = weights_.size();
  std::vector<float> out(static_cast<size_t>(data.rows()) * width, 0.0f);
  for (int64_t r = 0; r < data.rows(); ++r)
    for (size_t c = 0; c < channels; ++c)
      out[r * width + static_cast<size_t>(layout.channel_score[c])] =
          weights_[c] * z[r * channels + c];
  return out;
}

}  // namespace lmrec
