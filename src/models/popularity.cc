#include "models/popularity.h"

#include <algorithm>
#include <limits>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"

namespace lmrec {

namespace {
constexpr char kMagic[9] = "lmrecPOP";
constexpr uint32_t kVersion = 1;
constexpr int64_t kSecondsPerDay = 86400;
}  // namespace

PopularityOptions PopularityOptions::parse(const Options& options) {
  options.check_known("popularity", {"window_days"});
  PopularityOptions o;
  o.window_days = options.get_int("window_days", o.window_days);
  if (o.window_days < 0) LMREC_THROW(ConfigError, "popularity: window_days must be >= 0");
  return o;
}

Options PopularityOptions::to_options() const {
  Options o;
  o.set("window_days", std::to_string(window_days));
  return o;
}

PopularityRecommender::PopularityRecommender(PopularityOptions options) : options_(options) {}

void PopularityRecommender::fit(const Dataset& train, const FitContext&) {
  const auto& rows = train.rows;
  int64_t since = std::numeric_limits<int64_t>::min();
  if (options_.window_days > 0 && rows.size() > 0) {
    if (!train.has_times)
      LMREC_THROW(ConfigError,
                  "popularity: window_days needs timestamps, and this data has only "
                  "the order of events");
    int64_t latest = *std::max_element(rows.time.begin(), rows.time.end());
    since = latest - options_.window_days * kSecondsPerDay;
  }
  counts_.assign(static_cast<size_t>(train.n_items()), 0.0f);
  for (int64_t r = 0; r < rows.size(); ++r)
    if (rows.time[r] >= since) counts_[static_cast<size_t>(rows.item[r])] += 1.0f;
  fitted_ = true;
}

void PopularityRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(fitted_, UsageError, "popularity: score() before fit() or load");
  history_rows(users, n_items(), true, name());
  for (size_t u = 0; u < users.size(); ++u)
    std::copy(counts_.begin(), counts_.end(), scores + u * counts_.size());
}

void PopularityRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(fitted_, UsageError, "popularity: save before fit()");
  BinaryWriter out(dir + "/weights.bin", kMagic, kVersion);
  out.array(counts_);
  out.commit();
}

void PopularityRecommender::load_weights(const std::string& dir) {
  BinaryReader in(dir + "/weights.bin", kMagic, kVersion, "popularity weights file");
  auto counts = in.array<float>();
  in.expect_end();
  counts_ = std::move(counts);
  fitted_ = true;
}

}  // namespace lmrec
