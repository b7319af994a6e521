#include "rerank/dpp.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"

namespace lmrec {

DppOptions DppOptions::parse(const Options& options) {
  options.check_known("dpp", {"lambda", "similarity", "epsilon"});
  DppOptions o;
  o.lambda = options.get_double("lambda", o.lambda);
  o.similarity = parse_similarity("dpp", options.get_string("similarity", "cosine"));
  o.epsilon = options.get_double("epsilon", o.epsilon);
  LMREC_CHECK(o.lambda >= 0 && o.lambda <= 1, ConfigError, "dpp: lambda must lie in [0, 1]");
  LMREC_CHECK(o.epsilon >= 0, ConfigError, "dpp: epsilon must be >= 0");
  return o;
}

Options DppOptions::to_options() const {
  Options o;
  o.set("lambda", std::to_string(lambda));
  o.set("similarity", to_string(similarity));
  o.set("epsilon", std::to_string(epsilon));
  return o;
}

std::vector<int32_t> dpp_greedy(std::span<const double> log_q,
                                const std::function<double(int32_t, int32_t)>& similarity, int k,
                                double epsilon) {
  auto n = static_cast<int32_t>(log_q.size());
  int32_t want = std::min(n, std::max(k, 0));
  // Row i of `c` holds item i's entries of the Cholesky factor of S over the chosen items;
  // r[i] = S_ii - |c_i|², the part of its self-similarity the chosen items leave unexplained.
  // Working on S rather than L keeps the factor free of q, which only weighs the choice.
  std::vector<double> c(static_cast<size_t>(n) * static_cast<size_t>(want), 0.0);
  std::vector<double> r(static_cast<size_t>(n));
  std::vector<uint8_t> chosen(static_cast<size_t>(n), 0);
  for (int32_t i = 0; i < n; ++i) r[static_cast<size_t>(i)] = similarity(i, i);
  std::vector<int32_t> out;
  auto row = [&](int32_t i) { return c.data() + static_cast<size_t>(i) * want; };
  while (static_cast<int32_t>(out.size()) < want) {
    int32_t best = -1;
    double best_gain = -std::numeric_limits<double>::infinity();
    for (int32_t i = 0; i < n; ++i) {
      double ri = r[static_cast<size_t>(i)];
      if (chosen[static_cast<size_t>(i)] || !(ri > epsilon)) continue;
      double gain = 2 * log_q[static_cast<size_t>(i)] + std::log(ri);
      if (best < 0 || gain > best_gain) best = i, best_gain = gain;
    }
    if (best < 0) break;
    auto m = out.size();
    chosen[static_cast<size_t>(best)] = 1;
    out.push_back(best);
    const double* cb = row(best);
    double db = std::sqrt(r[static_cast<size_t>(best)]);
    for (int32_t i = 0; i < n; ++i) {
      if (chosen[static_cast<size_t>(i)]) continue;
      double* ci = row(i);
      double dot = 0;
      for (size_t t = 0; t < m; ++t) dot += cb[t] * ci[t];
      double e = (similarity(best, i) - dot) / db;
      ci[m] = e;
      r[static_cast<size_t>(i)] -= e * e;
    }
  }
  return out;
}

DppReranker::DppReranker(DppOptions options, std::shared_ptr<const RerankItems> items)
    : options_(options),
      items_(std::move(items)),
      similarity_("dpp", *items_, options.similarity) {}

std::vector<ScoredItem> DppReranker::rerank(const UserContext&, std::span<const ScoredItem> ranked,
                                            int k) const {
  size_t want = std::min(ranked.size(), static_cast<size_t>(std::max(k, 0)));
  if (options_.lambda == 0) return {ranked.begin(), ranked.begin() + static_cast<long>(want)};
  similarity_.check(ranked);
  auto rel = normalised_relevance(ranked);
  double theta = 1 - options_.lambda;
  std::vector<double> log_q(ranked.size());
  for (size_t i = 0; i < rel.size(); ++i) log_q[i] = theta * rel[i] / (2 * options_.lambda);
  auto sim = [&](int32_t a, int32_t b) {
    return similarity_(ranked[static_cast<size_t>(a)].item, ranked[static_cast<size_t>(b)].item);
  };
  auto picked = dpp_greedy(log_q, sim, static_cast<int>(want), options_.epsilon);
  std::vector<uint8_t> used(ranked.size(), 0);
  std::vector<ScoredItem> out;
  out.reserve(want);
  for (int32_t i : picked)
    used[static_cast<size_t>(i)] = 1, out.push_back(ranked[static_cast<size_t>(i)]);
  for (size_t i = 0; i < ranked.size() && out.size() < want; ++i)
    if (!used[i]) out.push_back(ranked[i]);
  return out;
}

}  // namespace lmrec
