#include "text/piece_tokenizer.h"

#include <utf8proc.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/json_depth.h"

namespace lmrec {
namespace {

constexpr char32_t kBoundary = 0x2581;  // "▁"
constexpr char32_t kReplacement = 0xFFFD;

// Decodes UTF-8, one U+FFFD per invalid byte (as a lenient decoder does).
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  for (size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      out.push_back(kReplacement);
      i += 1;
    } else {
      out.push_back(static_cast<char32_t>(cp));
      i += static_cast<size_t>(n);
    }
  }
  return out;
}

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  out.reserve(s.size() * 2);
  utf8proc_uint8_t buf[4];
  for (char32_t c : s) {
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_int32_t cp;
  for (size_t i = 0; i < s.size();) {
    auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

std::u32string nfkc(std::string_view text) {
  // Invalid UTF-8 is repaired first: utf8proc refuses it, JavaScript never sees it.
  std::string valid;
  if (!valid_utf8(text)) {
    valid = encode_utf8(decode_utf8(text));
    text = valid;
  }
  utf8proc_uint8_t* mapped = nullptr;
  // An explicit length (no NULLTERM) keeps embedded NUL characters, as JavaScript strings do.
  auto n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
      static_cast<utf8proc_ssize_t>(text.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) LMREC_THROW(UsageError, std::string("NFKC failed: ") + utf8proc_errmsg(n));
  std::u32string out =
      decode_utf8(std::string_view(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n)));
  std::free(mapped);
  return out;
}

int32_t utf16_length(const std::u32string& s) {
  int32_t n = 0;
  for (char32_t c : s) n += c > 0xFFFF ? 2 : 1;
  return n;
}

}  // namespace

std::u32string PieceTokenizer::normalize(std::string_view text) {
  std::u32string s = nfkc(text);
  if (s.empty()) return s;
  for (auto& c : s)
    if (c == U' ') c = kBoundary;
  return kBoundary + s;
}

PieceTokenizer PieceTokenizer::load(const std::string& vocab_path) {
  if (!std::ifstream(vocab_path)) LMREC_THROW(IoError, "cannot open vocabulary " + vocab_path);
  nlohmann::json vocab;
  try {
    vocab = parse_json_file_bounded(vocab_path);
  } catch (const nlohmann::json::exception& e) {
    LMREC_THROW(FormatError, vocab_path + ": not valid JSON (" + e.what() + ")");
  }
  std::vector<std::string> pieces;
  std::vector<double> scores;
  for (const auto& entry : vocab) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
        !(entry[1].is_number() || entry[1].is_null()))
      LMREC_THROW(FormatError, vocab_path + ": entry " + std::to_string(pieces.size()) +
                                   " is not [piece, score]");
    pieces.push_back(entry[0].get<std::string>());
    // A few pieces have a null score, which JavaScript arithmetic reads as 0.
    scores.push_back(entry[1].is_null() ? 0.0 : entry[1].get<double>());
  }
  if (pieces.empty()) LMREC_THROW(FormatError, vocab_path + ": empty vocabulary");
  return PieceTokenizer(std::move(pieces), std::move(scores));
}

PieceTokenizer::PieceTokenizer(std::vector<std::string> pieces, std::vector<double> scores,
                               int reserved)
    : pieces_(std::move(pieces)), nodes_(1) {
  LMREC_CHECK(pieces_.size() == scores.size(), UsageError, "tokenizer: pieces and scores differ");
  for (size_t id = 0; id < pieces_.size(); ++id) {
    std::u32string cps = decode_utf8(pieces_[id]);
    utf16_length_.push_back(utf16_length(cps));
    if (static_cast<int>(id) < reserved || cps.empty()) continue;
    int32_t node = 0;
    for (char32_t c : cps) {
      auto [it, added] = edges_.try_emplace(static_cast<uint64_t>(node) << 32 | c,
                                            static_cast<int32_t>(nodes_.size()));
      if (added) nodes_.emplace_back();
      node = it->second;
    }
    // A piece listed twice keeps its last id and score, as the JavaScript trie does.
    nodes_[static_cast<size_t>(node)] = {scores[id], static_cast<int32_t>(id)};
  }
}

int32_t PieceTokenizer::child(int32_t node, char32_t c) const {
  auto it = edges_.find(static_cast<uint64_t>(node) << 32 | c);
  return it == edges_.end() ? -1 : it->second;
}

// A transcription of the JavaScript runtime's Viterbi, including what a cleaner implementation
// would change: 0 in best[] means "unset", so a path scoring exactly 0 can be overtaken by a
// worse one; ties go to the later start (the shorter piece); an unmatched character is <unk>
// (id 0) scoring 0, which beats every real piece; back-tracking steps by the piece's length in
// UTF-16 units while positions count code points; consecutive <unk>s merge into one.
std::vector<int32_t> PieceTokenizer::encode(std::string_view text) const {
  const std::u32string s = normalize(text);
  const size_t n = s.size();
  std::vector<double> best(n + 1, 0.0);
  std::vector<int32_t> words(n + 1, 0);
  // Candidates ending at each position, in increasing start order: (start, id, score).
  struct Candidate {
    size_t start;
    int32_t id;
    double score;
  };
  std::vector<std::vector<Candidate>> ending(n + 1);
  for (size_t i = 0; i < n; ++i) {
    bool matched = false;
    for (int32_t node = child(0, s[i]), len = 1; node >= 0 && i + len <= n; ++len) {
      const Node& at = nodes_[static_cast<size_t>(node)];
      if (at.id >= 0) {
        ending[i + len].push_back({i, at.id, at.score});
        matched = true;
      }
      if (i + len == n) break;
      node = child(node, s[i + len]);
    }
    if (!matched) ending[i + 1].push_back({i, 0, 0.0});
  }
  for (size_t end = 0; end <= n; ++end) {
    for (const Candidate& c : ending[end]) {
      double score = c.score + best[c.start];
      if (best[end] == 0 || score >= best[end]) {
        best[end] = score;
        words[end] = c.id;
      }
    }
  }
  std::vector<int32_t> reversed;
  for (int64_t at = static_cast<int64_t>(n); at > 0;) {
    int32_t id = words[static_cast<size_t>(at)];
    reversed.push_back(id);
    at -= utf16_length_[static_cast<size_t>(id)];
  }
  std::vector<int32_t> ids;
  ids.reserve(reversed.size());
  bool previous_unknown = false;
  for (int32_t id : reversed) {
    if (!(previous_unknown && id == 0)) ids.push_back(id);
    previous_unknown = id == 0;
  }
  return {ids.rbegin(), ids.rend()};
}

}  // namespace lmrec
