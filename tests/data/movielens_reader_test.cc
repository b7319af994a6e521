#include "data/movielens_reader.h"

#include <gtest/gtest.h>

#include "data/reader_test_util.h"

namespace lmrec {
namespace {

using Rows = std::vector<std::string>;

std::string genre_flags(int on) {
  std::string flags;
  for (int g = 0; g < 19; ++g) flags += g == on ? "|1" : "|0";
  return flags;
}

// A MovieLens 100K folder: item 3 has no ratings, user 9 has none either.
void write_100k(const ScratchDir& dir) {
  dir.write("u.data", "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n");
  dir.write("u.genre",
            "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\n"
            "Crime|6\nDocumentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\n"
            "Musical|12\nMystery|13\nRomance|14\nSci-Fi|15\nThriller|16\nWar|17\n"
            "Western|18\n\n");
  dir.write("u.item", "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy" +
                          genre_flags(3) + "\n2|Mis\xE9rables, Les (1995)|01-Jan-1995||" +
                          genre_flags(8) + "\n3|Unrated (1990)|01-Jan-1990||" + genre_flags(1) +
                          "\n");
  dir.write("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n9|30|F|writer|00000\n");
}

TEST(MovielensReader, Reads100kWithLatin1TitlesGenresAndUsers) {
  ScratchDir dir;
  write_100k(dir);
  ReadReport report;
  Dataset d = read_input(dir.root(), "auto", "", &report);
  EXPECT_EQ(report.format, "movielens-100k");
  EXPECT_EQ(d.n_users(), 2);
  EXPECT_EQ(d.n_items(), 2);
  EXPECT_TRUE(d.explicit_values);
  EXPECT_TRUE(d.has_times);
  EXPECT_EQ(row_texts(d), (Rows{"1 1 5 874965758", "1 2 3 876893171", "2 1 4 878542960"}));
  int32_t toy = d.items.find("1"), les = d.items.find("2");
  EXPECT_EQ(d.catalogue.title[toy], "Toy Story (1995)");
  EXPECT_EQ(d.catalogue.title[les], "Mis\xC3\xA9rables, Les (1995)");
  ASSERT_EQ(d.catalogue.categories[toy].size(), 1u);
  EXPECT_EQ(d.catalogue.category_names.name(d.catalogue.categories[toy][0]), "Animation");
  EXPECT_EQ(d.catalogue.category_names.name(d.catalogue.categories[les][0]), "Drama");
  EXPECT_EQ(d.catalogue.attributes[toy].at("release_date"), "01-Jan-1995");
  EXPECT_EQ(d.user_attributes[d.users.find("2")].at("occupation"), "other");
  EXPECT_EQ(d.user_attributes[d.users.find("1")].at("age"), "24");
  EXPECT_EQ(report.side_unused, 2);  // item 3 and user 9
  EXPECT_EQ(report.side_lines, 19 + 3 + 3);
  EXPECT_EQ(report.files.size(), 4u);
}

TEST(MovielensReader, BadItemLineNamesTheGenreField) {
  ScratchDir dir;
  write_100k(dir);
  std::string flags = genre_flags(3);
  flags[flags.size() - 1] = 'x';  // Western
  dir.write("u.item",
            "1|Toy Story (1995)|01-Jan-1995||url" + genre_flags(3) + "\n2|Two|||" + flags + "\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("u.item"), 2, "Western");
  dir.write("u.item", "1|Toy Story (1995)|01-Jan-1995\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("u.item"), 1, "video release date");
}

TEST(MovielensReader, BadRatingLineInUData) {
  ScratchDir dir;
  write_100k(dir);
  dir.write("u.data", "1\t1\t5\t874965758\n1\t2\tfive\t876893171\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("u.data"), 2, "rating");
}

void write_latest(const ScratchDir& dir) {
  dir.write("ratings.csv",
            "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,29,3.5,964981247\n"
            "2,1,0.5,1445714994\n");
  dir.write("movies.csv",
            "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n"
            "29,\"City of Lost Children, The (Cit\xC3\xA9 des enfants perdus, La) (1995)\","
            "Drama|Mystery\n50,\"Usual Suspects, The (1995)\",(no genres listed)\n");
  dir.write("tags.csv",
            "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n2,1,Pixar,1445714996\n"
            "3,1,\"funny, clever\",1445715000\n2,29,dark,1445714000\n2,50,twist,1445714000\n");
}

TEST(MovielensReader, ReadsLatestWithQuotedTitlesAndDedupedTags) {
  ScratchDir dir;
  write_latest(dir);
  ReadReport report;
  Dataset d = read_input(dir.root(), "auto", "", &report);
  EXPECT_EQ(report.format, "movielens");
  EXPECT_EQ(d.n_items(), 2);
  EXPECT_EQ(d.n_interactions(), 3);
  int32_t toy = d.items.find("1"), city = d.items.find("29");
  EXPECT_EQ(d.catalogue.title[city],
            "City of Lost Children, The (Cit\xC3\xA9 des enfants perdus, La) (1995)");
  EXPECT_EQ(d.catalogue.categories[toy].size(), 3u);
  EXPECT_EQ(d.catalogue.text[toy], "pixar, funny, clever");
  EXPECT_EQ(d.catalogue.text[city], "dark");
  EXPECT_EQ(report.side_unused, 2);  // movie 50 in movies.csv and tags.csv
  EXPECT_FLOAT_EQ(d.rows.value[d.user_begin(d.users.find("2"))], 0.5f);
}

TEST(MovielensReader, RatingsFileAsInputReadsItsSideFiles) {
  ScratchDir dir;
  write_latest(dir);
  ReadReport report;
  Dataset d = read_input(dir.path("ratings.csv"), "auto", "", &report);
  EXPECT_EQ(report.format, "movielens");
  EXPECT_EQ(d.catalogue.title[d.items.find("1")], "Toy Story (1995)");
}

TEST(MovielensReader, BadUtf8TitleAndMissingColumn) {
  ScratchDir dir;
  write_latest(dir);
  dir.write("movies.csv",
            "movieId,title,genres\n1,Toy Story (1995),Animation\n29,Cit\xE9 (1995),Drama\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("movies.csv"), 3, "title");
  dir.write("movies.csv", "movieId,name,genres\n1,Toy Story (1995),Animation\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("movies.csv"), 1, "title");
  write_latest(dir);
  dir.write("ratings.csv", "userId,movieId,score,timestamp\n1,1,4.0,964982703\n");
  expect_input_error([&] { read_input(dir.root()); }, dir.path("ratings.csv"), 1, "rating");
}

}  // namespace
}  // namespace lmrec
