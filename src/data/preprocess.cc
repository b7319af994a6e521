#include "data/preprocess.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/errors.h"

namespace lmrec {

namespace {

using Mask = std::vector<uint8_t>;

// Keeps one row of the duplicates `rows` (oldest first) per the policy; may rewrite its value.
void resolve_duplicates(const std::vector<int64_t>& rows, DedupPolicy policy, Dataset& data,
                        Mask& keep) {
  auto& value = data.rows.value;
  size_t chosen = rows.size() - 1;
  if (policy == DedupPolicy::kKeepFirst) chosen = 0;
  if (policy == DedupPolicy::kMaxValue)
    for (size_t k = 0; k < rows.size(); ++k)
      if (value[rows[k]] >= value[rows[chosen]]) chosen = k;
  if (policy == DedupPolicy::kSumValues) {
    double sum = 0;
    for (int64_t r : rows) sum += value[r];
    value[rows[chosen]] = static_cast<float>(sum);
  }
  for (size_t k = 0; k < rows.size(); ++k)
    if (k != chosen) keep[rows[k]] = 0;
}

int64_t remove_duplicates(Dataset& data, DedupPolicy policy, Mask& keep) {
  if (policy == DedupPolicy::kKeepAll) return 0;
  std::vector<std::pair<int32_t, int64_t>> by_item;  // (item, row) of one user
  std::vector<int64_t> group;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    by_item.clear();
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r)
      if (keep[r]) by_item.emplace_back(data.rows.item[r], r);
    std::sort(by_item.begin(), by_item.end());  // rows of one item stay oldest first
    for (size_t a = 0; a < by_item.size();) {
      size_t b = a;
      group.clear();
      while (b < by_item.size() && by_item[b].first == by_item[a].first)
        group.push_back(by_item[b++].second);
      if (group.size() > 1) resolve_duplicates(group, policy, data, keep);
      a = b;
    }
  }
  return std::count(keep.begin(), keep.end(), 0);
}

int64_t apply_threshold(Dataset& data, double threshold, Mask& keep) {
  int64_t dropped = 0;
  for (size_t r = 0; r < keep.size(); ++r) {
    if (!keep[r]) continue;
    if (data.rows.value[r] >= threshold) {
      data.rows.value[r] = 1.0f;
    } else {
      keep[r] = 0;
      ++dropped;
    }
  }
  data.explicit_values = false;
  return dropped;
}

// Counts of kept rows per user and per item.
void count_rows(const Dataset& data, const Mask& keep, std::vector<int64_t>& users,
                std::vector<int64_t>& items) {
  users.assign(static_cast<size_t>(data.n_users()), 0);
  items.assign(static_cast<size_t>(data.n_items()), 0);
  for (size_t r = 0; r < keep.size(); ++r) {
    if (!keep[r]) continue;
    ++users[data.rows.user[r]];
    ++items[data.rows.item[r]];
  }
}

int64_t count_present(const std::vector<int64_t>& counts) {
  return std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c > 0; });
}

void kcore(const Dataset& data, int min_user, int min_item, Mask& keep, PreprocessReport& report) {
  if (min_user <= 1 && min_item <= 1) return;
  std::vector<int64_t> users, items;
  count_rows(data, keep, users, items);
  int64_t users_before = count_present(users), items_before = count_present(items);
  for (;;) {
    int64_t removed = 0;
    for (size_t r = 0; r < keep.size(); ++r) {
      if (keep[r] && (users[data.rows.user[r]] < min_user || items[data.rows.item[r]] < min_item)) {
        keep[r] = 0;
        ++removed;
      }
    }
    if (removed == 0) break;
    ++report.kcore_rounds;
    report.kcore_rows_removed += removed;
    count_rows(data, keep, users, items);
  }
  report.kcore_users_removed = users_before - count_present(users);
  report.kcore_items_removed = items_before - count_present(items);
}

void normalize_user_mean(Dataset& data) {
  for (int32_t u = 0; u < data.n_users(); ++u) {
    double sum = 0;
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r) sum += data.rows.value[r];
    auto mean = static_cast<float>(sum / std::max<int64_t>(1, data.user_count(u)));
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r) data.rows.value[r] -= mean;
  }
}

