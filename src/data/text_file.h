// A whole input file as one read-only byte range, memory-mapped when possible, so parsers hand
// out string_views into it instead of allocating a string per line or field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lmrec {

class TextFile {
 public:
  // Throws IoError when the file cannot be opened or read.
  explicit TextFile(const std::string& path);
  ~TextFile();
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;

  const std::string& path() const { return path_; }
  // The contents without a leading UTF-8 byte-order mark.
  std::string_view text() const { return text_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string copy_;  // contents when the file cannot be mapped (pipes, special files)
  std::string_view text_;
};

// Iterates the lines of a text, numbered from 1. Accepts "\n" and "\r\n" endings and a last
// line without an ending.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  // Sets `line` to the next line without its ending; false at the end of the text.
  bool next(std::string_view& line);
  // Number of the line last returned by next().
  int64_t line_number() const { return line_number_; }
  // Byte offset of the first line not yet returned.
  size_t offset() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_number_ = 0;
};

// True when a line holds nothing but spaces, tabs or a carriage return.
bool is_blank(std::string_view line);

// Average bytes per line over the first ~64 KiB of `text`, to size row buffers up front.
double bytes_per_line(std::string_view text);

}  // namespace lmrec
