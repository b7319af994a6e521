// The union of several channels' candidate lists for one request. Each channel proposes its
// top-N items from a dense score row over the catalogue (a member model's scores); a candidate
// keeps its place in every channel's list, and the union keeps the order of first proposal
// (channel by channel, each list best first), so it is deterministic.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lmrec {

struct ChannelRow {
  const float* scores;  // [n_items] the channel's scores for this request
  int32_t n;            // the list length it proposes (0: it proposes nothing)
};

struct CandidateUnion {
  std::vector<int32_t> items;
  // [items.size() × channels]: the candidate's place in channel c's list, or -1 when the
  // channel did not propose it.
  std::vector<int32_t> places;
  int32_t channels = 0;
  int32_t place(size_t candidate, int32_t channel) const {
    return places[candidate * static_cast<size_t>(channels) + static_cast<size_t>(channel)];
  }
};

// `excluded` [n_items] marks items no channel may propose (the history, filtered items); it may
// be empty. Items scored NaN or -inf are never proposed.
CandidateUnion union_candidates(std::span<const ChannelRow> channels, int32_t n_items,
                                std::span<const uint8_t> excluded);

}  // namespace lmrec
