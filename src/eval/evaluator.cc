#include "eval/evaluator.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include "core/errors.h"
#include "core/top_k.h"
#include "eval/beyond_accuracy.h"
#include "eval/cases.h"
#include "eval/metrics.h"
#include "eval/select_top_k.h"

namespace lmrec {

namespace {

// Weighted sums per metric slot. Each batch fills its own tallies in case order and batches
// are merged in batch order, so the floating-point sums do not depend on the thread count.
// Slots: kPerK per cutoff, then the cutoff-free ones.
enum Slot { kHr, kNdcg, kRecall, kPrecision, kF1, kMrr, kMap, kNovelty, kArp, kIld, kPerK };
enum GlobalSlot { kAuc, kSquaredError, kAbsError, kGlobal };
constexpr const char* kAccuracyNames[] = {"HR", "NDCG", "Recall", "Precision", "F1", "MRR", "MAP"};

struct Tally {
  std::vector<double> sum, weight;
  int64_t cases = 0;
  explicit Tally(size_t n_k = 0) : sum(n_k * kPerK + kGlobal), weight(sum.size()) {}
  void add(size_t slot, double value, double w = 1.0) {
    sum[slot] += value;
    weight[slot] += w;
  }
  void merge(const Tally& other) {
    for (size_t s = 0; s < sum.size(); ++s) {
      sum[s] += other.sum[s];
      weight[s] += other.weight[s];
    }
    cases += other.cases;
  }
  // The weighted mean of a slot, or NaN when nothing was added to it.
  double mean(size_t slot) const { return weight[slot] > 0 ? sum[slot] / weight[slot] : NAN; }
};

// "0", "1-5", "6-10", ..., "51+" for edges {5, 10, 20, 50}.
std::vector<std::string> slice_names(const std::vector<int>& edges) {
  std::vector<std::string> names = {"0"};
  int low = 1;
  for (int e : edges) {
    names.push_back(std::to_string(low) + "-" + std::to_string(e));
    low = e + 1;
  }
  names.push_back(std::to_string(low) + "+");
  return names;
}

size_t slice_of(int64_t history_length, const std::vector<int>& edges) {
  if (history_length == 0) return 0;
  auto above = std::count_if(edges.begin(), edges.end(), [&](int e) { return history_length > e; });
  return 1 + static_cast<size_t>(above);
}

void check_inputs(const Recommender& model, const Dataset& data, const Split& split,
                  const EvalOptions& o) {
  if (data.user_indptr().size() != static_cast<size_t>(data.n_users()) + 1)
    LMREC_THROW(UsageError, "evaluate() needs a finalized dataset");
  if (static_cast<int64_t>(split.role.size()) != data.n_interactions())
    LMREC_THROW(UsageError, "split has " + std::to_string(split.role.size()) +
                                " roles for a dataset of " + std::to_string(data.n_interactions()) +
                                " rows");
  if (model.n_items() != data.n_items())
    LMREC_THROW(UsageError, "model " + model.name() + " scores " + std::to_string(model.n_items()) +
                                " items, the dataset has " + std::to_string(data.n_items()));
  if (o.ks.empty()) LMREC_THROW(ConfigError, "evaluation needs at least one cutoff K");
  for (int k : o.ks)
    if (k <= 0) LMREC_THROW(ConfigError, "cutoff K must be positive, got " + std::to_string(k));
  if (o.batch_size <= 0) LMREC_THROW(ConfigError, "evaluation batch size must be positive");
  if (o.max_users < 0) LMREC_THROW(ConfigError, "max_users must be 0 (all) or positive");
  for (size_t i = 0; i < o.slice_edges.size(); ++i)
    if (o.slice_edges[i] <= 0 || (i > 0 && o.slice_edges[i] <= o.slice_edges[i - 1]))
      LMREC_THROW(ConfigError, "slice edges must be positive and increasing");
}

class Evaluation {
 public:
  Evaluation(const Recommender& model, const Dataset& data, const Split& split, Role phase,
             const EvalOptions& options);
  EvalResult run(Progress* progress);

 private:
  // One thread's buffers, reused across its batches.
  struct Worker {
    std::vector<UserContext> contexts;
    std::vector<float> scores;
    std::vector<int32_t> rankable, stamp;
    std::vector<int64_t> ranks;
    std::vector<double> distance_sums;
    TopKSelector top;
    std::vector<std::vector<int64_t>> counts;  // recommendations per item, per cutoff
    int32_t case_stamp = 0;
  };

  void init(Worker& w) const;
  void score_batch(size_t batch, Worker& w);
  void score_case(size_t c, const UserContext& context, float* row, Worker& w, Tally& tally) const;
  void add_lists(const std::vector<ScoredItem>& list, Worker& w, Tally& tally) const;
  MetricSet metrics(const Tally& tally, bool overall) const;

