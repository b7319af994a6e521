#include "data/s3rec_reader.h"

#include <gtest/gtest.h>

#include "data/reader_test_util.h"

namespace lmrec {
namespace {

TEST(S3recReader, LinesAreTimeOrderedSequences) {
  ScratchDir dir;
  auto path = dir.write("beauty.txt", "1 1 2 3\n2 4 1\n\n3 2 5 5 6\n");
  ReadReport report;
  Dataset d = read_input(path, "auto", "", &report);
  EXPECT_EQ(report.format, "s3rec");
  EXPECT_FALSE(d.explicit_values);
  EXPECT_FALSE(d.has_times);
  EXPECT_EQ(d.n_users(), 3);
  EXPECT_EQ(d.n_items(), 6);
  EXPECT_EQ(d.n_interactions(), 9);
  EXPECT_EQ(report.lines, 3);
  auto seq = d.user_items(d.users.find("3"));
  ASSERT_EQ(seq.size(), 4u);
  EXPECT_EQ(d.items.name(seq[0]), "2");
  EXPECT_EQ(d.items.name(seq[2]), "5");
  EXPECT_EQ(d.items.name(seq[3]), "6");
  for (float v : d.rows.value) EXPECT_EQ(v, 1.0f);
}

TEST(S3recReader, UserWithoutItemsIsRejected) {
  ScratchDir dir;
  auto path = dir.write("seq.txt", "1 1 2\n2\n");
  expect_input_error([&] { read_input(path, "s3rec"); }, path, 2, "item 1");
}

TEST(S3recReader, BadUtf8NamesTheToken) {
  ScratchDir dir;
  auto path = dir.write("seq.txt", "1 1 2\n2 5 \xC3\x28\n");
  expect_input_error([&] { read_input(path, "s3rec"); }, path, 2, "item 2");
}

TEST(S3recReader, RatingsLikeTextIsNotTakenForSequences) {
  ScratchDir dir;
  auto repeated = dir.write("ratings.txt", "1 10 4\n1 11 5\n2 10 3\n");
  EXPECT_THROW(detect_format(repeated), ConfigError);
  auto tabs = dir.write("tabs.txt", "1\t10\t4\n2\t11\t5\n");
  EXPECT_THROW(detect_format(tabs), ConfigError);
  std::string fixed;
  for (int u = 0; u < 30; ++u) fixed += std::to_string(u) + " " + std::to_string(u + 100) + " 4\n";
  EXPECT_THROW(detect_format(dir.write("fixed.txt", fixed)), ConfigError);
}

TEST(S3recReader, IdsWithControlCharactersAreRefused) {
  ScratchDir dir;
  auto path = dir.write("seq.txt", "1 1 2\n2 5 6\x01\n");
  expect_input_error([&] { read_input(path, "s3rec"); }, path, 2, "item 2");
  auto user = dir.write("user.txt",
                        "1 1 2\n\x7F"
                        "2 5\n");
  expect_input_error([&] { read_input(user, "s3rec"); }, user, 2, "user");
}

}  // namespace
}  // namespace lmrec
