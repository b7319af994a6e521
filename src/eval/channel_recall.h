// How much each channel of a pipeline brings: over a phase's cases, the share of targets that
// each channel's top-N list holds (recall@N, the user's history excluded as when serving) and
// the share the union of all lists holds — the ceiling of what the ranker can reach.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/split.h"
#include "models/pipeline.h"

namespace lmrec {

struct ChannelRecall {
  struct Channel {
    std::string name;
    int32_t n = 0;  // list length it proposes
    double recall = 0;
  };
  std::vector<Channel> channels;
  double union_recall = 0, union_size = 0;  // union_size: mean candidates per case
  int64_t cases = 0;

  nlohmann::json to_json() const;
  std::string to_table() const;
};

// max_cases as in find_cases (0 = all).
ChannelRecall channel_recall(const PipelineRecommender& model, const Dataset& data,
                             const Split& split, Role phase, int64_t max_cases);

}  // namespace lmrec
