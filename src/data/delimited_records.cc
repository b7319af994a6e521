#include "data/delimited_records.h"

#include <algorithm>
#include <cstring>

#include "core/errors.h"
#include "data/text_file.h"

namespace lmrec {

DelimitedRecords::DelimitedRecords(std::string_view text, Dialect dialect, std::string file)
    : text_(text), dialect_(dialect), file_(std::move(file)) {}

std::string DelimitedRecords::field_name(size_t k) const {
  return k < names_.size() ? names_[k] : "column " + std::to_string(k + 1);
}

bool DelimitedRecords::next() {
  while (pos_ < text_.size()) {
    const char* begin = text_.data() + pos_;
    size_t left = text_.size() - pos_;
    const void* nl = std::memchr(begin, '\n', left);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : left;
    std::string_view line(begin, len > 0 && begin[len - 1] == '\r' ? len - 1 : len);
    start_line_ = line_ + 1;
    if (line.empty() || ((line[0] == ' ' || line[0] == '\t') && is_blank(line))) {
      pos_ += nl ? len + 1 : len;
      ++line_;
      continue;
    }
    if (dialect_.quoting && std::memchr(line.data(), '"', line.size())) {
      split_quoted();
      return true;
    }
    pos_ += nl ? len + 1 : len;
    ++line_;
    raw_ = line;
    split_plain(line);
    return true;
  }
  return false;
}

void DelimitedRecords::split_plain(std::string_view line) {
  fields_.clear();
  const char* p = line.data();
  const char* end = p + line.size();
  for (;;) {
    const void* d = std::memchr(p, dialect_.delimiter, static_cast<size_t>(end - p));
    if (!d) {
      fields_.emplace_back(p, static_cast<size_t>(end - p));
      return;
    }
    auto* dc = static_cast<const char*>(d);
    fields_.emplace_back(p, static_cast<size_t>(dc - p));
    p = dc + 1;
  }
}

// Parses the record at pos_ field by field, letting quoted fields run over line ends.
void DelimitedRecords::split_quoted() {
  std::vector<Piece> pieces;
  scratch_.clear();
  size_t p = pos_, n = text_.size(), record_end = n, next_pos = n;
  for (;;) {
    size_t end;
    if (p < n && text_[p] == '"') {
      end = quoted_field(p, pieces);
    } else {
      end = p;
      while (end < n && text_[end] != dialect_.delimiter && text_[end] != '\n') ++end;
      size_t stop = end;
      if (stop > p && text_[stop - 1] == '\r' && (end == n || text_[end] == '\n')) --stop;
      pieces.push_back({false, p, stop - p});
    }
    if (end < n && text_[end] == dialect_.delimiter) {
      p = end + 1;
      continue;
    }
    record_end = end;
    if (end < n) next_pos = text_[end] == '\r' ? std::min(end + 2, n) : end + 1;
    break;
  }
  raw_ = text_.substr(pos_, record_end - pos_);
  if (!raw_.empty() && raw_.back() == '\r') raw_.remove_suffix(1);
  line_ += 1 + std::count(raw_.begin(), raw_.end(), '\n');
  pos_ = next_pos;
  fields_.clear();
  for (const auto& piece : pieces)
    fields_.push_back(piece.scratch ? std::string_view(scratch_).substr(piece.begin, piece.size)
                                    : text_.substr(piece.begin, piece.size));
}

// Parses the quoted field whose opening quote is at `p`; returns the position just past it,
// which must be a delimiter, a line end or the end of the text.
size_t DelimitedRecords::quoted_field(size_t p, std::vector<Piece>& pieces) {
  size_t segment = p + 1, scratch_begin = scratch_.size();
  bool escaped = false;
  for (;;) {
    size_t close = text_.find('"', segment);
    if (close == std::string_view::npos) fail(p, pieces.size(), "expected a closing quote");
    if (close + 1 < text_.size() && text_[close + 1] == '"') {
      scratch_.append(text_.substr(segment, close + 1 - segment));
      segment = close + 2;
      escaped = true;
      continue;
    }
    if (escaped) {
      scratch_.append(text_.substr(segment, close - segment));
      pieces.push_back({true, scratch_begin, scratch_.size() - scratch_begin});
    } else {
      pieces.push_back({false, p + 1, close - p - 1});
    }
    size_t after = close + 1;
    if (after == text_.size()) return after;
    char c = text_[after];
    if (c == dialect_.delimiter || c == '\n') return after;
    if (c == '\r' && (after + 1 == text_.size() || text_[after + 1] == '\n')) return after;
    fail(after, pieces.size() - 1, "expected a delimiter after the closing quote");
  }
}

// Reports a quoting error at text offset `at` and sets up recovery: the bad record runs to the
// end of that physical line, and reading resumes on the next one.
void DelimitedRecords::fail(size_t at, size_t field, const std::string& problem) {
  size_t nl = text_.find('\n', at);
  size_t line_end = nl == std::string_view::npos ? text_.size() : nl;
  raw_ = text_.substr(pos_, line_end - pos_);
  if (!raw_.empty() && raw_.back() == '\r') raw_.remove_suffix(1);
  int64_t error_line = start_line_ + std::count(text_.begin() + pos_, text_.begin() + at, '\n');
  line_ = start_line_ + std::count(raw_.begin(), raw_.end(), '\n');
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  fields_.clear();
  LMREC_THROW_INPUT(file_, error_line, field_name(field), problem);
}

std::vector<std::string_view> split_fields(std::string_view line, char delimiter) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t d = line.find(delimiter, pos);
    if (d == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return out;
    }
    out.push_back(line.substr(pos, d - pos));
    pos = d + 1;
  }
}

}  // namespace lmrec
