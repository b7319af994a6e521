// The options of the pipeline model, flat so they come from `--set` and run files alike:
//   members=NAME:KIND,...   the member models (KIND defaults to NAME); "auto" picks them from
//                           the data at fit time (see auto_members)
//   NAME.KEY=VALUE          option KEY of member NAME
//   NAME.candidates=N       member NAME proposes its top N (0: a feature only, not a channel)
//   ranker=xgboost|weighted|rrf, ranker.KEY=VALUE   the fusion ranker and its options
//   reranker=none|mmr|dpp|rules, reranker.KEY=VALUE   the list step after the ranker and its
//                           options; reranker.k=N reranks the top N (20), reranker.vectors=MEMBER
//                           compares items by that member's item vectors (else categories)
//   folds=F                 cross-fitted rankers: ranker f learns from the validation cases of
//                           user fold f and ranks the users of the other folds, so validation
//                           figures stay honest (1: one ranker learns from every case)
//   time_limit=S            seconds for the whole fit; neural members without their own limit
//                           share what the others leave, less a reserve for the ranker
//   seed=N
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/options.h"
#include "data/dataset.h"

namespace lmrec {

struct PipelineMember {
  std::string name, kind;
  Options options;         // the member's own options as given (defaults filled at fit)
  int32_t candidates = 0;  // list length it proposes; 0 = feature only
};

struct PipelineOptions {
  bool auto_members = true;
  std::vector<PipelineMember> members;  // empty until resolved when auto_members
  std::string ranker = "xgboost";
  Options ranker_options;
  std::string reranker = "none";
  Options reranker_options;  // the reranker's own options
  int64_t rerank_k = 20;
  std::string rerank_vectors;  // member name, or empty
  int64_t folds = 2;
  double time_limit = 0;
  int64_t seed = 42;
  // NAME.KEY options given for auto members, applied when they are resolved.
  std::map<std::string, Options> pending;

  static PipelineOptions parse(const Options& options);
  Options to_options() const;
  // Resolves "auto" against the train data: popularity, itemknn, ease (catalogues up to 40,000
  // items), ials, a sequence model (sasrec on long histories, bsarec on short ones) and, when
  // the catalogue has text and the text encoder's weights are found, semantic.
  void resolve(const Dataset& train);
};

}  // namespace lmrec
