#include "core/json_depth.h"

#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace lmrec {

bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    char c = text[k];
    if (in_string) {
      if (c == '\\')
        ++k;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

nlohmann::json parse_json_bounded(std::string_view text, const std::string& what, int max_depth) {
  if (!json_depth_within(text, max_depth))
    LMREC_THROW(FormatError, what + ": JSON nested deeper than " + std::to_string(max_depth) +
                                 " levels of arrays and objects");
  return nlohmann::json::parse(text.begin(), text.end());
}

nlohmann::json parse_json_file_bounded(const std::string& path, int max_depth) {
  std::ifstream in(path, std::ios::binary);
  if (!in) LMREC_THROW(IoError, "cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) LMREC_THROW(IoError, "cannot read " + path);
  return parse_json_bounded(text.str(), path, max_depth);
}

}  // namespace lmrec
