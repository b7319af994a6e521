#include "rerank/mmr.h"

#include <algorithm>
#include <limits>

#include "core/errors.h"

namespace lmrec {

MmrOptions MmrOptions::parse(const Options& options) {
  options.check_known("mmr", {"lambda", "similarity"});
  MmrOptions o;
  o.lambda = options.get_double("lambda", o.lambda);
  o.similarity = parse_similarity("mmr", options.get_string("similarity", "cosine"));
  LMREC_CHECK(o.lambda >= 0 && o.lambda <= 1, ConfigError, "mmr: lambda must lie in [0, 1]");
  return o;
}

Options MmrOptions::to_options() const {
  Options o;
  o.set("lambda", std::to_string(lambda));
  o.set("similarity", to_string(similarity));
  return o;
}

MmrReranker::MmrReranker(MmrOptions options, std::shared_ptr<const RerankItems> items)
    : options_(options),
      items_(std::move(items)),
      similarity_("mmr", *items_, options.similarity) {}

std::vector<ScoredItem> MmrReranker::rerank(const UserContext&, std::span<const ScoredItem> ranked,
                                            int k) const {
  similarity_.check(ranked);
  auto rel = normalised_relevance(ranked);
  size_t n = ranked.size(), want = std::min(n, static_cast<size_t>(std::max(k, 0)));
  double lambda = options_.lambda;
  // max_sim[i]: candidate i's greatest similarity to the items placed so far.
  std::vector<double> max_sim(n, -std::numeric_limits<double>::infinity());
  std::vector<uint8_t> placed(n, 0);
  std::vector<ScoredItem> out;
  out.reserve(want);
  while (out.size() < want) {
    size_t best = n;
    double best_value = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      double penalty = out.empty() ? 0.0 : max_sim[i];
      double value = (1 - lambda) * rel[i] - lambda * penalty;
      // Strictly greater: ties go to the earlier candidate, so lambda 0 is the input order.
      if (best == n || value > best_value) best = i, best_value = value;
    }
    placed[best] = 1;
    out.push_back(ranked[best]);
    for (size_t i = 0; i < n; ++i)
      if (!placed[i])
        max_sim[i] = std::max(max_sim[i], similarity_(ranked[best].item, ranked[i].item));
  }
  return out;
}

}  // namespace lmrec
