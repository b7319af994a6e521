// The SentencePiece-style tokenizer of Universal Sentence Encoder Lite, as its JavaScript
// runtime implements it: NFKC, spaces become "▁" word boundaries (plus one in front), then the
// segmentation with the highest total piece score (Viterbi over a trie of pieces). Ids match the
// JavaScript runtime exactly, quirks included (see the .cc), because the network was only ever
// run on those ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lmrec {

class PieceTokenizer {
 public:
  // Reads vocab.json: [[piece, score], ...]; the index is the id. Throws IoError / FormatError
  // naming the file.
  static PieceTokenizer load(const std::string& vocab_path);
  // `pieces[i]` has score `scores[i]`; the first `reserved` ids (<unk>, <s>, ...) never match text.
  PieceTokenizer(std::vector<std::string> pieces, std::vector<double> scores, int reserved = 6);

  std::vector<int32_t> encode(std::string_view text) const;
  int32_t vocab_size() const { return static_cast<int32_t>(pieces_.size()); }
  const std::string& piece(int32_t id) const { return pieces_[static_cast<size_t>(id)]; }

  // NFKC, "▁" for each space and one in front (nothing for empty text), as code points.
  static std::u32string normalize(std::string_view text);

 private:
  struct Node {
    double score = 0;
    int32_t id = -1;  // -1: no piece ends here
  };
  int32_t child(int32_t node, char32_t c) const;

  std::vector<std::string> pieces_;
  std::vector<int32_t> utf16_length_;            // of each piece; the back-tracking steps by it
  std::vector<Node> nodes_;                      // trie; node 0 is the root
  std::unordered_map<uint64_t, int32_t> edges_;  // (node << 32 | code point) -> child node
};

}  // namespace lmrec
