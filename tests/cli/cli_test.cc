// End-to-end: the lmrec binary through import, train, eval, recommend and info.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_lmrec.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::CommandResult;
using testing::run_lmrec;

// Two clusters of items; users stick to one cluster, so a personalised model must do well.
std::string write_sequences(const std::string& dir) {
  std::string path = dir + "/seq.txt";
  std::ofstream out(path);
  for (int u = 1; u <= 60; ++u) {
    out << u;
    int base = u % 2 ? 1 : 21;
    for (int k = 0; k < 8; ++k) out << ' ' << base + (u * 7 + k * 3) % 20;
    out << '\n';
  }
  return path;
}

TEST(Cli, ImportTrainEvalRecommend) {
  std::string dir = testing::temp_dir("cli");
  std::string seq = write_sequences(dir);
  CommandResult imp =
      run_lmrec("import --format s3rec --input " + seq + " --out " + dir + "/d.lmd --json");
  ASSERT_EQ(imp.status, 0) << imp.out;
  EXPECT_EQ(nlohmann::json::parse(imp.out)["users"], 60);

  CommandResult train = run_lmrec(
      "train --data " + dir + "/d.lmd --model ease --grid lambda=1,10 --out " + dir + "/m --json");
  ASSERT_EQ(train.status, 0) << train.out;
  EXPECT_EQ(nlohmann::json::parse(train.out)["grid"].size(), 2u);

  CommandResult eval = run_lmrec("eval --data " + dir + "/d.lmd --model " + dir + "/m --json");
  ASSERT_EQ(eval.status, 0) << eval.out;
  auto j = nlohmann::json::parse(eval.out);
  for (const char* phase : {"valid", "test"}) {
    double ndcg = j[phase]["NDCG@10"];
    EXPECT_GT(ndcg, 0.0) << phase;
    EXPECT_LE(ndcg, 1.0) << phase;
  }

  CommandResult rec =
      run_lmrec("recommend --data " + dir + "/d.lmd --model " + dir + "/m --user 3 -k 5 --json");
  ASSERT_EQ(rec.status, 0) << rec.out;
  auto items = nlohmann::json::parse(rec.out)["items"];
  ASSERT_EQ(items.size(), 5u);
  for (const auto& it : items)
    EXPECT_LE(std::stoi(it["item"].get<std::string>()), 20) << "user 3 is in cluster 1..20";

  EXPECT_EQ(run_lmrec("info --data " + dir + "/d.lmd").status, 0);
}

TEST(Cli, BadInputNamesFileLineAndField) {
  std::string dir = testing::temp_dir("cli-bad");
  std::ofstream(dir + "/ratings.csv")
      << "userId,movieId,rating,timestamp\n1,10,4.0,100\n2,11,abc,200\n";
  CommandResult fail =
      run_lmrec("import --format csv --input " + dir + "/ratings.csv --out " + dir + "/d.lmd");
  EXPECT_EQ(fail.status, 65) << fail.out;
  EXPECT_NE(fail.out.find("ratings.csv:3"), std::string::npos) << fail.out;
  EXPECT_NE(fail.out.find("rating"), std::string::npos) << fail.out;

  CommandResult skip = run_lmrec("import --format csv --on-error skip --input " + dir +
                                 "/ratings.csv --out " + dir + "/d.lmd --json");
  ASSERT_EQ(skip.status, 0) << skip.out;
  auto j = nlohmann::json::parse(skip.out);
  EXPECT_EQ(j["rejected"], 1);
  EXPECT_EQ(j["interactions"], 1);
  std::ifstream rejects(dir + "/d.lmd.rejects");
  std::string all((std::istreambuf_iterator<char>(rejects)), {});
  EXPECT_NE(all.find("2,11,abc,200"), std::string::npos) << all;
}

TEST(Cli, UsageErrorsExitNonZeroWithMessage) {
  std::string dir = testing::temp_dir("cli-usage");
  CommandResult missing = run_lmrec("eval --data " + dir + "/none.lmd --model " + dir + "/none");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.out.find("none"), std::string::npos) << missing.out;
  std::string seq = write_sequences(dir);
  ASSERT_EQ(run_lmrec("import --input " + seq + " --format s3rec --out " + dir + "/d.lmd").status,
            0);
  CommandResult bad_model =
      run_lmrec("train --data " + dir + "/d.lmd --model nosuch --out " + dir + "/m");
  EXPECT_EQ(bad_model.status, 64) << bad_model.out;
  CommandResult bad_opt =
      run_lmrec("train --data " + dir + "/d.lmd --model ease --set lamda=5 --out " + dir + "/m");
  EXPECT_EQ(bad_opt.status, 64) << bad_opt.out;
  EXPECT_NE(bad_opt.out.find("lamda"), std::string::npos) << bad_opt.out;
}

}  // namespace
}  // namespace lmrec
