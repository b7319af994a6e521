#include "rerank/slate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"
#include "models/train/sampling.h"

namespace lmrec {

namespace {

struct Partial {
  std::vector<ScoredItem> items;
  double log_p = 0;
};

// The user's context with the slate so far appended as the newest events.
UserContext extended(const UserContext& user, const Partial& p) {
  UserContext c = user;
  for (const auto& s : p.items) {
    c.items.push_back(s.item);
    if (!c.times.empty()) c.times.push_back(c.times.back());
    if (!c.values.empty()) c.values.push_back(1.0f);
    if (!c.events.empty()) c.events.push_back(0);
  }
  return c;
}

class Constraints {
 public:
  Constraints(const UserContext& user, const SlateOptions& o,
              const std::vector<std::vector<int32_t>>* categories)
      : o_(o), categories_(categories) {
    if (o.exclude_seen) seen_.assign(user.items.begin(), user.items.end());
    std::sort(seen_.begin(), seen_.end());
    if (o.max_per_category > 0 && !categories)
      LMREC_THROW(UsageError, "slate: max_per_category needs item categories");
  }
  bool allowed(int32_t item, const Partial& p) const {
    if (std::binary_search(seen_.begin(), seen_.end(), item)) return false;
    if (!o_.allow_repeats)
      for (const auto& s : p.items)
        if (s.item == item) return false;
    if (o_.max_per_category <= 0) return true;
    for (int32_t cat : (*categories_)[static_cast<size_t>(item)]) {
      int used = 0;
      for (const auto& s : p.items) {
        const auto& cs = (*categories_)[static_cast<size_t>(s.item)];
        used += std::find(cs.begin(), cs.end(), cat) != cs.end();
      }
      if (used >= o_.max_per_category) return false;
    }
    return true;
  }

 private:
  const SlateOptions& o_;
  const std::vector<std::vector<int32_t>>* categories_;
  std::vector<int32_t> seen_;
};

// The extensions of `p` by one item, appended to `out`; false when no item is allowed.
bool extend(const Partial& p, const std::vector<float>& scores, const Constraints& rules,
            const SlateOptions& o, int width, SampleRng& rng, std::vector<Partial>& out) {
  std::vector<int32_t> ok;
  double top = -std::numeric_limits<double>::infinity();
  for (int32_t i = 0; i < static_cast<int32_t>(scores.size()); ++i)
    if (std::isfinite(scores[i]) && rules.allowed(i, p))
      ok.push_back(i), top = std::max<double>(top, scores[i]);
  if (ok.empty()) return false;
  double z = 0;
  for (int32_t i : ok) z += std::exp((scores[i] - top) / o.temperature);
  auto log_prob = [&](int32_t i) { return (scores[i] - top) / o.temperature - std::log(z); };
  std::vector<int32_t> picks;
  if (o.method == "sample") {
    double r = rng.uniform() * z, acc = 0;
    picks.push_back(ok.back());
    for (int32_t i : ok)
      if ((acc += std::exp((scores[i] - top) / o.temperature)) > r) {
        picks.back() = i;
        break;
      }
  } else {
    auto n = std::min<size_t>(static_cast<size_t>(width), ok.size());
    std::partial_sort(ok.begin(), ok.begin() + static_cast<ptrdiff_t>(n), ok.end(),
                      [&](int32_t a, int32_t b) {
                        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
                      });
    picks.assign(ok.begin(), ok.begin() + static_cast<ptrdiff_t>(n));
  }
  for (int32_t i : picks) {
    Partial next = p;
    next.items.push_back({i, scores[i]});
    next.log_p += log_prob(i);
    out.push_back(std::move(next));
  }
  return true;
}

}  // namespace

SlateOptions SlateOptions::parse(const Options& options) {
  options.check_known("slate", {"length", "method", "beam", "temperature", "allow_repeats",
                                "exclude_seen", "max_per_category", "seed"});
  SlateOptions o;
  o.length = static_cast<int>(options.get_int("length", o.length));
  o.method = options.get_string("method", o.method);
  o.beam = static_cast<int>(options.get_int("beam", o.beam));
  o.temperature = options.get_double("temperature", o.temperature);
  o.allow_repeats = options.get_bool("allow_repeats", o.allow_repeats);
  o.exclude_seen = options.get_bool("exclude_seen", o.exclude_seen);
  o.max_per_category = static_cast<int>(options.get_int("max_per_category", o.max_per_category));
  o.seed = static_cast<uint64_t>(options.get_int("seed", static_cast<int64_t>(o.seed)));
  if (o.method != "greedy" && o.method != "beam" && o.method != "sample")
    LMREC_THROW(ConfigError, "slate: method '" + o.method + "' (expected greedy|beam|sample)");
  if (o.length <= 0 || o.beam <= 0 || !(o.temperature > 0))
    LMREC_THROW(ConfigError, "slate: length, beam and temperature must be > 0");
  return o;
}

std::vector<ScoredItem> generate_slate(const Recommender& model, const UserContext& user,
                                       const SlateOptions& o,
                                       const std::vector<std::vector<int32_t>>* categories) {
  Constraints rules(user, o, categories);
  int width = o.method == "beam" ? o.beam : 1;
  SampleRng rng(stream_seed(o.seed, static_cast<uint64_t>(user.items.size())));
  std::vector<Partial> beams(1);
  std::vector<float> scores(static_cast<size_t>(model.n_items()));
  for (int step = 0; step < o.length; ++step) {
    std::vector<Partial> next;
    for (const auto& p : beams) {
      auto context = extended(user, p);
      model.score({&context, 1}, scores.data());
      if (!extend(p, scores, rules, o, width, rng, next)) next.push_back(p);
    }
    std::stable_sort(next.begin(), next.end(),
                     [](const Partial& a, const Partial& b) { return a.log_p > b.log_p; });
    if (next.size() > static_cast<size_t>(width)) next.resize(static_cast<size_t>(width));
    bool grew = next.front().items.size() > beams.front().items.size();
    beams = std::move(next);
    if (!grew) break;
  }
  return beams.front().items;
}

void SlateRecommender::fit(const Dataset&, const FitContext&) {
  LMREC_THROW(UsageError, "slate: fit the underlying model instead");
}

void SlateRecommender::score(std::span<const UserContext> users, float* scores) const {
  auto n = static_cast<size_t>(n_items());
  for (size_t u = 0; u < users.size(); ++u) {
    float* row = scores + u * n;
    model_.score(users.subspan(u, 1), row);
    auto slate = generate_slate(model_, users[u], options_, categories_);
    float top = *std::max_element(row, row + n);
    for (size_t k = 0; k < slate.size(); ++k)
      row[slate[k].item] = top + static_cast<float>(slate.size() - k);
  }
}

void SlateRecommender::save_weights(const std::string&) const {
  LMREC_THROW(UsageError, "slate: save the underlying model instead");
}

void SlateRecommender::load_weights(const std::string&) {
  LMREC_THROW(UsageError, "slate: load the underlying model instead");
}

}  // namespace lmrec
