// JSON Lines interactions: one object per line, e.g.
//   {"user": "u1", "item": "i9", "rating": 4.5, "timestamp": 1700000000}
// Keys are named by ReadOptions::columns or recognised from the first object's keys like CSV
// header names. Ids may be strings or integers; values numbers or numeric strings; times
// numbers or strings (unix seconds or ISO-8601). Other keys are ignored.
#pragma once

#include <string>

#include "data/record_sink.h"

namespace lmrec {

void read_jsonl(const std::string& path, RecordSink& sink);

}  // namespace lmrec
