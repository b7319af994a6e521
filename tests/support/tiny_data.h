// Small hand-built datasets shared by tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace lmrec::testing {

// Users "u0".."u{n-1}", items "i0".."i{m-1}"; each event is (user, item, time) with value 1.
struct Event {
  int32_t user, item;
  int64_t time;
};
Dataset make_dataset(int32_t n_users, int32_t n_items, const std::vector<Event>& events);

// A fresh empty folder under the system temp dir, removed at process exit is not guaranteed.
std::string temp_dir(const std::string& name);

}  // namespace lmrec::testing
