#include "data/s3rec_reader.h"

#include <set>
#include <vector>

#include "data/text_fields.h"
#include "data/text_file.h"

namespace lmrec {

namespace {

void split_tokens(std::string_view line, std::vector<std::string_view>& tokens) {
  tokens.clear();
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > pos) tokens.push_back(line.substr(pos, end - pos));
    pos = end;
  }
}

std::string token_name(size_t k) { return k == 0 ? "user" : "item " + std::to_string(k); }

void parse_sequence(const std::string& path, int64_t line_number, std::string_view line,
                    const std::vector<std::string_view>& tokens, RecordSink& sink) {
  if (tokens.size() < 2)
    LMREC_THROW_INPUT(path, line_number, "item 1", "expected at least one item after the user");
  if (!is_valid_utf8(line))
    for (size_t k = 0; k < tokens.size(); ++k)
      if (!is_valid_utf8(tokens[k]))
        LMREC_THROW_INPUT(path, line_number, token_name(k),
                          "expected UTF-8 text, got " + quote_text(tokens[k]));
  for (size_t k = 0; k < tokens.size(); ++k)
    if (has_control_char(tokens[k]))
      LMREC_THROW_INPUT(path, line_number, token_name(k),
                        "expected an id without control characters, got " + quote_text(tokens[k]));
  for (size_t k = 1; k < tokens.size(); ++k)
    sink.add(tokens[0], tokens[k], 1.0f, sink.next_order());
}

}  // namespace

void read_s3rec(const std::string& path, RecordSink& sink) {
  TextFile file(path);
  LineCursor lines(file.text());
  sink.data().explicit_values = false;
  sink.data().has_times = false;
  sink.report().columns = "user=1,item=2..";
  sink.begin_interactions(path, file.text().size(), bytes_per_line(file.text()) / 10);
  std::vector<std::string_view> tokens;
  std::string_view line;
  while (lines.next(line)) {
    if (is_blank(line)) continue;
    split_tokens(line, tokens);
    guarded(sink, line, [&] { parse_sequence(path, lines.line_number(), line, tokens, sink); });
  }
  sink.end_file();
}

bool looks_like_s3rec(std::string_view text) {
  constexpr size_t kSample = 1 << 20;
  LineCursor lines(text.substr(0, kSample));
  std::set<std::string_view> users;
  std::set<size_t> lengths;
  std::vector<std::string_view> tokens;
  std::string_view line;
  int sampled = 0;
  while (sampled < 200 && lines.next(line)) {
    bool cut_off = lines.offset() == kSample && text.size() > kSample;
    if (is_blank(line) || cut_off) continue;
    if (line.find_first_of("\t,;|") != std::string_view::npos) return false;
    split_tokens(line, tokens);
    if (tokens.size() < 2) continue;  // a malformed line, reported when read
    if (!users.insert(tokens[0]).second) return false;
    lengths.insert(tokens.size());
    ++sampled;
  }
  // Fixed-width lines ("user item rating") are a ratings file whose users happen to be distinct.
  return sampled > 0 && !(sampled >= 20 && lengths.size() == 1);
}

}  // namespace lmrec
