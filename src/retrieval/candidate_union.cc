#include "retrieval/candidate_union.h"

#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/top_k.h"

namespace lmrec {

CandidateUnion union_candidates(std::span<const ChannelRow> channels, int32_t n_items,
                                std::span<const uint8_t> excluded) {
  CandidateUnion out;
  out.channels = static_cast<int32_t>(channels.size());
  std::unordered_map<int32_t, size_t> index;
  std::vector<float> row;
  for (size_t c = 0; c < channels.size(); ++c) {
    if (channels[c].n <= 0) continue;
    row.assign(channels[c].scores, channels[c].scores + n_items);
    for (int32_t i = 0; i < n_items; ++i)
      if ((!excluded.empty() && excluded[i]) || std::isnan(row[i]))
        row[i] = -std::numeric_limits<float>::infinity();
    auto list = top_k(row, channels[c].n);
    for (size_t p = 0; p < list.size(); ++p) {
      auto [it, added] = index.emplace(list[p].item, out.items.size());
      if (added) {
        out.items.push_back(list[p].item);
        out.places.resize(out.places.size() + channels.size(), -1);
      }
      out.places[it->second * channels.size() + c] = static_cast<int32_t>(p);
    }
  }
  return out;
}

}  // namespace lmrec
