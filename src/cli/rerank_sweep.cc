#include "cli/rerank_sweep.h"

#include <cstdio>
#include <memory>

#include "core/errors.h"
#include "eval/beyond_accuracy.h"
#include "eval/evaluator.h"
#include "models/item_vectors.h"
#include "rerank/dpp.h"
#include "rerank/mmr.h"
#include "rerank/reranked_recommender.h"
#include "rerank/reranker.h"

namespace lmrec::cli {
namespace {

constexpr int kListLength = 10;  // the table's cut-off; the reranked lists are this long

std::shared_ptr<const RerankItems> sweep_items(const Recommender& model, const ModelRun& run,
                                               const Options& options) {
  auto items = std::make_shared<RerankItems>();
  // Vectors only when asked for: a model without them can still sweep over categories.
  if (options.get_string("similarity", "cosine") == "cosine")
    items->vectors = model_item_vectors(model, &items->dim);
  items->categories = category_sets(run.data().catalogue);
  for (int64_t p : item_popularity(run.data(), run.split().mask(Role::kTrain)))
    items->popularity.push_back(static_cast<float>(p));
  return items;
}

nlohmann::json metric(const MetricSet& set, const std::string& name) {
  auto it = set.values.find(name);
  return it == set.values.end() ? nlohmann::json() : nlohmann::json(it->second);
}

}  // namespace

nlohmann::json rerank_sweep(const Recommender& model, const ModelRun& run,
                            const RerankSweepArgs& args, Progress* progress) {
  LMREC_CHECK(args.reranker == "mmr" || args.reranker == "dpp", ConfigError,
              "--rerank-sweep: '" + args.reranker + "' has no lambda to sweep (expected mmr|dpp)");
  Options options;
  for (const auto& assignment : args.options) options.set(assignment);
  LMREC_CHECK(!options.has("lambda"), ConfigError, "--rerank-set: the sweep sets lambda itself");
  // Options are checked before the item data is gathered, so a typo is reported as such.
  if (args.reranker == "mmr")
    MmrOptions::parse(options);
  else
    DppOptions::parse(options);
  auto items = sweep_items(model, run, options);
  EvalOptions eval;
  eval.ks = {kListLength};
  eval.exclude_history = args.exclude_history;
  eval.max_users = args.max_users;
  nlohmann::json rows = nlohmann::json::array();
  double base_ndcg = 0;
  for (int step = 0; step < 10; ++step) {
    char lambda[8];
    std::snprintf(lambda, sizeof lambda, "%.1f", step / 10.0);
    options.set("lambda", lambda);
    std::shared_ptr<const Reranker> reranker = make_reranker(args.reranker, options, items);
    RerankedRecommender reranked(model, reranker, {args.candidates, kListLength});
    MetricSet m = evaluate(reranked, run.data(), run.split(), Role::kTest, eval, progress).overall;
    double ndcg = m.values.count("NDCG@10") ? m.values.at("NDCG@10") : 0.0;
    if (step == 0) base_ndcg = ndcg;
    nlohmann::json row = {
        {"lambda", step / 10.0},
        {"NDCG@10", ndcg},
        {"HR@10", metric(m, "HR@10")},
        {"ILD@10", metric(m, "ILD@10")},
        {"Coverage@10", metric(m, "Coverage@10")},
        {"Novelty@10", metric(m, "Novelty@10")},
        {"NDCG_change_pct", base_ndcg > 0 ? 100.0 * (ndcg - base_ndcg) / base_ndcg : 0.0}};
    rows.push_back(row);
  }
  return rows;
}

std::string sweep_table(const nlohmann::json& rows) {
  std::string out = "lambda  NDCG@10  HR@10    ILD@10   Coverage@10  Novelty@10  dNDCG%\n";
  auto cell = [](const nlohmann::json& v, const char* format) {
    char buf[32];
    if (v.is_null()) return std::string("-");
    std::snprintf(buf, sizeof buf, format, v.get<double>());
    return std::string(buf);
  };
  for (const auto& r : rows) {
    char line[160];
    std::snprintf(line, sizeof line, "%-7s %-8s %-8s %-8s %-12s %-11s %s\n",
                  cell(r["lambda"], "%.1f").c_str(), cell(r["NDCG@10"], "%.4f").c_str(),
                  cell(r["HR@10"], "%.4f").c_str(), cell(r["ILD@10"], "%.4f").c_str(),
                  cell(r["Coverage@10"], "%.4f").c_str(), cell(r["Novelty@10"], "%.3f").c_str(),
                  cell(r["NDCG_change_pct"], "%+.2f").c_str());
    out += line;
  }
  return out;
}

}  // namespace lmrec::cli
