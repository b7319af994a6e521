#include "text/piece_tokenizer.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

using Ids = std::vector<int32_t>;

// Ids 0-5 are reserved as in the real vocabulary; 0 is <unk>, spelt U+FFFD (its length steps the
// back-tracking).
PieceTokenizer tiny() {
  std::vector<std::string> pieces = {"\xef\xbf\xbd", "<s>", "</s>", "r3", "r4", "r5",
                                     "▁a",           "b",   "▁ab",  "c",  "▁",  "é"};
  std::vector<double> scores = {0, 0, 0, 0, 0, 0, -1.0, -2.0, -2.5, -1.5, -3.0, -1.0};
  return PieceTokenizer(pieces, scores);
}

TEST(TextTokenizer, NormalizesLikeTheRuntime) {
  EXPECT_EQ(PieceTokenizer::normalize(""), U"");
  EXPECT_EQ(PieceTokenizer::normalize("a b"), U"▁a▁b");
  EXPECT_EQ(PieceTokenizer::normalize(" "), U"▁▁");
  EXPECT_EQ(PieceTokenizer::normalize("\xef\xbc\xa1"), U"▁A");    // fullwidth A
  EXPECT_EQ(PieceTokenizer::normalize("e\xcc\x81"), U"▁\u00e9");  // composed
  EXPECT_EQ(PieceTokenizer::normalize("x\xc2\xa0y"), U"▁x▁y");    // NBSP becomes a space
  EXPECT_EQ(PieceTokenizer::normalize("a\tb"), U"▁a\tb");         // only spaces are bounds
  EXPECT_EQ(PieceTokenizer::normalize(std::string("a\0b", 3)), U"▁a" + std::u32string(1, 0) + U"b");
  EXPECT_EQ(PieceTokenizer::normalize("a\xff"), U"▁a\uFFFD");  // invalid byte
}

TEST(TextTokenizer, PicksTheBestScoringSegmentation) {
  auto t = tiny();
  EXPECT_EQ(t.encode(""), Ids{});
  EXPECT_EQ(t.encode("ab"), (Ids{8}));  // "▁ab" (-2.5) beats "▁a" "b" (-3)
  EXPECT_EQ(t.encode("abc"), (Ids{8, 9}));
  EXPECT_EQ(t.encode("a a"), (Ids{6, 6}));
  EXPECT_EQ(t.encode("\xc3\xa9"), (Ids{10, 11}));  // "▁" "é"
}

TEST(TextTokenizer, UnknownCharactersMergeIntoOneUnk) {
  auto t = tiny();
  EXPECT_EQ(t.encode("zz"), (Ids{10, 0}));
  EXPECT_EQ(t.encode("azzb"), (Ids{6, 0, 7}));
  EXPECT_EQ(t.encode("\xf0\x9f\x98\x80"), (Ids{10, 0}));  // an emoji: one code point
}

TEST(TextTokenizer, BadVocabularyFileIsNamed) {
  try {
    PieceTokenizer::load("/nonexistent/vocab.json");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/vocab.json"), std::string::npos);
  }
}

TEST(TextTokenizer, MatchesTheJavaScriptRuntimeIds) {
  LMREC_REQUIRE_USE_LITE();
  auto t = PieceTokenizer::load(testing::use_lite_dir() + "/vocab.json");
  auto golden = testing::use_lite_golden();
  int exact = 0, total = 0;
  for (const auto& s : golden["sentences"]) {
    ++total;
    auto ids = t.encode(s["text"].get<std::string>());
    EXPECT_EQ(ids, s["ids"].get<Ids>()) << "text: " << s["text"];
    exact += ids == s["ids"].get<Ids>();
  }
  RecordProperty("exact", exact);
  std::printf("token ids: %d of %d texts exact\n", exact, total);
}

}  // namespace
}  // namespace lmrec
