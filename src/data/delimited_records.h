// Splits delimited text (CSV, TSV, pipe-separated) into records of fields without copying: each
// field is a view into the text, or into a scratch buffer when a quoted field holds escaped
// quotes. Lines without a quote take a memchr-only fast path, which is what makes large
// ratings files quick to read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lmrec {

struct Dialect {
  char delimiter = ',';
  // RFC 4180 quoting: a field in double quotes may hold delimiters, newlines and "" for a quote.
  // Off for formats that never quote (TSV exports, MovieLens 100K), where a quote is a character.
  bool quoting = true;
};

class DelimitedRecords {
 public:
  DelimitedRecords(std::string_view text, Dialect dialect, std::string file);

  // Moves to the next record, skipping blank lines; false at the end. A quoting error throws
  // InputError; the next call then resumes on the line after the bad one.
  bool next();

  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t k) const { return fields_[k]; }
  const std::vector<std::string_view>& fields() const { return fields_; }
  // Line (1-based) the current record starts on, and its text without the line ending.
  int64_t line() const { return start_line_; }
  std::string_view raw() const { return raw_; }
  const std::string& file() const { return file_; }

  // Field names for error messages, normally the header; positions past them read "column N".
  void set_names(std::vector<std::string> names) { names_ = std::move(names); }
  std::string field_name(size_t k) const;

 private:
  struct Piece {  // a field as a range of the text or of the scratch buffer
    bool scratch;
    size_t begin, size;
  };
  void split_plain(std::string_view line);
  void split_quoted();
  size_t quoted_field(size_t p, std::vector<Piece>& pieces);
  [[noreturn]] void fail(size_t at, size_t field, const std::string& problem);

  std::string_view text_;
  Dialect dialect_;
  std::string file_;
  std::vector<std::string> names_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  std::string_view raw_;
  size_t pos_ = 0;
  int64_t line_ = 0;        // lines consumed so far
  int64_t start_line_ = 0;  // first line of the current record
};

// Splits `line` at every `delimiter`, with no quoting; for simple side files.
std::vector<std::string_view> split_fields(std::string_view line, char delimiter);

}  // namespace lmrec
