#include "models/pipeline.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <numeric>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/hash.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecPIP";
constexpr uint32_t kVersion = 1;
constexpr double kRankerReserve = 0.15;  // share of time_limit kept for the ranker and scoring
constexpr size_t kBatch = 128;           // contexts scored per member call while fitting

std::string sub_dir(const std::string& dir, const char* what, size_t k) {
  return dir + "/" + what + std::to_string(k);
}

// Place of `target` in `row` among the items not in `excluded` (ties to the lower id).
int64_t place_of(const float* row, int32_t n, int32_t target,
                 const std::vector<uint8_t>& excluded) {
  float t = row[target];
  if (!(t > -std::numeric_limits<float>::infinity())) return n;
  int64_t place = 0;
  for (int32_t i = 0; i < n; ++i)
    place += !excluded[i] && (row[i] > t || (row[i] == t && i < target));
  return place;
}

double elapsed(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Each user's last train event held out: the rest to fit on, and the held-out events as cases
// with the rest as history, for a fit without validation cases.
std::pair<Dataset, ValidationCases> hold_out_last(const Dataset& train) {
  std::vector<uint8_t> keep(static_cast<size_t>(train.n_interactions()), 1);
  std::vector<int32_t> users;
  for (int32_t u = 0; u < train.n_users(); ++u)
    if (train.user_count(u) >= 2) {
      keep[static_cast<size_t>(train.user_end(u) - 1)] = 0;
      users.push_back(u);
    }
  ValidationCases cases;
  for (int32_t u : users) {
    cases.contexts.push_back(make_context(train, u, keep));
    cases.targets.push_back({train.rows.item[train.user_end(u) - 1]});
  }
  return {train.subset(keep), std::move(cases)};
}

}  // namespace

PipelineRecommender::PipelineRecommender(PipelineOptions options) : options_(std::move(options)) {}

std::vector<int32_t> PipelineRecommender::channels() const {
  std::vector<int32_t> out;
  for (size_t m = 0; m < options_.members.size(); ++m)
    if (options_.members[m].candidates > 0) out.push_back(static_cast<int32_t>(m));
  return out;
}

void PipelineRecommender::fit(const Dataset& train, const FitContext& ctx) {
  options_.resolve(train);
  LMREC_CHECK(!channels().empty(), ConfigError,
              "pipeline: no member proposes candidates (every MEMBER.candidates is 0)");
  n_items_ = train.n_items();
  stats_ = ItemStats::from(train);
  std::vector<std::string> names;
  for (const auto& m : options_.members) names.push_back(m.name);
  layout_ = candidate_layout(names, channels(), stats_);
  rerank_member();  // a reranker.vectors naming no member fails before any fit
  if (ctx.valid && ctx.valid->size() > 0) {
    fit_members(train, ctx, 1.0);
    fit_rankers(*ctx.valid, *ctx.progress);
  } else {
    // No validation cases: the members fit once without each user's last event to give the
    // ranker its cases, then again on every train row; each fit gets half of the time.
    auto [rest, cases] = hold_out_last(train);
    LMREC_CHECK(cases.size() > 0, ConfigError,
                "pipeline: the ranker needs validation cases or users with two or more events");
    FitContext inner = ctx;
    inner.validate = nullptr;
    fit_members(rest, inner, 0.5);
    fit_rankers(cases, *ctx.progress);
    fit_members(train, ctx, 0.5);
  }
  build_reranker();
}

void PipelineRecommender::fit_members(const Dataset& train, const FitContext& ctx, double share) {
  auto started = std::chrono::steady_clock::now();
  const size_t n = options_.members.size();
  std::vector<Options> run(n);
  std::vector<bool> budgeted(n, false);
  for (size_t m = 0; m < n; ++m) {
    run[m] = options_.members[m].options;
    const auto& kind = options_.members[m].kind;
    Options effective = make_recommender(kind, run[m])->options();
    if (effective.has("seed") && !run[m].has("seed"))
      run[m].set("seed", std::to_string(options_.seed));
    budgeted[m] =
        options_.time_limit > 0 && effective.has("time_limit") && !run[m].has("time_limit");
  }
  members_.clear();
  members_.resize(n);
  // Members without a share of the budget first, so the budgeted ones get what they leave.
  for (int pass = 0; pass < 2; ++pass) {
    auto left = static_cast<int64_t>(std::count(budgeted.begin(), budgeted.end(), true));
    for (size_t m = 0; m < n; ++m) {
      if (budgeted[m] != (pass == 1)) continue;
      if (budgeted[m]) {
        double rest = options_.time_limit * share * (1 - kRankerReserve) - elapsed(started);
        run[m].set("time_limit", format_option(std::max(rest / double(left--), 1.0)));
      }
      members_[m] = make_recommender(options_.members[m].kind, run[m]);
      ctx.progress->status("pipeline: fitting member " + options_.members[m].name + " (" +
                           options_.members[m].kind + ")");
      members_[m]->fit(train, ctx);
    }
  }
  for (size_t m = 0; m < n; ++m) options_.members[m].options = members_[m]->options();
}

