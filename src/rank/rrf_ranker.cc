#include "rank/rrf_ranker.h"

#include <cmath>

#include "core/errors.h"
#include "models/model_options.h"

namespace lmrec {

RrfOptions RrfOptions::parse(const Options& options) {
  options.check_known("rrf ranker", {"offset"});
  RrfOptions o;
  o.offset = options.get_double("offset", o.offset);
  if (!(o.offset >= 0)) LMREC_THROW(ConfigError, "rrf ranker: offset must be >= 0");
  return o;
}

Options RrfOptions::to_options() const {
  Options o;
  o.set("offset", format_option(offset));
  return o;
}

void RrfRanker::score(const RankingData& data, const FeatureLayout& layout, float* scores) const {
  auto shares = contributions(data, layout);
  const auto width = static_cast<size_t>(data.n_features) + 1;
  for (int64_t r = 0; r < data.rows(); ++r) {
    double sum = 0;
    for (int32_t column : layout.channel_rank) sum += shares[r * width + column];
    scores[r] = static_cast<float>(sum);
  }
}

std::vector<float> RrfRanker::contributions(const RankingData& data,
                                            const FeatureLayout& layout) const {
  const auto width = static_cast<size_t>(data.n_features) + 1;
  std::vector<float> out(static_cast<size_t>(data.rows()) * width, 0.0f);
  for (int64_t r = 0; r < data.rows(); ++r) {
    const float* row = data.features.data() + r * data.n_features;
    for (int32_t column : layout.channel_rank)
      if (!std::isnan(row[column]))
        out[r * width + column] = static_cast<float>(1.0 / (options_.offset + row[column] + 1.0));
  }
  return out;
}

}  // namespace lmrec
