// A store and a model folder for serving tests: 20 items in two clusters of 10 (i0..i9 and
// i10..i19), 30 users who each stay in one cluster, EASE fitted on all of it.
#pragma once

#include <string>

#include "data/dataset.h"

namespace lmrec::testing {

struct ServeFixture {
  std::string dir, store_path, model_dir;
  Dataset data;
};

// Writes the data into a fresh store and a fitted model (with items.txt) under `name`.
ServeFixture make_serve_fixture(const std::string& name, const std::string& model = "ease");

}  // namespace lmrec::testing
