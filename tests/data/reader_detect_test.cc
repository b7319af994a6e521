#include <gtest/gtest.h>

#include "data/reader.h"
#include "data/reader_test_util.h"

namespace lmrec {
namespace {

TEST(ReaderDetect, FoldersByTheirFiles) {
  ScratchDir a, b, c, d;
  a.write("u.data", "1\t2\t3\t4\n");
  b.write("ratings.csv", "userId,movieId,rating,timestamp\n");
  c.write("x.inter", "user_id:token\titem_id:token\n");
  d.write("notes.md", "hello\n");
  EXPECT_EQ(detect_format(a.root()), "movielens-100k");
  EXPECT_EQ(detect_format(b.root()), "movielens");
  EXPECT_EQ(detect_format(c.root()), "recbole");
  EXPECT_THROW(detect_format(d.root()), ConfigError);
}

TEST(ReaderDetect, FilesByNameAndContent) {
  ScratchDir dir;
  EXPECT_EQ(detect_format(dir.write("u.data", "1\t2\t3\t4\n")), "movielens-100k");
  EXPECT_EQ(detect_format(dir.write("ratings.csv", "userId,movieId,rating,timestamp\n")),
            "movielens");
  EXPECT_EQ(detect_format(dir.write("other.csv", "userId,movieId,rating,timestamp\n")), "csv");
  EXPECT_EQ(detect_format(dir.write("x.tsv", "a\tb\n")), "tsv");
  EXPECT_EQ(detect_format(dir.write("x.jsonl", "{}\n")), "jsonl");
  EXPECT_EQ(detect_format(dir.write("x.json", "{}\n")), "jsonl");
  EXPECT_EQ(detect_format(dir.write("x.inter", "a:token\n")), "recbole");
  EXPECT_EQ(detect_format(dir.write("seq.txt", "1 2 3\n2 3\n")), "s3rec");
  EXPECT_THROW(detect_format(dir.write("one.txt", "1\n2\n")), ConfigError);
  EXPECT_THROW(detect_format(dir.write("x.parquet", "PAR1")), ConfigError);
  EXPECT_THROW(detect_format(dir.path("missing.csv")), IoError);
}

TEST(ReaderDetect, UnknownFormatMessageListsTheFormats) {
  ScratchDir dir;
  auto path = dir.write("x.bin", "");
  try {
    detect_format(path);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("movielens-100k, movielens, s3rec"), std::string::npos);
  }
  EXPECT_THROW(read_input(path, "parquet"), ConfigError);
  EXPECT_THROW(read_input(dir.root(), "csv"), ConfigError);
}

TEST(ReaderDetect, OptionsAFormatWouldIgnoreAreRefused) {
  ScratchDir dir;
  auto path = dir.write("seq.txt", "1 2 3\n2 3\n");
  EXPECT_THROW(read_input(path, "auto", "user=1,item=2"), ConfigError);
  NullProgress quiet;
  ReadOptions options;
  options.input = path;
  options.header = false;
  EXPECT_THROW(read_dataset(options, quiet), ConfigError);
}

}  // namespace
}  // namespace lmrec
