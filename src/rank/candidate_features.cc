#include "rank/candidate_features.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/errors.h"

namespace lmrec {

namespace {
constexpr double kSecondsPerDay = 86400;
constexpr size_t kCategoryWindow = 10;

float log1p_nonneg(double v) { return static_cast<float>(std::log1p(std::max(v, 0.0))); }
}  // namespace

ItemStats ItemStats::from(const Dataset& train) {
  ItemStats s;
  auto n = static_cast<size_t>(train.n_items());
  s.times = train.has_times && train.n_interactions() > 0;
  std::vector<double> count(n, 0), recent(n, 0), first(n, INFINITY);
  int64_t lo = 0, hi = 0;
  if (s.times) {
    auto [a, b] = std::minmax_element(train.rows.time.begin(), train.rows.time.end());
    lo = *a, hi = *b;
  }
  double since = static_cast<double>(hi) - 0.1 * static_cast<double>(hi - lo);
  for (int64_t r = 0; r < train.n_interactions(); ++r) {
    auto i = static_cast<size_t>(train.rows.item[r]);
    count[i] += 1;
    if (s.times) {
      double t = static_cast<double>(train.rows.time[r]);
      recent[i] += t >= since;
      first[i] = std::min(first[i], t);
    }
  }
  s.popularity.resize(n);
  for (size_t i = 0; i < n; ++i) s.popularity[i] = log1p_nonneg(count[i]);
  if (s.times) {
    s.recent.resize(n), s.age.resize(n);
    for (size_t i = 0; i < n; ++i) {
      s.recent[i] = log1p_nonneg(recent[i]);
      s.age[i] = std::isfinite(first[i])
                     ? log1p_nonneg((static_cast<double>(hi) - first[i]) / kSecondsPerDay)
                     : 0.0f;
    }
  }
  bool any = std::any_of(train.catalogue.categories.begin(), train.catalogue.categories.end(),
                         [](const auto& c) { return !c.empty(); });
  if (any) {
    s.categories = train.catalogue.categories;
    for (auto& c : s.categories) std::sort(c.begin(), c.end());
  }
  return s;
}

FeatureLayout candidate_layout(const std::vector<std::string>& members,
                               const std::vector<int32_t>& channels, const ItemStats& stats) {
  FeatureLayout layout;
  for (const auto& m : members)
    for (const char* f : {".score", ".gap", ".place"}) layout.names.push_back(m + f);
  for (int32_t c : channels) {
    layout.channel_names.push_back(members[static_cast<size_t>(c)]);
    layout.channel_score.push_back(3 * c);
    layout.channel_rank.push_back(layout.n_features());
    layout.names.push_back(members[static_cast<size_t>(c)] + ".rank");
  }
  for (const char* f : {"channels", "popularity"}) layout.names.push_back(f);
  if (stats.times)
    for (const char* f : {"recent", "age"}) layout.names.push_back(f);
  layout.names.push_back("history");
  if (stats.times) layout.names.push_back("idle");
  if (!stats.categories.empty()) layout.names.push_back("category_match");
  return layout;
}

namespace {

float category_match(const UserContext& user, int32_t item, const ItemStats& stats) {
  const auto& mine = stats.categories[static_cast<size_t>(item)];
  size_t n = std::min(user.items.size(), kCategoryWindow), shared = 0;
  for (size_t k = user.items.size() - n; k < user.items.size(); ++k) {
    const auto& theirs = stats.categories[static_cast<size_t>(user.items[k])];
    auto it = std::find_first_of(mine.begin(), mine.end(), theirs.begin(), theirs.end());
    shared += it != mine.end();
  }
  return n ? static_cast<float>(shared) / static_cast<float>(n) : 0.0f;
}

// m.place for every member: the rank of each candidate among the candidates by m's score.
void member_places(const CandidateUnion& cands, const float* row, std::vector<int32_t>& order,
                   std::vector<float>& place) {
  size_t n = cands.items.size();
  order.resize(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return row[cands.items[a]] > row[cands.items[b]];
  });
  place.resize(n);
  for (size_t p = 0; p < n; ++p) place[order[p]] = static_cast<float>(p);
}

}  // namespace

void add_candidate_rows(const CandidateUnion& cands, std::span<const float* const> member_rows,
                        const UserContext& user, const ItemStats& stats,
                        const FeatureLayout& layout, RankingData& out) {
  const int32_t nf = layout.n_features();
  if (out.rows() == 0) out.n_features = nf;
  LMREC_CHECK(out.n_features == nf, UsageError, "candidate rows of two layouts in one table");
  const size_t n = cands.items.size(), members = member_rows.size();
  size_t base = out.features.size();
  out.features.resize(base + n * static_cast<size_t>(nf));
  float* rows = out.features.data() + base;
  std::vector<int32_t> order;
  std::vector<float> place;
  for (size_t m = 0; m < members; ++m) {
    const float* row = member_rows[m];
    float best = -INFINITY;
    for (int32_t i : cands.items) best = std::max(best, row[i]);
    member_places(cands, row, order, place);
    for (size_t c = 0; c < n; ++c) {
      float* f = rows + c * nf + 3 * m;
      f[0] = row[cands.items[c]], f[1] = f[0] - best, f[2] = place[c];
    }
  }
  float history = log1p_nonneg(static_cast<double>(user.items.size()));
  float idle = 0;
  if (stats.times && user.times.size() >= 2)
    idle = log1p_nonneg(static_cast<double>(user.times.back() - user.times[user.times.size() - 2]));
  for (size_t c = 0; c < n; ++c) {
    float* f = rows + c * nf + 3 * members;
    int proposed = 0;
    for (size_t k = 0; k < layout.channel_rank.size(); ++k) {
      int32_t p = cands.place(c, static_cast<int32_t>(k));
      *f++ = p >= 0 ? static_cast<float>(p) : NAN;
      proposed += p >= 0;
    }
    auto i = static_cast<size_t>(cands.items[c]);
    *f++ = static_cast<float>(proposed);
    *f++ = stats.popularity[i];
    if (stats.times) *f++ = stats.recent[i], *f++ = stats.age[i];
    *f++ = history;
    if (stats.times) *f++ = idle;
    if (!stats.categories.empty()) *f++ = category_match(user, cands.items[c], stats);
  }
  out.group_begin.push_back(out.group_begin.back() + static_cast<int64_t>(n));
}

}  // namespace lmrec
