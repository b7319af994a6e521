// Candidate generation: a channel proposes a short list of items for a user context, each with
// the channel's own score, so that several channels can be merged and re-ranked later.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/top_k.h"
#include "data/user_context.h"

namespace lmrec {

class Retriever {
 public:
  virtual ~Retriever() = default;
  // Names the channel in logs and merged candidate lists.
  virtual std::string name() const = 0;
  // At most k items, best first (ties to the lower item id), none of them in `exclude`. The
  // user's history is not excluded implicitly: callers that do not want it pass it in `exclude`.
  // Safe to call from several threads at once.
  virtual std::vector<ScoredItem> retrieve(const UserContext& user, int k,
                                           std::span<const int32_t> exclude) const = 0;
};

}  // namespace lmrec
