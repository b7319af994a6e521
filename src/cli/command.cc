#include "cli/command.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "core/json_depth.h"

namespace lmrec::cli {

std::unique_ptr<Progress> GlobalFlags::make_progress() const {
  return std::make_unique<TerminalProgress>(!quiet && TerminalProgress::stderr_is_terminal());
}

std::vector<int> parse_int_list(const std::string& text, const std::string& what) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    try {
      size_t used = 0;
      int v = std::stoi(part, &used);
      if (used == part.size() && v > 0) {
        out.push_back(v);
        continue;
      }
    } catch (const std::exception&) {
    }
    LMREC_THROW(ConfigError,
                what + ": expected positive integers separated by commas, got '" + text + "'");
  }
  if (out.empty()) LMREC_THROW(ConfigError, what + ": empty list");
  return out;
}

nlohmann::json read_json_file(const std::string& path) {
  try {
    return parse_json_file_bounded(path);
  } catch (const nlohmann::json::exception& e) {
    LMREC_THROW(ConfigError, path + ": not valid JSON: " + e.what());
  } catch (const FormatError& e) {
    LMREC_THROW(ConfigError, e.what());
  }
}

}  // namespace lmrec::cli
