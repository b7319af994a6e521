#include <gtest/gtest.h>

#include "core/errors.h"
#include "data/delimited_records.h"
#include "data/text_fields.h"

namespace lmrec {
namespace {

TEST(ReaderTextFields, Numbers) {
  float f = 0;
  EXPECT_TRUE(parse_float("4.5", f));
  EXPECT_EQ(f, 4.5f);
  EXPECT_TRUE(parse_float(" 3 ", f));
  EXPECT_TRUE(parse_float("-1e2", f));
  EXPECT_EQ(f, -100.0f);
  for (const char* bad : {"", "abc", "4.5x", "nan", "inf", "-inf", "1e99"})
    EXPECT_FALSE(parse_float(bad, f)) << bad;
}

TEST(ReaderTextFields, Times) {
  int64_t t = 0;
  EXPECT_TRUE(parse_time("881250949", t));
  EXPECT_EQ(t, 881250949);
  EXPECT_TRUE(parse_time("881250949.6", t));
  EXPECT_EQ(t, 881250950);
  EXPECT_TRUE(parse_time("2000-03-01", t));
  EXPECT_EQ(t, 951868800);
  EXPECT_TRUE(parse_time("2024-02-29T12:30:15Z", t));
  EXPECT_EQ(t, 1709209815);
  EXPECT_TRUE(parse_time("1969-12-31 23:59", t));
  EXPECT_EQ(t, -60);
  for (const char* bad : {"", "soon", "2024-13-01", "2024-01-01T25:00", "2024-01-01X", "1e400"})
    EXPECT_FALSE(parse_time(bad, t)) << bad;
}

TEST(ReaderTextFields, Utf8AndLatin1) {
  EXPECT_TRUE(is_valid_utf8("plain ascii text, long enough for the word path"));
  EXPECT_TRUE(is_valid_utf8("Cit\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAC"));
  EXPECT_FALSE(is_valid_utf8("Cit\xE9"));           // latin-1
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xE2\x82"));  // truncated after an ASCII word
  EXPECT_EQ(latin1_to_utf8("Mis\xE9rables"), "Mis\xC3\xA9rables");
  EXPECT_EQ(utf8_or_latin1("Mis\xC3\xA9rables"), "Mis\xC3\xA9rables");
  EXPECT_EQ(utf8_or_latin1("Mis\xE9rables"), "Mis\xC3\xA9rables");
  EXPECT_EQ(quote_text("a\tb\xFF"), "\"a\\x09b\\xFF\"");
}

TEST(ReaderTextFields, DelimitedRecordsSplitAndResume) {
  DelimitedRecords r("a,\"b\"\"c\",d\n\n\"open,x\ne,f\n", Dialect{}, "mem");
  ASSERT_TRUE(r.next());
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1], "b\"c");
  EXPECT_EQ(r.line(), 1);
  EXPECT_THROW(r.next(), InputError);
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.line(), 4);
  EXPECT_EQ(r[0], "e");
  EXPECT_FALSE(r.next());
}

}  // namespace
}  // namespace lmrec
