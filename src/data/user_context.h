// What is known of one user at request time. Every model scores from a UserContext, so a user
// unseen at training time is served exactly like a known one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace lmrec {

struct UserContext {
  int32_t user = -1;             // id known to the dataset, or -1 for a new user
  std::vector<int32_t> items;    // history, oldest first
  std::vector<int64_t> times;    // empty, or one per item
  std::vector<float> values;     // empty, or one per item
  std::vector<int16_t> events;   // empty, or one per item
  Attributes attributes;
  std::string text;              // optional free text (a query)
};

// The context of user `u` made of the rows [begin, end) of `data` that pass `keep` (all when
// `keep` is empty); rows must belong to u.
UserContext make_context(const Dataset& data, int32_t u, const std::vector<uint8_t>& keep = {});

}  // namespace lmrec
