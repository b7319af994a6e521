#include <gtest/gtest.h>

#include "data/reader.h"
#include "data/reader_test_util.h"

namespace lmrec {
namespace {

ReadOptions skip_options(const std::string& input, const std::string& rejects) {
  ReadOptions options;
  options.input = input;
  options.on_error = OnError::kSkip;
  options.rejects_path = rejects;
  return options;
}

TEST(ReaderSkip, CountsAddUpAndRejectsAreLogged) {
  ScratchDir dir;
  auto path = dir.write("r.csv",
                        "userId,movieId,rating,timestamp\n"
                        "1,10,4,100\n"
                        "1,11,abc,101\n"
                        "\n"
                        "2,\"12\tx\",bad,102\n"
                        "2,13,4\n"
                        "3,\"unterminated,4,103\n"
                        "3,14,5,104\n");
  NullProgress quiet;
  ReadReport report;
  Dataset d = read_dataset(skip_options(path, dir.path("rejects.tsv")), quiet, &report);
  EXPECT_EQ(report.lines, 6);
  EXPECT_EQ(report.accepted, 2);
  EXPECT_EQ(report.rejected, 4);
  EXPECT_EQ(report.lines, report.accepted + report.rejected);
  EXPECT_EQ(d.n_interactions(), 2);
  EXPECT_EQ(d.n_users(), 2);  // user 2 had only bad lines; user 3 keeps its good one
  EXPECT_EQ(d.items.find("11"), -1);
  EXPECT_EQ(slurp(dir.path("rejects.tsv")),
            "file\tline\tfield\tproblem\traw\n" + path +
                "\t3\trating\texpected a finite number, got \"abc\"\t1,11,abc,101\n" + path +
                "\t5\tmovieId\texpected an id without control characters, got \"12\\\\x09x\"\t"
                "2,\"12\\tx\",bad,102\n" +
                path + "\t6\ttimestamp\tmissing: the record has 3 fields, expected 4\t2,13,4\n" +
                path + "\t7\tmovieId\texpected a closing quote\t3,\"unterminated,4,103\n");
}

TEST(ReaderSkip, BadRecordLeavesNoTraceInIdMaps) {
  ScratchDir dir;
  auto path = dir.write("seq.txt", "1 1 2\n2\n3 \xFF\n4 3\n");
  NullProgress quiet;
  ReadReport report;
  Dataset d = read_dataset(skip_options(path, ""), quiet, &report);
  EXPECT_EQ(report.rejected, 2);
  EXPECT_EQ(report.accepted, 2);
  EXPECT_EQ(d.n_users(), 2);
  EXPECT_EQ(d.n_items(), 3);
}

TEST(ReaderSkip, SideFileRejectsAreCountedApart) {
  ScratchDir dir;
  dir.write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,5\n");
  dir.write("movies.csv", "movieId,title,genres\n1,Toy Story,Animation\n2,Bad\xFF,Drama\n");
  NullProgress quiet;
  ReadReport report;
  Dataset d = read_dataset(skip_options(dir.root(), dir.path("rej.tsv")), quiet, &report);
  EXPECT_EQ(report.lines, 1);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_EQ(report.side_lines, 2);
  EXPECT_EQ(report.side_rejected, 1);
  EXPECT_NE(slurp(dir.path("rej.tsv")).find("movies.csv\t3\ttitle\t"), std::string::npos);
}

TEST(ReaderSkip, FailModeStopsAtTheFirstBadRecord) {
  ScratchDir dir;
  auto path = dir.write("r.csv", "user,item,rating\n1,2,x\n1,3,y\n");
  expect_input_error([&] { read_input(path); }, path, 2, "rating");
}

}  // namespace
}  // namespace lmrec
