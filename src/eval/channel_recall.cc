#include "eval/channel_recall.h"

#include <algorithm>
#include <cstdio>

#include "eval/cases.h"

namespace lmrec {

ChannelRecall channel_recall(const PipelineRecommender& model, const Dataset& data,
                             const Split& split, Role phase, int64_t max_cases) {
  auto history = split.history_mask(phase);
  EvalCases cases = find_cases(data, split, phase, history, max_cases);
  ChannelRecall out;
  const FeatureLayout& layout = model.layout();
  for (const auto& name : layout.channel_names) {
    int32_t n = 0;
    for (const auto& m : model.member_specs())
      if (m.name == name) n = m.candidates;
    out.channels.push_back({name, n, 0.0});
  }
  constexpr size_t kBatch = 64;
  double targets = 0;
  for (size_t begin = 0; begin < cases.size(); begin += kBatch) {
    size_t end = std::min(begin + kBatch, cases.size());
    std::vector<UserContext> users;
    for (size_t c = begin; c < end; ++c)
      users.push_back(make_context(data, cases.user[c], history));
    auto ranked = model.rank(users);
    for (size_t c = begin; c < end; ++c) {
      const CandidateUnion& u = ranked[c - begin].candidates;
      out.union_size += static_cast<double>(u.items.size());
      for (int32_t t : cases.targets(c)) {
        targets += 1;
        auto at = std::find(u.items.begin(), u.items.end(), t);
        if (at == u.items.end()) continue;
        out.union_recall += 1;
        auto row = static_cast<size_t>(at - u.items.begin());
        for (size_t k = 0; k < out.channels.size(); ++k)
          out.channels[k].recall += u.place(row, static_cast<int32_t>(k)) >= 0;
      }
    }
  }
  out.cases = static_cast<int64_t>(cases.size());
  if (targets > 0) {
    out.union_recall /= targets;
    for (auto& ch : out.channels) ch.recall /= targets;
  }
  if (out.cases > 0) out.union_size /= static_cast<double>(out.cases);
  return out;
}

nlohmann::json ChannelRecall::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : channels)
    list.push_back({{"channel", c.name}, {"n", c.n}, {"recall", c.recall}});
  return {{"cases", cases},
          {"channels", list},
          {"union", {{"recall", union_recall}, {"mean_size", union_size}}}};
}

std::string ChannelRecall::to_table() const {
  std::string out = "channel      N      recall@N\n";
  char line[128];
  for (const auto& c : channels) {
    std::snprintf(line, sizeof line, "%-12s %-6d %.4f\n", c.name.c_str(), c.n, c.recall);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-12s %-6.0f %.4f\n", "union", union_size, union_recall);
  return out + line;
}

}  // namespace lmrec
