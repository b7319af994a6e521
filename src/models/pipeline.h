// The fused system as one model: member models (sequence models, EASE, iALS, ItemKNN,
// popularity, text) each score the catalogue; the channels among them propose their top-N
// items; a ranker orders the union from per-candidate features (every member's score, each
// channel's rank, popularity, recency, history length, category match); the ranked candidates
// come first, the rest of the catalogue after them in the best member's order. A reranker
// (reranker=mmr|dpp|rules) may then reorder the top reranker.k of the ranked candidates.
//
// No test information reaches the fit: members fit on the train rows (validation only for
// early stopping, as alone); the ranker learns from the validation cases (FitContext::valid),
// candidates from members scoring the train history, labelled by the validation targets. With
// `folds` > 1 the rankers are cross-fitted over user folds — ranker f learns from fold f's cases
// and ranks the users of fold f+1 (mod folds) — so a user's own validation target never shaped
// the ranker that ranks them, and validation figures stay honest. The member chosen for the
// order after the candidates is the one with the best validation NDCG@10. A fit without
// validation cases (split none) holds out each user's last train event instead: members fitted
// on the rest give the ranker its cases, then are fitted again on every train row.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/pipeline_options.h"
#include "models/recommender.h"
#include "rank/candidate_features.h"
#include "rank/ranker.h"
#include "rerank/reranker.h"

namespace lmrec {

// Chosen items of one request as the ranker sees them, each scored as a candidate whether a
// channel proposed it or not: what explanations are made of.
struct ItemView {
  RankingData features;      // one group, rows in the order asked for
  std::vector<float> score;  // the ranker's score of each item
  // [items × (n_features + 1)] the ranker's contributions (see Ranker); empty unless asked for
  // or when the ranker has none.
  std::vector<float> contributions;
  std::vector<std::vector<int32_t>> channels;  // per item: the channels (layout order) proposing it
  int32_t ranker = 0;
};

// One request's ranked candidates and what produced them.
struct RankedCandidates {
  CandidateUnion candidates;
  RankingData features;             // one group, candidates in union order
  std::vector<float> ranker_score;  // per candidate
  std::vector<int32_t> order;       // candidate indices, best first
  int32_t ranker = 0;               // which cross-fitted ranker ranked them
};

class PipelineRecommender : public Recommender {
 public:
  explicit PipelineRecommender(PipelineOptions options);
  std::string name() const override { return "pipeline"; }
  Options options() const override { return options_.to_options(); }
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override;
  // Members in `member<k>/` model folders, rankers in `ranker<f>/`, tied by pipeline.bin.
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // The ranked candidates of each context, the history excluded.
  std::vector<RankedCandidates> rank(std::span<const UserContext> users) const;
  // The same, keeping the members' dense scores: rows[m] is [users.size() × n_items()].
  std::vector<RankedCandidates> rank(std::span<const UserContext> users,
                                     std::vector<std::vector<float>>& rows) const;
  // `items` of each context as candidates (proposed or not); ids must be in the catalogue.
  // Scores and contributions are those of each item within the request's whole candidate set
  // (rankers may standardise over it).
  std::vector<ItemView> item_views(std::span<const UserContext> users,
                                   std::span<const int32_t> items,
                                   bool contributions = false) const;

  const std::vector<std::unique_ptr<Recommender>>& members() const { return members_; }
  const std::vector<PipelineMember>& member_specs() const { return options_.members; }
  const FeatureLayout& layout() const { return layout_; }
  const Ranker& ranker(size_t f) const { return *rankers_.at(f); }
  int32_t primary() const { return primary_; }
  // Validation NDCG@10 of each member alone, over the cases the ranker learnt from.
  const std::vector<double>& member_validation() const { return member_valid_; }

 private:
  // `share`: the part of time_limit this fit of the members may spend.
  void fit_members(const Dataset& train, const FitContext& ctx, double share);
  void fit_rankers(const ValidationCases& valid, Progress& progress);
  // Dense member scores of `users`: [members][users.size() × n_items].
  std::vector<std::vector<float>> member_scores(std::span<const UserContext> users) const;
  // The channels' candidates for `user`, the history excluded.
  CandidateUnion union_of(const UserContext& user, const std::vector<const float*>& rows) const;
  RankedCandidates rank_one(const UserContext& user, const std::vector<const float*>& rows) const;
  ItemView view_one(const UserContext& user, const std::vector<const float*>& rows,
                    std::span<const int32_t> items, bool contributions) const;
  int32_t ranker_for(const UserContext& user) const;
  int32_t rerank_member() const;  // the member lending item vectors, or -1
  void build_reranker();
  std::vector<int32_t> final_order(const UserContext& user, const RankedCandidates& rc) const;
  int32_t fold_of(int32_t user) const;
  std::vector<int32_t> channels() const;

  PipelineOptions options_;
  std::vector<std::unique_ptr<Recommender>> members_;
  std::vector<std::unique_ptr<Ranker>> rankers_;
  std::shared_ptr<const Reranker> reranker_;  // null for reranker=none
  std::vector<double> member_valid_;
  FeatureLayout layout_;
  ItemStats stats_;
  int32_t n_items_ = 0, primary_ = 0;
};

}  // namespace lmrec