int32_t PipelineRecommender::fold_of(int32_t user) const {
  if (user < 0) return 0;
  const int64_t key[2] = {user, options_.seed};
  uint64_t h = hash_bytes(key, sizeof key);
  return static_cast<int32_t>(h % static_cast<uint64_t>(options_.folds));
}

int32_t PipelineRecommender::ranker_for(const UserContext& user) const {
  if (rankers_.size() <= 1 || user.user < 0) return 0;
  return (fold_of(user.user) + 1) % static_cast<int32_t>(rankers_.size());
}

std::vector<std::vector<float>> PipelineRecommender::member_scores(
    std::span<const UserContext> users) const {
  std::vector<std::vector<float>> rows(members_.size());
  for (size_t m = 0; m < members_.size(); ++m) {
    rows[m].resize(users.size() * static_cast<size_t>(n_items_));
    members_[m]->score(users, rows[m].data());
  }
  return rows;
}

CandidateUnion PipelineRecommender::union_of(const UserContext& user,
                                             const std::vector<const float*>& rows) const {
  std::vector<uint8_t> excluded(static_cast<size_t>(n_items_), 0);
  for (int32_t i : user.items)
    if (i >= 0 && i < n_items_) excluded[static_cast<size_t>(i)] = 1;
  std::vector<ChannelRow> channel_rows;
  for (int32_t c : channels())
    channel_rows.push_back({rows[static_cast<size_t>(c)], options_.members[c].candidates});
  return union_candidates(channel_rows, n_items_, excluded);
}

RankedCandidates PipelineRecommender::rank_one(const UserContext& user,
                                               const std::vector<const float*>& rows) const {
  RankedCandidates out;
  out.candidates = union_of(user, rows);
  add_candidate_rows(out.candidates, rows, user, stats_, layout_, out.features);
  out.ranker = ranker_for(user);
  return out;
}

std::vector<RankedCandidates> PipelineRecommender::rank(std::span<const UserContext> users) const {
  std::vector<std::vector<float>> rows;
  return rank(users, rows);
}

std::vector<RankedCandidates> PipelineRecommender::rank(
    std::span<const UserContext> users, std::vector<std::vector<float>>& rows) const {
  LMREC_CHECK(!members_.empty() && !rankers_.empty(), UsageError,
              "pipeline: rank() before fit() or load");
  rows = member_scores(users);
  std::vector<RankedCandidates> out(users.size());
  std::vector<RankingData> by_ranker(rankers_.size());
  std::vector<const float*> user_rows(rows.size());
  for (size_t u = 0; u < users.size(); ++u) {
    for (size_t m = 0; m < rows.size(); ++m)
      user_rows[m] = rows[m].data() + u * static_cast<size_t>(n_items_);
    out[u] = rank_one(users[u], user_rows);
    by_ranker[static_cast<size_t>(out[u].ranker)].append(out[u].features);
  }
  for (size_t r = 0; r < rankers_.size(); ++r) {
    std::vector<float> scores(static_cast<size_t>(by_ranker[r].rows()));
    if (!scores.empty()) rankers_[r]->score(by_ranker[r], layout_, scores.data());
    size_t at = 0;
    for (auto& rc : out) {
      if (static_cast<size_t>(rc.ranker) != r) continue;
      size_t n = rc.candidates.items.size();
      rc.ranker_score.assign(scores.begin() + at, scores.begin() + at + n);
      at += n;
      rc.order.resize(n);
      std::iota(rc.order.begin(), rc.order.end(), 0);
      std::stable_sort(rc.order.begin(), rc.order.end(), [&](int32_t a, int32_t b) {
        return rc.ranker_score[a] > rc.ranker_score[b];
      });
    }
  }
  return out;
}

