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
  for (int64_t r = 0; r < data.rows(); ++r) {
    const float* row = data.features.data() + r * data.n_features;
    double sum = 0;
    for (int32_t column : layout.channel_rank)
      if (!std::isnan(row[column])) sum += 1.0 / (options_.offset + row[column] + 1.0);
    scores[r] = static_cast<float>(sum);
  }
}

}  // namespace lmrec
