// Typed exceptions. Library code throws these; only cli/ maps them to messages and exit codes.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace lmrec {

// Base of every lmrec error; `where` is the source location that raised it (file:line).
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, const char* src_file, int src_line);
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// A malformed record in user input: names the input file, its line (1-based), the field and
// what was expected there.
class InputError : public Error {
 public:
  InputError(std::string file, int64_t line, std::string field, std::string problem,
             const char* src_file, int src_line);
  const std::string& file() const { return file_; }
  int64_t line() const { return line_; }
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_, field_, problem_;
  int64_t line_;
};

// A binary file (dataset, model) that is truncated, corrupted or of another version.
class FormatError : public Error {
  using Error::Error;
};

// A bad option, config file or command-line value.
class ConfigError : public Error {
  using Error::Error;
};

// A file that cannot be opened, read or written.
class IoError : public Error {
  using Error::Error;
};

// Misuse of an API: wrong shapes, calling score() before fit(), unknown ids.
class UsageError : public Error {
  using Error::Error;
};

}  // namespace lmrec

#define LMREC_THROW(Type, msg) throw Type((msg), __FILE__, __LINE__)
#define LMREC_THROW_INPUT(file, line, field, problem) \
  throw ::lmrec::InputError((file), (line), (field), (problem), __FILE__, __LINE__)
#define LMREC_CHECK(cond, Type, msg) \
  do {                               \
    if (!(cond)) LMREC_THROW(Type, msg); \
  } while (0)
