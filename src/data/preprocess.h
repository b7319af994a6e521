// Cleaning between reading and splitting. The steps run in a fixed order, each on what the
// previous one kept: duplicates, the implicit threshold, the k-core filter, then value
// normalisation; ids are renumbered once at the end.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "core/options.h"
#include "data/dataset.h"

namespace lmrec {

// A duplicate is a repeated (user, item) pair. Among duplicates, "first" and "last" are by time
// (input order among equal times). kMaxValue keeps the highest value (the latest on a tie);
// kSumValues keeps the latest row with the sum of the values, e.g. a play count.
enum class DedupPolicy { kKeepAll, kKeepFirst, kKeepLast, kMaxValue, kSumValues };

struct PreprocessOptions {
  // Repeat consumption is signal for sequential models, so nothing is dropped by default.
  DedupPolicy dedup = DedupPolicy::kKeepAll;
  // When set: rows with value >= threshold are kept with value 1 and the data becomes implicit
  // (explicit_values = false); the others are dropped. Needs rated data.
  double implicit_threshold = std::numeric_limits<double>::quiet_NaN();
  // Iterative k-core: drop users with fewer than min_user rows and items with fewer than
  // min_item rows, again and again until every remaining user and item passes.
  int min_user = 0, min_item = 0;
  // "none", "user-mean" (subtract each user's mean rating) or "minmax" (map all values to
  // [0, 1]; 1 when they are all equal). Needs rated data.
  std::string normalize = "none";
};

struct PreprocessReport {
  int64_t rows_in = 0, rows_out = 0;
  int64_t duplicates_removed = 0;
  int64_t below_threshold = 0;
  int64_t kcore_rows_removed = 0, kcore_users_removed = 0, kcore_items_removed = 0;
  int kcore_rounds = 0;  // passes that removed rows; 0 when the data already passed
};

// Applies `options` to `data` in place; the result is compact()ed (users and items left without
// rows are dropped, ids renumbered) and finalized. Throws ConfigError on contradictory options,
// e.g. normalising data without ratings.
PreprocessReport preprocess(Dataset& data, const PreprocessOptions& options);

// Reads dedup=keep-all|keep-first|keep-last|max|sum, implicit=T, min_user=K, min_item=K,
// normalize=none|user-mean|minmax. Throws ConfigError on unknown keys or bad values.
PreprocessOptions preprocess_options(const Options& options);

// "keep-all", "keep-first", "keep-last", "max", "sum".
const char* dedup_name(DedupPolicy policy);

}  // namespace lmrec
