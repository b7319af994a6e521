// Evaluation results for people (an aligned table) and for programs (JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eval/evaluator.h"

namespace lmrec {

// {"overall": {"users": n, "HR@10": ..., ...}, "slices": [{"slice": "1-5", "users": n, ...}],
// "ks": [...], "seconds": s}. Metrics flat in each object so callers can index them by name;
// slices in an array to keep their natural order. Undefined values (NaN) become null.
nlohmann::json to_json(const EvalResult& result);

// One row per metric with a column per cutoff (cutoff-free metrics in the first column), then
// one row per history-length slice with its HR and NDCG at every cutoff.
std::string to_table(const EvalResult& result);

}  // namespace lmrec
