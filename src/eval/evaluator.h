// Full-ranking evaluation: every item of the catalogue is ranked for every case, no sampled
// negatives.
//
// Protocol. For phase kValid or kTest, each user with at least one row of that role is a case.
// The model scores all items from the user's context built from the rows of
// split.history_mask(phase) (oldest first). The targets are the distinct items of the user's
// rows with role == phase. With `exclude_history`, the history items are excluded from the
// ranking; a target the user also has in the history is then excluded as well and counts as a
// miss (it cannot be recommended), which keeps the protocol identical to what recommend()
// serves. Items are ranked by score descending, ties to the lower item id; an item scored NaN or
// -inf cannot be recommended either. The top-K list L is exactly top_k() of the masked row.
//
// Per case, averaged over cases (T = targets): HR@K = [|L∩T| > 0]; Recall@K = |L∩T|/|T|;
// Precision@K = |L∩T|/K; F1@K their harmonic mean (0 when both are 0); NDCG@K = DCG/IDCG with
// 1/log2(p+1) per hit at position p and IDCG over min(|T|, K) positions; MRR@K = 1/(position of
// the first hit); MAP@K = sum over hits at p of (hits up to p)/p, over min(|T|, K).
// AUC: fraction of (target, negative) pairs ranked correctly, negatives being the non-target
// items not excluded by the history; a target that cannot be recommended (excluded, or scored
// NaN or -inf) loses every pair; cases without negatives are left out of AUC. RMSE/MAE (models
// with predicts_values() only): over the target rows, the model's raw score of the row's item
// against the row's value.
//
// Over all cases' top-K lists: Coverage@K = distinct recommended items / n_items; Gini@K of the
// per-item recommendation counts; ILD@K = per-list mean pairwise Jaccard distance of category
// sets, averaged over lists of 2+ items (only when the catalogue has categories); Novelty@K =
// mean of -log2((pop+1)/(n_users+1)) and ARP@K = mean pop over recommended entries, pop being
// the number of users with the item in the phase's history rows.
//
// Slices group the cases by history length (rows): "0", "1-5", "6-10", ... "51+" for the
// default edges, each with the per-case accuracy metrics (and AUC, RMSE, MAE).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "data/dataset.h"
#include "data/split.h"
#include "models/recommender.h"

namespace lmrec {

struct EvalOptions {
  std::vector<int> ks = {5, 10, 20};  // cutoffs, each > 0
  bool exclude_history = true;
  // Contexts scored per model call. Capped so one thread's buffer stays near 64 MB on large
  // catalogues.
  int batch_size = 256;
  // Evaluate at most this many cases, spread evenly over users by id (0 = all), so a quick
  // validation pass does not only see the lowest ids.
  int64_t max_users = 0;
  std::vector<int> slice_edges = {5, 10, 20, 50};  // history-length slice ends, increasing
};

// Metric name -> value ("HR@10", "AUC", ...) over `users` cases.
struct MetricSet {
  std::map<std::string, double> values;
  int64_t users = 0;
};

struct EvalResult {
  MetricSet overall;
  std::vector<std::pair<std::string, MetricSet>> slices;  // non-empty slices, shortest first
  std::vector<int> ks;
  double seconds = 0;
};

// Scores the cases in batches on all threads (model.score() is called concurrently; it must be
// safe to do so, as a const method). Results do not depend on the thread count. A phase
// without cases gives a result with 0 users and no values. Throws UsageError when the split,
// model and dataset do not fit together, ConfigError on bad options.
EvalResult evaluate(const Recommender& model, const Dataset& data, const Split& split, Role phase,
                    const EvalOptions& options = {}, Progress* progress = nullptr);

}  // namespace lmrec
