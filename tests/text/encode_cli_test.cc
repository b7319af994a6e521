// lmrec encode end to end: lines in, .npy / JSON lines out, the cache file, a missing model.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/factor_model.h"
#include "support/tiny_data.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

struct Result {
  int status;
  std::string out;  // stdout and stderr together
};

Result run_lmrec(const std::string& args) {
  std::string cmd = std::string(LMREC_BINARY) + " --quiet " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

TEST(TextEncodeCli, WritesNpyAndJsonLines) {
  LMREC_REQUIRE_USE_LITE();
  std::string dir = testing::temp_dir("encode-cli");
  std::ofstream(dir + "/in.txt") << "Toy Story (1995)\n\nA gripping thriller\r\n";
  std::string model = " --model-dir " + testing::use_lite_dir();
  auto npy = run_lmrec("encode -i " + dir + "/in.txt -o " + dir + "/v.npy --cache " + dir +
                       "/cache.bin" + model);
  ASSERT_EQ(npy.status, 0) << npy.out;
  EXPECT_NE(npy.out.find("3 newly encoded"), std::string::npos) << npy.out;
  int64_t rows, cols;
  auto v = read_npy(dir + "/v.npy", rows, cols);
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(cols, 512);

  auto again = run_lmrec("encode -i " + dir + "/in.txt -o " + dir + "/v.jsonl --cache " + dir +
                         "/cache.bin" + model);
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("0 newly encoded"), std::string::npos) << again.out;
  std::ifstream in(dir + "/v.jsonl");
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["text"], "A gripping thriller");
  auto row = lines[2]["embedding"].get<std::vector<float>>();
  ASSERT_EQ(row.size(), 512u);
  for (int j = 0; j < 512; ++j) EXPECT_FLOAT_EQ(row[j], v[2 * 512 + j]);
}

TEST(TextEncodeCli, NamesAMissingModel) {
  auto r = run_lmrec("encode --model-dir /nonexistent/use-lite -o /tmp/x.npy < /dev/null");
  EXPECT_EQ(r.status, 74) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/use-lite/vocab.json"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lmrec