void PipelineRecommender::score(std::span<const UserContext> users, float* scores) const {
  std::vector<std::vector<float>> rows;
  auto ranked = rank(users, rows);
  const auto n = static_cast<size_t>(n_items_);
  for (size_t u = 0; u < users.size(); ++u) {
    float* out = scores + u * n;
    const float* primary = rows[static_cast<size_t>(primary_)].data() + u * n;
    std::copy(primary, primary + n, out);
    const auto& rc = ranked[u];
    float top = -std::numeric_limits<float>::infinity();
    std::vector<uint8_t> is_candidate(n, 0);
    for (int32_t i : rc.candidates.items) is_candidate[static_cast<size_t>(i)] = 1;
    for (size_t i = 0; i < n; ++i)
      if (!is_candidate[i] && std::isfinite(out[i])) top = std::max(top, out[i]);
    // The candidates above everything else, in the ranker's order: integer steps over the
    // rest's best score stay exact in float for lists far longer than any channel's.
    float base = std::isfinite(top) ? std::floor(top) + 1 : 0;
    auto order = final_order(users[u], rc);
    const size_t c = order.size();
    for (size_t p = 0; p < c; ++p) out[order[p]] = base + static_cast<float>(c - p);
  }
}

}  // namespace lmrec

namespace lmrec {

void PipelineRecommender::fit_rankers(const ValidationCases& valid, Progress& progress) {
  const size_t n_cases = valid.size(), n_members = members_.size();
  const auto folds = static_cast<size_t>(options_.folds);
  const size_t n_batches = (n_cases + kBatch - 1) / kBatch;
  std::vector<RankingData> parts(n_batches * folds);
  std::vector<double> valid_sums(n_batches * n_members, 0.0);
  std::exception_ptr error;
  progress.start("ranker cases", static_cast<int64_t>(n_cases), "users");
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t b = 0; b < static_cast<int64_t>(n_batches); ++b) {
    try {
      size_t begin = static_cast<size_t>(b) * kBatch, end = std::min(begin + kBatch, n_cases);
      std::span<const UserContext> batch(valid.contexts.data() + begin, end - begin);
      auto rows = member_scores(batch);
      std::vector<const float*> user_rows(n_members);
      std::vector<uint8_t> excluded(static_cast<size_t>(n_items_));
      for (size_t u = 0; u < batch.size(); ++u) {
        const auto& targets = valid.targets[begin + u];
        for (size_t m = 0; m < n_members; ++m)
          user_rows[m] = rows[m].data() + u * static_cast<size_t>(n_items_);
        RankedCandidates rc = rank_one(batch[u], user_rows);
        for (int32_t item : rc.candidates.items)
          rc.features.labels.push_back(
              std::find(targets.begin(), targets.end(), item) != targets.end() ? 1.0f : 0.0f);
        size_t fold = folds > 1 ? static_cast<size_t>(fold_of(batch[u].user)) : 0;
        parts[static_cast<size_t>(b) * folds + fold].append(rc.features);
        std::fill(excluded.begin(), excluded.end(), 0);
        for (int32_t i : batch[u].items) excluded[static_cast<size_t>(i)] = 1;
        for (size_t m = 0; m < n_members; ++m)
          for (int32_t t : targets) {
            int64_t place = place_of(user_rows[m], n_items_, t, excluded);
            if (place < 10 && !excluded[static_cast<size_t>(t)])
              valid_sums[static_cast<size_t>(b) * n_members + m] +=
                  1.0 / std::log2(static_cast<double>(place) + 2) / double(targets.size());
          }
      }
#pragma omp critical(lmrec_pipeline_progress)
      progress.advance(static_cast<int64_t>(end - begin));
    } catch (...) {
#pragma omp critical(lmrec_pipeline_error)
      if (!error) error = std::current_exception();
    }
  }
  progress.finish();
  if (error) std::rethrow_exception(error);
  member_valid_.assign(n_members, 0.0);
  for (size_t b = 0; b < n_batches; ++b)
    for (size_t m = 0; m < n_members; ++m)
      member_valid_[m] += valid_sums[b * n_members + m] / static_cast<double>(n_cases);
  primary_ = static_cast<int32_t>(std::max_element(member_valid_.begin(), member_valid_.end()) -
                                  member_valid_.begin());
  rankers_.clear();
  for (size_t f = 0; f < folds; ++f) {
    RankingData data;
    for (size_t b = 0; b < n_batches; ++b) data.append(parts[b * folds + f]);
    data.n_features = layout_.n_features();
    rankers_.push_back(make_ranker(options_.ranker, options_.ranker_options));
    rankers_.back()->fit(data, layout_);
  }
}

