// S3-Rec sequence files (Amazon Beauty, Toys, ... as preprocessed by the S3-Rec authors): one
// line per user, "user item1 item2 ...", items oldest first. There are no ratings or times, so
// values are 1 and times are the input order (explicit_values and has_times stay false).
#pragma once

#include <string>
#include <string_view>

#include "data/record_sink.h"

namespace lmrec {

void read_s3rec(const std::string& path, RecordSink& sink);

// True when the first lines of `text` read as S3-Rec: tokens separated by spaces, no user
// starting two lines (a ratings file repeats its users) and lines of varying length. Lines
// with a single token are left for the reader to report.
bool looks_like_s3rec(std::string_view text);

}  // namespace lmrec
