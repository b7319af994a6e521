#include "rerank/reranker.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.h"
#include "rerank/dpp.h"
#include "rerank/mmr.h"
#include "rerank/rules.h"

namespace lmrec {
namespace {

class IdentityReranker : public Reranker {
 public:
  std::string name() const override { return "none"; }
  Options options() const override { return {}; }
  std::vector<ScoredItem> rerank(const UserContext&, std::span<const ScoredItem> ranked,
                                 int k) const override {
    auto n = std::min(ranked.size(), static_cast<size_t>(std::max(k, 0)));
    return {ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n)};
  }
};

}  // namespace

std::unique_ptr<Reranker> make_reranker(const std::string& name, const Options& options,
                                        std::shared_ptr<const RerankItems> items) {
  if (!items) items = std::make_shared<RerankItems>();
  if (name == "none") {
    options.check_known("none", {});
    return std::make_unique<IdentityReranker>();
  }
  if (name == "mmr") return std::make_unique<MmrReranker>(MmrOptions::parse(options), items);
  if (name == "dpp") return std::make_unique<DppReranker>(DppOptions::parse(options), items);
  if (name == "rules") return std::make_unique<RulesReranker>(RulesOptions::parse(options), items);
  std::string known;
  for (const auto& n : reranker_names()) known += (known.empty() ? "" : ", ") + n;
  LMREC_THROW(ConfigError, "unknown reranker '" + name + "' (known: " + known + ")");
}

std::vector<std::string> reranker_names() { return {"none", "mmr", "dpp", "rules"}; }

std::vector<double> normalised_relevance(std::span<const ScoredItem> ranked) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : ranked)
    if (std::isfinite(s.score)) {
      lo = std::min(lo, static_cast<double>(s.score));
      hi = std::max(hi, static_cast<double>(s.score));
    }
  std::vector<double> rel(ranked.size());
  for (size_t i = 0; i < ranked.size(); ++i) {
    double s = ranked[i].score;
    if (std::isfinite(s))
      rel[i] = hi > lo ? (s - lo) / (hi - lo) : 1.0;
    else
      rel[i] = s > 0 ? 1.0 : 0.0;
  }
  return rel;
}

}  // namespace lmrec