  const Recommender& model_;
  const Dataset& data_;
  const EvalOptions& options_;
  std::vector<uint8_t> history_;
  EvalCases cases_;
  std::vector<int64_t> popularity_;
  std::vector<double> novelty_;
  std::vector<std::vector<int32_t>> categories_;
  std::vector<std::string> slice_names_;
  std::vector<int64_t> counts_total_;  // flattened [cutoff][item]
  std::vector<Tally> tallies_;         // [batch][slice]
  size_t n_items_, batch_size_, n_batches_, n_slices_, max_k_;
  bool values_;
};

Evaluation::Evaluation(const Recommender& model, const Dataset& data, const Split& split,
                       Role phase, const EvalOptions& options)
    : model_(model), data_(data), options_(options), history_(split.history_mask(phase)) {
  cases_ = find_cases(data, split, phase, history_, options.max_users);
  popularity_ = item_popularity(data, history_);
  novelty_.resize(popularity_.size());
  for (size_t i = 0; i < popularity_.size(); ++i)
    novelty_[i] = novelty(popularity_[i], data.n_users());
  categories_ = category_sets(data.catalogue);
  slice_names_ = slice_names(options.slice_edges);
  n_items_ = static_cast<size_t>(data.n_items());
  constexpr size_t kMaxBufferFloats = size_t{1} << 24;  // 64 MB of scores per thread
  batch_size_ = std::clamp<size_t>(kMaxBufferFloats / std::max<size_t>(n_items_, 1), 1,
                                   static_cast<size_t>(options.batch_size));
  n_batches_ = (cases_.size() + batch_size_ - 1) / batch_size_;
  n_slices_ = slice_names_.size();
  max_k_ = static_cast<size_t>(*std::max_element(options.ks.begin(), options.ks.end()));
  values_ = model.predicts_values();
  counts_total_.assign(options.ks.size() * n_items_, 0);
  tallies_.assign(n_batches_ * n_slices_, Tally(options.ks.size()));
}

void Evaluation::init(Worker& w) const {
  w.scores.resize(batch_size_ * n_items_);
  w.contexts.resize(batch_size_);
  w.stamp.assign(n_items_, 0);
  w.counts.assign(options_.ks.size(), std::vector<int64_t>(n_items_, 0));
}

void Evaluation::score_batch(size_t batch, Worker& w) {
  if (w.scores.empty()) init(w);
  size_t begin = batch * batch_size_, end = std::min(begin + batch_size_, cases_.size());
  size_t n = end - begin;
  for (size_t b = 0; b < n; ++b)
    w.contexts[b] = make_context(data_, cases_.user[begin + b], history_);
  model_.score(std::span<const UserContext>(w.contexts.data(), n), w.scores.data());
  for (size_t b = 0; b < n; ++b) {
    size_t c = begin + b;
    Tally& tally =
        tallies_[batch * n_slices_ + slice_of(cases_.history_length[c], options_.slice_edges)];
    score_case(c, w.contexts[b], w.scores.data() + b * n_items_, w, tally);
  }
}

void Evaluation::score_case(size_t c, const UserContext& context, float* row, Worker& w,
                            Tally& tally) const {
  const auto targets = cases_.targets(c);
  ++tally.cases;
  if (values_)  // raw scores, before any exclusion
    for (int64_t r : cases_.target_rows(c)) {
      double err = static_cast<double>(row[data_.rows.item[r]]) - data_.rows.value[r];
      tally.add(kPerK * options_.ks.size() + kSquaredError, err * err);
      tally.add(kPerK * options_.ks.size() + kAbsError, std::abs(err));
    }
  // Exclude the history, counting its distinct items with a per-case stamp.
  int64_t excluded = 0, excluded_targets = 0;
  if (options_.exclude_history) {
    if (++w.case_stamp == std::numeric_limits<int32_t>::max()) {
      std::fill(w.stamp.begin(), w.stamp.end(), 0);
      w.case_stamp = 1;
    }
    for (int32_t i : context.items) {
      row[i] = kExcludedScore;
      if (w.stamp[i] != w.case_stamp) w.stamp[i] = w.case_stamp, ++excluded;
    }
    for (int32_t t : targets) excluded_targets += w.stamp[t] == w.case_stamp;
  }
  std::span<const float> scores(row, n_items_);
  w.rankable.clear();
  for (int32_t t : targets)
    if (rankable(row[t])) w.rankable.push_back(t);
  w.ranks.resize(w.rankable.size());
  ranks_of(scores, w.rankable, w.ranks);
  std::sort(w.ranks.begin(), w.ranks.end());

  const auto n_targets = static_cast<int64_t>(targets.size());
  for (size_t ki = 0; ki < options_.ks.size(); ++ki) {
    CaseAccuracy a = accuracy_at(w.ranks, n_targets, options_.ks[ki]);
    const double per_k[] = {a.hr, a.ndcg, a.recall, a.precision, a.f1, a.mrr, a.map};
    for (size_t s = 0; s < std::size(per_k); ++s) tally.add(ki * kPerK + s, per_k[s]);
  }
  int64_t negatives = static_cast<int64_t>(n_items_) - excluded - (n_targets - excluded_targets);
  if (negatives > 0)
    tally.add(kPerK * options_.ks.size() + kAuc, case_auc(w.ranks, n_targets, negatives));
  add_lists(w.top.select(scores, static_cast<int>(max_k_)), w, tally);
}

void Evaluation::add_lists(const std::vector<ScoredItem>& list, Worker& w, Tally& tally) const {
  if (!categories_.empty()) pairwise_distance_sums(list, categories_, w.distance_sums);
  for (size_t ki = 0; ki < options_.ks.size(); ++ki) {
    size_t m = std::min(list.size(), static_cast<size_t>(options_.ks[ki]));
    double novelty_sum = 0, popularity_sum = 0;
    for (size_t j = 0; j < m; ++j) {
      auto i = static_cast<size_t>(list[j].item);
      ++w.counts[ki][i];
      novelty_sum += novelty_[i];
      popularity_sum += static_cast<double>(popularity_[i]);
    }
    tally.add(ki * kPerK + kNovelty, novelty_sum, static_cast<double>(m));
    tally.add(ki * kPerK + kArp, popularity_sum, static_cast<double>(m));
    if (!categories_.empty() && m >= 2)
      tally.add(ki * kPerK + kIld, w.distance_sums[m] / (static_cast<double>(m * (m - 1)) / 2));
  }
}

MetricSet Evaluation::metrics(const Tally& tally, bool overall) const {
  MetricSet set;
  set.users = tally.cases;
  const size_t global = kPerK * options_.ks.size();
  for (size_t ki = 0; ki < options_.ks.size(); ++ki) {
    std::string at = "@" + std::to_string(options_.ks[ki]);
    for (size_t s = 0; s < std::size(kAccuracyNames); ++s)
      set.values[kAccuracyNames[s] + at] = tally.mean(ki * kPerK + s);
    if (!overall) continue;
    set.values["Novelty" + at] = tally.mean(ki * kPerK + kNovelty);
    set.values["ARP" + at] = tally.mean(ki * kPerK + kArp);
    if (!categories_.empty()) set.values["ILD" + at] = tally.mean(ki * kPerK + kIld);
    std::span<const int64_t> counts(counts_total_.data() + ki * n_items_, n_items_);
    auto covered = std::count_if(counts.begin(), counts.end(), [](int64_t n) { return n > 0; });
    set.values["Coverage" + at] = static_cast<double>(covered) / static_cast<double>(n_items_);
    set.values["Gini" + at] = gini(counts);
  }
  if (tally.weight[global + kAuc] > 0) set.values["AUC"] = tally.mean(global + kAuc);
  if (values_) {
    set.values["RMSE"] = std::sqrt(tally.mean(global + kSquaredError));
    set.values["MAE"] = tally.mean(global + kAbsError);
  }
  return set;
}

EvalResult Evaluation::run(Progress* progress) {
  if (progress) progress->start("evaluate", static_cast<int64_t>(cases_.size()), "users");
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  const auto n_batches = static_cast<int64_t>(n_batches_);
#pragma omp parallel
  {
    Worker w;
#pragma omp for schedule(dynamic, 1)
    for (int64_t batch = 0; batch < n_batches; ++batch) {
      if (failed.load()) continue;
      try {
        score_batch(static_cast<size_t>(batch), w);
      } catch (...) {
#pragma omp critical(lmrec_eval_error)
        if (!error) error = std::current_exception();
        failed = true;
      }
      if (progress) {
        size_t done =
            std::min(batch_size_, cases_.size() - static_cast<size_t>(batch) * batch_size_);
#pragma omp critical(lmrec_eval_progress)
        progress->advance(static_cast<int64_t>(done));
      }
    }
    // Integer counts: the merge order does not matter.
#pragma omp critical(lmrec_eval_counts)
    for (size_t ki = 0; ki < w.counts.size(); ++ki)
      for (size_t i = 0; i < n_items_; ++i) counts_total_[ki * n_items_ + i] += w.counts[ki][i];
  }
  if (progress) progress->finish();
  if (error) std::rethrow_exception(error);

  EvalResult result;
  result.ks = options_.ks;
  std::vector<Tally> slices(n_slices_, Tally(options_.ks.size()));
  Tally overall(options_.ks.size());
  for (size_t batch = 0; batch < n_batches_; ++batch)
    for (size_t s = 0; s < n_slices_; ++s) slices[s].merge(tallies_[batch * n_slices_ + s]);
  for (const Tally& s : slices) overall.merge(s);
  if (overall.cases == 0) return result;
  result.overall = metrics(overall, true);
  for (size_t s = 0; s < n_slices_; ++s)
    if (slices[s].cases > 0) result.slices.emplace_back(slice_names_[s], metrics(slices[s], false));
  return result;
}

}  // namespace

EvalResult evaluate(const Recommender& model, const Dataset& data, const Split& split, Role phase,
                    const EvalOptions& options, Progress* progress) {
  auto start = std::chrono::steady_clock::now();
  check_inputs(model, data, split, options);
  EvalResult result = Evaluation(model, data, split, phase, options).run(progress);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace lmrec
