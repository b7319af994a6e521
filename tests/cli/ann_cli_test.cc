// End-to-end: export, index and recommend --ann through the lmrec binary, on the first factor
// model in the registry (skipped when there is none).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset_file.h"
#include "models/factor_model.h"
#include "support/run_lmrec.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::CommandResult;
using testing::run_lmrec;

// 60 users over 40 items in two clusters; returns the dataset file.
std::string import_sequences(const std::string& dir) {
  std::ofstream out(dir + "/seq.txt");
  for (int u = 1; u <= 60; ++u) {
    out << u;
    int base = u % 2 ? 1 : 21;
    for (int k = 0; k < 8; ++k) out << ' ' << base + (u * 7 + k * 3) % 20;
    out << '\n';
  }
  out.close();
  CommandResult r =
      run_lmrec("import --format s3rec --input " + dir + "/seq.txt --out " + dir + "/d.lmd");
  EXPECT_EQ(r.status, 0) << r.out;
  return dir + "/d.lmd";
}

// The first registered model that is a FactorModel, or "" when none is.
std::string factor_model_name() {
  for (const std::string& name : recommender_names())
    if (dynamic_cast<FactorModel*>(make_recommender(name, {}).get())) return name;
  return "";
}

TEST(AnnCli, VerbsRefuseModelsWithoutFactors) {
  std::string dir = testing::temp_dir("ann-cli-ease");
  std::string data = import_sequences(dir);
  ASSERT_EQ(run_lmrec("train --data " + data + " --model ease --out " + dir + "/m").status, 0);
  for (const std::string& verb :
       {"export --model " + dir + "/m --out " + dir + "/x", "index --model " + dir + "/m",
        "recommend --ann --data " + data + " --model " + dir + "/m --user 3"}) {
    CommandResult r = run_lmrec(verb);
    EXPECT_EQ(r.status, 64) << verb << "\n" << r.out;
    EXPECT_NE(r.out.find("factor"), std::string::npos) << r.out;
  }
}

TEST(AnnCli, ExportIndexAndRecommendWithAnn) {
  std::string model_name = factor_model_name();
  if (model_name.empty()) GTEST_SKIP() << "no factor model registered";
  std::string dir = testing::temp_dir("ann-cli");
  std::string data = import_sequences(dir), model = dir + "/m";
  CommandResult train = run_lmrec("train --data " + data + " --model " + model_name + " --out " +
                                  model + " --split none");
  ASSERT_EQ(train.status, 0) << train.out;

  CommandResult exported =
      run_lmrec("export --model " + model + " --out " + dir + "/npy --data " + data + " --json");
  ASSERT_EQ(exported.status, 0) << exported.out;
  auto manifest = nlohmann::json::parse(exported.out);
  // The exported arrays are the model's own, value for value, in model row order.
  auto loaded = load_model(model);
  const auto* fm = dynamic_cast<const FactorModel*>(loaded.get());
  ASSERT_NE(fm, nullptr);
  int64_t rows = 0, cols = 0;
  auto factors = read_npy(dir + "/npy/item_factors.npy", rows, cols);
  EXPECT_EQ(rows, 40);
  EXPECT_EQ(cols, manifest["factors"].get<int64_t>());
  EXPECT_EQ(cols, fm->factors());
  ASSERT_FALSE(factors.empty());
  EXPECT_EQ(factors, std::vector<float>(fm->item_factors().begin(), fm->item_factors().end()));
  EXPECT_EQ(manifest.contains("item_biases"), !fm->item_biases().empty());
  if (manifest.contains("item_biases")) {
    auto biases = read_npy(dir + "/npy/item_biases.npy", rows, cols);
    EXPECT_EQ(rows, 40);
    EXPECT_EQ(biases, std::vector<float>(fm->item_biases().begin(), fm->item_biases().end()));
  }
  Dataset dataset = load_dataset(data);
  std::vector<std::string> ids;
  std::ifstream id_file(dir + "/npy/items.txt");
  for (std::string line; std::getline(id_file, line);) ids.push_back(line);
  EXPECT_EQ(ids, dataset.items.names());
  CommandResult bin = run_lmrec("export --model " + model + " --out " + dir + "/bin --format bin");
  ASSERT_EQ(bin.status, 0) << bin.out;
  ASSERT_EQ(std::filesystem::file_size(dir + "/bin/item_factors.bin"), factors.size() * 4);
  std::vector<float> raw(factors.size());
  std::ifstream(dir + "/bin/item_factors.bin", std::ios::binary)
      .read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * 4));
  EXPECT_EQ(raw, factors);
  EXPECT_EQ(run_lmrec("export --model " + model + " --out " + dir + "/x --format csv").status, 64);

  std::string user = " --data " + data + " --model " + model + " --user 3 -k 5 --json";
  CommandResult missing = run_lmrec("recommend --ann" + user);
  EXPECT_EQ(missing.status, 74) << missing.out;
  EXPECT_NE(missing.out.find("lmrec index"), std::string::npos) << missing.out;

  CommandResult index = run_lmrec("index --model " + model + " --data " + data + " --json");
  ASSERT_EQ(index.status, 0) << index.out;
  auto built = nlohmann::json::parse(index.out);
  EXPECT_EQ(built["items"], 40);
  // 40 items and ef 128: the search sees every item, so recall is exact.
  EXPECT_EQ(built["recall"]["recall_by_ef"]["128"].get<double>(), 1.0);
  EXPECT_TRUE(std::filesystem::exists(model + "/ann.hnsw"));

  // Against the exact scores of every item: same scores, and nothing better left out (near-ties
  // may order differently, as the two paths round differently).
  std::string all = " --data " + data + " --model " + model + " --user 3 -k 40 --json";
  CommandResult exact = run_lmrec("recommend" + all);
  CommandResult ann = run_lmrec("recommend --ann --ef 100" + user);
  ASSERT_EQ(exact.status, 0) << exact.out;
  ASSERT_EQ(ann.status, 0) << ann.out;
  auto want = nlohmann::json::parse(exact.out)["items"],
       got = nlohmann::json::parse(ann.out)["items"];
  std::map<std::string, double> score;
  for (const auto& it : want) score[it["item"].get<std::string>()] = it["score"].get<double>();
  ASSERT_EQ(got.size(), 5u);
  for (size_t r = 0; r < got.size(); ++r) {
    ASSERT_EQ(score.count(got[r]["item"].get<std::string>()), 1u) << got[r];
    EXPECT_NEAR(got[r]["score"].get<double>(), score.at(got[r]["item"].get<std::string>()), 1e-4);
    EXPECT_NEAR(got[r]["score"].get<double>(), want[r]["score"].get<double>(), 1e-4);
  }
}

}  // namespace
}  // namespace lmrec