void normalize_minmax(Dataset& data) {
  auto& v = data.rows.value;
  if (v.empty()) return;
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  float min = *lo, range = *hi - *lo;
  for (auto& x : v) x = range > 0 ? (x - min) / range : 1.0f;
}

void check_options(const Dataset& data, const PreprocessOptions& o) {
  if (o.normalize != "none" && o.normalize != "user-mean" && o.normalize != "minmax")
    LMREC_THROW(ConfigError,
                "normalize: expected none, user-mean or minmax, got '" + o.normalize + "'");
  if (o.min_user < 0 || o.min_item < 0)
    LMREC_THROW(ConfigError, "min_user and min_item must be 0 or more");
  bool threshold = !std::isnan(o.implicit_threshold);
  if ((threshold || o.normalize != "none") && !data.explicit_values)
    LMREC_THROW(ConfigError,
                "implicit= and normalize= need rated data, and this data has no ratings");
  if (threshold && o.normalize != "none")
    LMREC_THROW(ConfigError, "normalize= has no meaning after implicit= turns every value into 1");
}

}  // namespace

PreprocessReport preprocess(Dataset& data, const PreprocessOptions& options) {
  check_options(data, options);
  if (data.user_indptr().size() != static_cast<size_t>(data.n_users()) + 1) data.finalize();
  PreprocessReport report;
  report.rows_in = data.n_interactions();
  Mask keep(static_cast<size_t>(data.n_interactions()), 1);
  report.duplicates_removed = remove_duplicates(data, options.dedup, keep);
  if (!std::isnan(options.implicit_threshold))
    report.below_threshold = apply_threshold(data, options.implicit_threshold, keep);
  kcore(data, options.min_user, options.min_item, keep, report);
  Dataset kept = data.subset(keep);
  kept.compact();
  data = std::move(kept);
  if (options.normalize == "user-mean") normalize_user_mean(data);
  if (options.normalize == "minmax") normalize_minmax(data);
  report.rows_out = data.n_interactions();
  return report;
}

const char* dedup_name(DedupPolicy policy) {
  switch (policy) {
    case DedupPolicy::kKeepAll:
      return "keep-all";
    case DedupPolicy::kKeepFirst:
      return "keep-first";
    case DedupPolicy::kKeepLast:
      return "keep-last";
    case DedupPolicy::kMaxValue:
      return "max";
    case DedupPolicy::kSumValues:
      return "sum";
  }
  return "keep-all";
}

PreprocessOptions preprocess_options(const Options& o) {
  o.check_known("preprocess", {"dedup", "implicit", "min_user", "min_item", "normalize"});
  PreprocessOptions out;
  std::string dedup = o.get_string("dedup", "keep-all");
  bool found = false;
  for (auto p : {DedupPolicy::kKeepAll, DedupPolicy::kKeepFirst, DedupPolicy::kKeepLast,
                 DedupPolicy::kMaxValue, DedupPolicy::kSumValues})
    if (dedup == dedup_name(p)) out.dedup = p, found = true;
  if (!found)
    LMREC_THROW(ConfigError,
                "dedup: expected keep-all, keep-first, keep-last, max or sum, got '" + dedup + "'");
  if (o.has("implicit")) out.implicit_threshold = o.get_double("implicit", 0.0);
  out.min_user = static_cast<int>(o.get_int("min_user", 0));
  out.min_item = static_cast<int>(o.get_int("min_item", 0));
  out.normalize = o.get_string("normalize", "none");
  if (out.normalize != "none" && out.normalize != "user-mean" && out.normalize != "minmax")
    LMREC_THROW(ConfigError,
                "normalize: expected none, user-mean or minmax, got '" + out.normalize + "'");
  if (out.min_user < 0 || out.min_item < 0)
    LMREC_THROW(ConfigError, "min_user and min_item must be 0 or more");
  return out;
}

}  // namespace lmrec
