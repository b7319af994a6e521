// JSON parsing with a bound on nesting depth. nlohmann's parser and dump() recurse once per
// level, so a few hundred kilobytes of "[[[[..." exhaust the stack; every parse of text from
// outside the process goes through here so such input is refused before it is parsed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace lmrec {

// Deeper than any config, model manifest, event or item lmrec reads.
inline constexpr int kMaxJsonDepth = 64;

// True when no array or object in `text` is nested deeper than `max_depth` levels. Counts
// brackets outside strings only (escapes honoured); says nothing about the rest of the syntax.
bool json_depth_within(std::string_view text, int max_depth = kMaxJsonDepth);

// Parses `text` after checking its depth. Throws FormatError naming `what` when it is nested too
// deeply; syntax errors stay nlohmann::json::parse_error, for callers to word as they do.
nlohmann::json parse_json_bounded(std::string_view text, const std::string& what,
                                  int max_depth = kMaxJsonDepth);

// Reads a whole file and parses it as above; throws IoError when it cannot be read.
nlohmann::json parse_json_file_bounded(const std::string& path, int max_depth = kMaxJsonDepth);

}  // namespace lmrec
