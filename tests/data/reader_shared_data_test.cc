// Reads the public data sets in the shared data folder, when it is there.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/reader.h"
#include "data/reader_test_util.h"

namespace lmrec {
namespace {

std::string shared(const std::string& name) { return std::string(LMREC_SHARED_DATA) + "/" + name; }

#define REQUIRE_SHARED(name)                  \
  if (!std::filesystem::exists(shared(name))) \
  GTEST_SKIP() << "shared data not found at " << shared(name)

struct Expected {
  std::string input, format;
  int32_t users, items;
  int64_t rows;
};

void check(const Expected& e) {
  ReadReport report;
  Dataset d = read_input(shared(e.input), "auto", "", &report);
  EXPECT_EQ(report.format, e.format);
  EXPECT_EQ(d.n_users(), e.users);
  EXPECT_EQ(d.n_items(), e.items);
  EXPECT_EQ(d.n_interactions(), e.rows);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_EQ(report.side_rejected, 0);
}

TEST(ReaderSharedData, Movielens100k) {
  REQUIRE_SHARED("ml-100k");
  check({"ml-100k", "movielens-100k", 943, 1682, 100000});
  Dataset d = read_input(shared("ml-100k"));
  int32_t toy = d.items.find("1");
  EXPECT_EQ(d.catalogue.title[toy], "Toy Story (1995)");
  EXPECT_EQ(d.catalogue.categories[toy].size(), 3u);
  EXPECT_EQ(d.user_attributes[d.users.find("1")].at("occupation"), "technician");
  for (const auto& title : d.catalogue.title) EXPECT_FALSE(title.empty());
}

TEST(ReaderSharedData, MovielensLatestSmall) {
  REQUIRE_SHARED("ml-latest-small");
  check({"ml-latest-small", "movielens", 610, 9724, 100836});
  Dataset d = read_input(shared("ml-latest-small"));
  int32_t city = d.items.find("29");
  EXPECT_EQ(d.catalogue.title[city],
            "City of Lost Children, The (Cit\xC3\xA9 des enfants perdus, La) (1995)");
  EXPECT_FALSE(d.catalogue.text[d.items.find("60756")].empty());  // has user tags
}

TEST(ReaderSharedData, AmazonBeautyAndToys) {
  REQUIRE_SHARED("amazon/beauty.txt");
  check({"amazon/beauty.txt", "s3rec", 22363, 12101, 198502});
  check({"amazon/toys.txt", "s3rec", 19412, 11924, 167597});
}

}  // namespace
}  // namespace lmrec
