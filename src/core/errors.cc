#include "core/errors.h"

#include <cstring>

namespace lmrec {
namespace {
std::string short_source(const char* path) {
  const char* src = std::strstr(path, "src/");
  return src ? src + 4 : path;
}
}  // namespace

Error::Error(const std::string& message, const char* src_file, int src_line)
    : std::runtime_error(message), where_(short_source(src_file) + ":" + std::to_string(src_line)) {}

InputError::InputError(std::string file, int64_t line, std::string field, std::string problem,
                       const char* src_file, int src_line)
    : Error(file + ":" + std::to_string(line) + ": field '" + field + "': " + problem, src_file,
            src_line),
      file_(std::move(file)),
      field_(std::move(field)),
      problem_(std::move(problem)),
      line_(line) {}

}  // namespace lmrec