std::vector<ItemView> PipelineRecommender::item_views(std::span<const UserContext> users,
                                                      std::span<const int32_t> items,
                                                      bool contributions) const {
  LMREC_CHECK(!members_.empty() && !rankers_.empty(), UsageError,
              "pipeline: item_views() before fit() or load");
  for (int32_t item : items)
    LMREC_CHECK(item >= 0 && item < n_items_, UsageError,
                "pipeline: item " + std::to_string(item) + " is not in the catalogue");
  auto rows = member_scores(users);
  std::vector<ItemView> out;
  std::vector<const float*> user_rows(rows.size());
  for (size_t u = 0; u < users.size(); ++u) {
    for (size_t m = 0; m < rows.size(); ++m)
      user_rows[m] = rows[m].data() + u * static_cast<size_t>(n_items_);
    out.push_back(view_one(users[u], user_rows, items, contributions));
  }
  return out;
}

// The union's features depend on the whole candidate set (gaps to the best, places among the
// candidates), so the items asked for join the request's union before their rows are cut out.
ItemView PipelineRecommender::view_one(const UserContext& user,
                                       const std::vector<const float*>& rows,
                                       std::span<const int32_t> items, bool contributions) const {
  CandidateUnion cands = union_of(user, rows);
  const auto channels = static_cast<size_t>(cands.channels);
  std::vector<size_t> at;
  for (int32_t item : items) {
    auto it = std::find(cands.items.begin(), cands.items.end(), item);
    if (it == cands.items.end()) {
      cands.items.push_back(item);
      cands.places.resize(cands.places.size() + channels, -1);
      it = cands.items.end() - 1;
    }
    at.push_back(static_cast<size_t>(it - cands.items.begin()));
  }
  RankingData all;
  add_candidate_rows(cands, rows, user, stats_, layout_, all);
  ItemView view;
  view.ranker = ranker_for(user);
  const Ranker& ranker = *rankers_[static_cast<size_t>(view.ranker)];
  view.features.n_features = all.n_features;
  const auto nf = static_cast<size_t>(all.n_features);
  for (size_t row : at) {
    view.features.features.insert(view.features.features.end(), all.features.begin() + row * nf,
                                  all.features.begin() + (row + 1) * nf);
    std::vector<int32_t> proposing;
    for (size_t c = 0; c < channels; ++c)
      if (cands.place(row, static_cast<int32_t>(c)) >= 0)
        proposing.push_back(static_cast<int32_t>(c));
    view.channels.push_back(std::move(proposing));
  }
  view.features.group_begin.push_back(static_cast<int64_t>(at.size()));
  if (ranker.rows_independent()) {  // the asked rows alone: TreeSHAP over 300 rows is slow
    view.score.resize(at.size());
    ranker.score(view.features, layout_, view.score.data());
    if (contributions) view.contributions = ranker.contributions(view.features, layout_);
    return view;
  }
  std::vector<float> scores(cands.items.size()), shares;
  ranker.score(all, layout_, scores.data());
  if (contributions) shares = ranker.contributions(all, layout_);
  for (size_t row : at) {
    view.score.push_back(scores[row]);
    if (!shares.empty())
      view.contributions.insert(view.contributions.end(), shares.begin() + row * (nf + 1),
                                shares.begin() + (row + 1) * (nf + 1));
  }
  return view;
}

void PipelineRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!members_.empty() && !rankers_.empty(), UsageError, "pipeline: save before fit()");
  for (size_t k = 0; k < members_.size(); ++k) {
    std::filesystem::create_directories(sub_dir(dir, "member", k));
    save_model(*members_[k], sub_dir(dir, "member", k),
               {{"pipeline_member", member_specs()[k].name}});
  }
  for (size_t f = 0; f < rankers_.size(); ++f) {
    std::filesystem::create_directories(sub_dir(dir, "ranker", f));
    rankers_[f]->save(sub_dir(dir, "ranker", f));
  }
  BinaryWriter out(dir + "/pipeline.bin", kMagic, kVersion);
  out.u64(members_.size());
  for (const auto& m : members_) out.str(m->options().to_json().dump());
  out.u64(rankers_.size());
  out.u64(static_cast<uint64_t>(primary_));
  out.array(member_valid_);
  out.array(stats_.popularity);
  out.array(stats_.recent);
  out.array(stats_.age);
  out.u64(stats_.times);
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> ids;
  for (const auto& c : stats_.categories) {
    ids.insert(ids.end(), c.begin(), c.end());
    indptr.push_back(static_cast<int64_t>(ids.size()));
  }
  out.array(indptr);
  out.array(ids);
  out.strings(layout_.names);
  out.commit();
}

void PipelineRecommender::load_weights(const std::string& dir) {
  const std::string file = dir + "/pipeline.bin";
  BinaryReader in(file, kMagic, kVersion, "pipeline file");
  auto fail = [&](const std::string& why) { LMREC_THROW(FormatError, file + ": " + why); };
  auto count = in.u64();
  if (count != options_.members.size())
    fail(std::to_string(count) + " members, the options name " +
         std::to_string(options_.members.size()));
  std::vector<std::unique_ptr<Recommender>> members;
  for (size_t k = 0; k < count; ++k) {
    auto expected = in.str();
    const auto& spec = options_.members[k];
    std::unique_ptr<Recommender> member;
    try {
      member = load_model(sub_dir(dir, "member", k));
    } catch (const Error& e) {
      LMREC_THROW(FormatError, sub_dir(dir, "member", k) + ": the pipeline's member '" + spec.name +
                                   "' (" + spec.kind + ") cannot be loaded: " + e.what());
    }
    if (member->name() != spec.kind || member->options().to_json().dump() != expected ||
        (k > 0 && member->n_items() != members.front()->n_items()))
      LMREC_THROW(FormatError, sub_dir(dir, "member", k) + ": not the pipeline's member '" +
                                   spec.name + "' (" + spec.kind + ")");
    members.push_back(std::move(member));
  }
  auto folds = in.u64(), primary = in.u64();
  if (folds != static_cast<uint64_t>(options_.folds) || primary >= count)
    fail("ranker count or primary member do not fit the options");
  ItemStats stats;
  member_valid_ = in.array<double>();
  stats.popularity = in.array<float>();
  stats.recent = in.array<float>();
  stats.age = in.array<float>();
  stats.times = in.u64() != 0;
  auto indptr = in.array<int64_t>();
  auto ids = in.array<int32_t>();
  auto names = in.strings();
  in.expect_end();
  const int32_t n = members.front()->n_items();
  const auto un = static_cast<size_t>(n);
  if (stats.popularity.size() != un || member_valid_.size() != count ||
      (stats.times && (stats.recent.size() != un || stats.age.size() != un)) ||
      (indptr.size() != 1 && indptr.size() != un + 1) || indptr.front() != 0 ||
      indptr.back() != static_cast<int64_t>(ids.size()))
    fail("item statistics do not fit " + std::to_string(n) + " items");
  for (size_t i = 0; i + 1 < indptr.size(); ++i) {
    if (indptr[i + 1] < indptr[i]) fail("category offsets decrease");
    stats.categories.emplace_back(ids.begin() + indptr[i], ids.begin() + indptr[i + 1]);
  }
  std::vector<std::unique_ptr<Ranker>> rankers;
  for (size_t f = 0; f < folds; ++f) {
    rankers.push_back(make_ranker(options_.ranker, options_.ranker_options));
    rankers.back()->load(sub_dir(dir, "ranker", f));
  }
  std::vector<std::string> member_names;
  for (const auto& m : options_.members) member_names.push_back(m.name);
  members_ = std::move(members);
  stats_ = std::move(stats);
  layout_ = candidate_layout(member_names, channels(), stats_);
  if (layout_.names != names) fail("feature columns differ from the ones the ranker learnt");
  rankers_ = std::move(rankers);
  n_items_ = n;
  primary_ = static_cast<int32_t>(primary);
  build_reranker();
}

}  // namespace lmrec
