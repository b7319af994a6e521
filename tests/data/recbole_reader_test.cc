#include "data/recbole_reader.h"

#include <gtest/gtest.h>

#include "data/reader_test_util.h"

namespace lmrec {
namespace {

using Rows = std::vector<std::string>;

void write_recbole(const ScratchDir& dir) {
  dir.write("ml/ml.inter",
            "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
            "196\t242\t3\t881250949\n186\t302\t3\t891717742.0\n196\t302\t5\t881250900\n");
  dir.write(
      "ml/ml.item",
      "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
      "242\tKolya\t1996\tComedy\n302\tL.A. Confidential\t1997\tCrime Film-Noir Mystery Thriller\n"
      "999\tUnrated\t1990\tDrama\n");
  dir.write("ml/ml.user",
            "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n"
            "196\t49\tM\twriter\t55105\n186\t39\tF\texecutive\t00000\n");
}

TEST(RecboleReader, ReadsInteractionsCatalogueAndUsers) {
  ScratchDir dir;
  write_recbole(dir);
  ReadReport report;
  Dataset d = read_input(dir.path("ml"), "auto", "", &report);
  EXPECT_EQ(report.format, "recbole");
  EXPECT_EQ(report.columns, "user=user_id,item=item_id,value=rating,time=timestamp");
  EXPECT_EQ(row_texts(d),
            (Rows{"196 302 5 881250900", "196 242 3 881250949", "186 302 3 891717742"}));
  int32_t la = d.items.find("302");
  EXPECT_EQ(d.catalogue.title[la], "L.A. Confidential");
  ASSERT_EQ(d.catalogue.categories[la].size(), 4u);
  EXPECT_EQ(d.catalogue.category_names.name(d.catalogue.categories[la][1]), "Film-Noir");
  EXPECT_EQ(d.catalogue.attributes[la].at("release_year"), "1997");
  EXPECT_EQ(d.user_attributes[d.users.find("186")].at("occupation"), "executive");
  EXPECT_EQ(report.side_unused, 1);
}

TEST(RecboleReader, InterFileAsInputAndCustomColumns) {
  ScratchDir dir;
  dir.write("x.inter", "session:token\tproduct:token\tlabel:float\n1\ta\t1\n1\tb\t0\n");
  Dataset d = read_input(dir.path("x.inter"), "auto", "user=session,item=product,value=label");
  EXPECT_EQ(row_texts(d), (Rows{"1 a 1 0", "1 b 0 1"}));
  EXPECT_THROW(read_input(dir.path("x.inter")), ConfigError);
}

TEST(RecboleReader, SeveralInterFilesAreAmbiguous) {
  ScratchDir dir;
  dir.write("a.train.inter", "user_id:token\titem_id:token\n1\t2\n");
  dir.write("a.test.inter", "user_id:token\titem_id:token\n1\t3\n");
  EXPECT_THROW(detect_format(dir.root()), ConfigError);
}

TEST(RecboleReader, BadRecordsNameTheField) {
  ScratchDir dir;
  write_recbole(dir);
  dir.write("ml/ml.inter",
            "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\tlater\n");
  expect_input_error([&] { read_input(dir.path("ml")); }, dir.path("ml/ml.inter"), 2, "timestamp");
  write_recbole(dir);
  dir.write("ml/ml.item", "item_id:token\tmovie_title:token_seq\n242\tKolya\textra\n");
  expect_input_error([&] { read_input(dir.path("ml")); }, dir.path("ml/ml.item"), 2, "column 3");
  dir.write("ml/ml.item", "movie_title:token_seq\nKolya\n");
  expect_input_error([&] { read_input(dir.path("ml")); }, dir.path("ml/ml.item"), 1, "item_id");
}

}  // namespace
}  // namespace lmrec
