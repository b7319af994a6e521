// The binary dataset file (`.lmd`) written by `lmrec import`: versioned and checksummed, loads
// in milliseconds, and a truncated or corrupted file is refused with a FormatError.
#pragma once

#include <string>

#include "data/dataset.h"

namespace lmrec {

void save_dataset(const Dataset& data, const std::string& path);
Dataset load_dataset(const std::string& path);

}  // namespace lmrec
