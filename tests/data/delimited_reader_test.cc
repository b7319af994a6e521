#include "data/delimited_reader.h"

#include <gtest/gtest.h>

#include "data/reader_test_util.h"

namespace lmrec {
namespace {

using Rows = std::vector<std::string>;

TEST(DelimitedReader, RecognisedHeaderGivesRatingsWithTimes) {
  ScratchDir dir;
  auto path = dir.write("r.csv",
                        "userId,movieId,rating,timestamp\n1,10,4.5,200\n1,11,3,100\n2,10,5.0,50\n");
  ReadReport report;
  Dataset d = read_input(path, "auto", "", &report);
  EXPECT_EQ(report.format, "csv");
  EXPECT_EQ(report.columns, "user=userId,item=movieId,value=rating,time=timestamp");
  EXPECT_TRUE(d.explicit_values);
  EXPECT_TRUE(d.has_times);
  EXPECT_EQ(row_texts(d), (Rows{"1 11 3 100", "1 10 4.5 200", "2 10 5 50"}));
  EXPECT_EQ(report.lines, 3);
  EXPECT_EQ(report.accepted, 3);
}

TEST(DelimitedReader, QuotedFieldsHoldDelimitersNewlinesAndQuotes) {
  ScratchDir dir;
  auto path = dir.write("q.csv",
                        "user,item,note,rating\r\n"
                        "\"a,1\",\"x \"\"y\"\"\",\"two\nlines\",1\r\n"
                        "b,\"plain\",,2\r\n"
                        "\"c\",z,\"\",3\r\n");
  ReadReport report;
  Dataset d = read_input(path, "csv", "", &report);
  EXPECT_EQ(row_texts(d), (Rows{"a,1 x \"y\" 1 0", "b plain 2 1", "c z 3 2"}));
  EXPECT_FALSE(d.has_times);
  EXPECT_EQ(report.lines, 3);
}

TEST(DelimitedReader, LineNumbersCountQuotedNewlines) {
  ScratchDir dir;
  auto path = dir.write("q.csv", "user,item,note,rating\n1,2,\"a\nb\nc\",4\n1,3,x,bad\n");
  expect_input_error([&] { read_input(path, "csv"); }, path, 5, "rating");
}

TEST(DelimitedReader, ColumnsByNameAndByPositionWithoutHeader) {
  ScratchDir dir;
  auto named = dir.write("n.csv", "ts,who,what,score,kind\n5,u1,i1,2,view\n6,u1,i2,3,buy\n");
  ReadReport report;
  Dataset d =
      read_input(named, "csv", "user=who,item=what,value=score,time=ts,event=kind", &report);
  EXPECT_EQ(row_texts(d), (Rows{"u1 i1 2 5", "u1 i2 3 6"}));
  ASSERT_EQ(d.rows.event.size(), 2u);
  EXPECT_EQ(d.event_types.name(d.rows.event[1]), "buy");

  auto bare = dir.write("b.tsv", "u1\ti1\t7\nu2\ti1\t8\n");
  NullProgress quiet;
  ReadOptions options;
  options.input = bare;
  options.header = false;
  options.columns = "user=1,item=2,time=3";
  Dataset t = read_dataset(options, quiet);
  EXPECT_EQ(row_texts(t), (Rows{"u1 i1 1 7", "u2 i1 1 8"}));
  EXPECT_FALSE(t.explicit_values);
}

TEST(DelimitedReader, IsoDatesCustomDelimiterAndBom) {
  ScratchDir dir;
  auto path =
      dir.write("d.csv", "\xEF\xBB\xBFuser;item;time\nu;i;1970-01-02\nu;j;1970-01-01T00:01:40Z\n");
  NullProgress quiet;
  ReadOptions options;
  options.input = path;
  options.delimiter = ';';
  Dataset d = read_dataset(options, quiet);
  EXPECT_EQ(row_texts(d), (Rows{"u j 1 100", "u i 1 86400"}));
}

TEST(DelimitedReader, UnrecognisedHeaderAsksForColumns) {
  ScratchDir dir;
  auto path = dir.write("x.csv", "a,b,c\n1,2,3\n");
  try {
    read_input(path, "csv");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("columns="), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a, b, c"), std::string::npos) << e.what();
  }
  auto tabs = dir.write("t.csv", "userId\tmovieId\n1\t2\n");
  try {
    read_input(tabs, "csv");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("delimiter"), std::string::npos) << e.what();
  }
}

TEST(DelimitedReader, AmbiguousHeaderIsRefused) {
  ScratchDir dir;
  auto path = dir.write("x.csv", "user,user_id,item\n1,2,3\n");
  EXPECT_THROW(read_input(path, "csv"), ConfigError);
  EXPECT_EQ(read_input(path, "csv", "user=user_id,item=item").n_users(), 1);
}

TEST(DelimitedReader, MissingNamedColumnIsAnInputErrorAtTheHeader) {
  ScratchDir dir;
  auto path = dir.write("x.csv", "\nuserId,movieId\n1,2\n");
  expect_input_error([&] { read_input(path, "csv", "user=userId,item=movieId,value=rating"); },
                     path, 2, "rating");
}

struct BadRecord {
  std::string line, field;
};

TEST(DelimitedReader, EveryMalformedRecordNamesFileLineAndField) {
  const std::vector<BadRecord> cases = {
      {"1,2,abc,5", "rating"},  {"1,2,nan,5", "rating"},          {"1,2,inf,5", "rating"},
      {"1,2,,5", "rating"},     {"1,2,4,yesterday", "timestamp"}, {",2,4,5", "userId"},
      {"1, ,4,5", "movieId"},   {"1,2,4", "timestamp"},           {"1,2,4,5,6", "column 5"},
      {"1,\"2,4,5", "movieId"}, {"1,\"2\"x,4,5", "movieId"},      {"1\xFF,2,4,5", "userId"},
  };
  for (const auto& c : cases) {
    ScratchDir dir;
    auto path =
        dir.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,5\n\n" + c.line + "\n");
    SCOPED_TRACE(c.line);
    expect_input_error([&] { read_input(path, "csv"); }, path, 4, c.field);
  }
}

TEST(DelimitedReader, ErrorMessageQuotesTheBadValue) {
  ScratchDir dir;
  auto path = dir.write("ratings.csv", "userId,movieId,rating,timestamp\n1,2,abc,5\n");
  try {
    read_input(path, "csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ":2: field 'rating': expected a finite number, got \"abc\"");
  }
}

TEST(DelimitedReader, IdsWithControlCharactersAreRefused) {
  // Quoted fields may hold line breaks; ids with one would not survive items.txt.
  const std::vector<BadRecord> cases = {
      {"\"a\nb\",2,4,5", "userId"},
      {"1,\"x\ry\",4,5", "movieId"},
      {"1,x\x01,4,5", "movieId"},
      {"1\x7F,2,4,5", "userId"},
  };
  for (const auto& c : cases) {
    ScratchDir dir;
    auto path =
        dir.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,5\n" + c.line + "\n");
    SCOPED_TRACE(c.line);
    expect_input_error([&] { read_input(path, "csv"); }, path, 3, c.field);
  }
  ScratchDir dir;
  auto tsv = dir.write("log.tsv", "user\titem\nu1\ti1\nu2\tx\x1Fy\n");
  expect_input_error([&] { read_input(tsv, "tsv"); }, tsv, 3, "item");
}

}  // namespace
}  // namespace lmrec
