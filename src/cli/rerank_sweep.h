// `lmrec eval --rerank-sweep mmr|dpp`: the model's test-phase metrics with its top-10 lists
// reranked at lambda 0, 0.1, ..., 0.9, to show what each step of diversity costs in accuracy.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/model_run.h"
#include "core/progress.h"
#include "models/recommender.h"

namespace lmrec::cli {

struct RerankSweepArgs {
  std::string reranker;              // mmr | dpp
  std::vector<std::string> options;  // key=value, e.g. similarity=categories
  int candidates = 100;
  bool exclude_history = true;
  int64_t max_users = 0;
};

// One object per lambda: lambda, NDCG@10, HR@10, ILD@10 (null without categories),
// Coverage@10, Novelty@10 and NDCG_change_pct (against lambda 0). Throws ConfigError for a
// reranker without a lambda knob, a bad option, or data the options need and the model or
// dataset lacks.
nlohmann::json rerank_sweep(const Recommender& model, const ModelRun& run,
                            const RerankSweepArgs& args, Progress* progress);
std::string sweep_table(const nlohmann::json& rows);

}  // namespace lmrec::cli
