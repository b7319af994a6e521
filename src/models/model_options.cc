#include "models/model_options.h"

#include <charconv>

namespace lmrec {

std::string format_option(double v) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

}  // namespace lmrec
