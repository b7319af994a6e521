#include "text/tfjs_weights.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "core/hash.h"
#include "support/tiny_data.h"
#include "text/text_test_util.h"
#include "text/use_lite.h"

namespace lmrec {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string floats(std::vector<float> v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// Two tensors over two shards: w [2, 2] float32 and n [] int32.
std::string tiny_model(const std::string& name) {
  std::string dir = testing::temp_dir(name);
  write(fs::path(dir) / "model.json", R"({"modelTopology": {}, "weightsManifest": [{
      "paths": ["s1", "s2"],
      "weights": [{"name": "w", "shape": [2, 2], "dtype": "float32"},
                  {"name": "n", "shape": [], "dtype": "int32"}]}]})");
  std::string bytes = floats({1, 2, 3, 4});
  int32_t n = 7;
  bytes.append(reinterpret_cast<const char*>(&n), 4);
  write(fs::path(dir) / "s1", bytes.substr(0, 12));
  write(fs::path(dir) / "s2", bytes.substr(12));
  return dir;
}

template <typename E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TextWeights, ReadsTensorsAcrossShards) {
  auto w = TfjsWeights::load(tiny_model("weights-ok"));
  EXPECT_EQ(w.floats("w", {2, 2}), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(w.tensors().at("n").ints, std::vector<int32_t>{7});
  EXPECT_NE(message_of<FormatError>([&] { w.floats("w", {4}); }).find("expected float32 [4]"),
            std::string::npos);
  EXPECT_NE(message_of<FormatError>([&] { w.floats("v", {4}); }).find("missing"),
            std::string::npos);
}

TEST(TextWeights, NamesAMissingShard) {
  auto dir = tiny_model("weights-missing");
  fs::remove(fs::path(dir) / "s2");
  EXPECT_NE(message_of<IoError>([&] { TfjsWeights::load(dir); }).find(dir + "/s2"),
            std::string::npos);
}

TEST(TextWeights, NamesATruncatedOrCorruptedShard) {
  auto dir = tiny_model("weights-bad");
  write(fs::path(dir) / "s2", "abc");
  EXPECT_NE(message_of<FormatError>([&] { TfjsWeights::load(dir); }).find(dir + "/s2"),
            std::string::npos);
  write(fs::path(dir) / "s2", "abcdefgh");
  std::string s1 = floats({1, 2, 3});
  EXPECT_NO_THROW(TfjsWeights::load(dir, {{"s1", hash_bytes(s1.data(), s1.size())}}));
  auto message = message_of<FormatError>([&] { TfjsWeights::load(dir, {{"s1", 42}}); });
  EXPECT_NE(message.find(dir + "/s1"), std::string::npos) << message;
  EXPECT_NE(message.find("corrupted"), std::string::npos) << message;
}

TEST(TextWeights, RefusesAMalformedManifest) {
  auto dir = tiny_model("weights-manifest");
  write(fs::path(dir) / "model.json", "{\"weightsManifest\": 3");
  EXPECT_NE(message_of<FormatError>([&] { TfjsWeights::load(dir); }).find(dir + "/model.json"),
            std::string::npos);
}

// The real model: a flipped byte in one shard is caught by the pinned checksums and named.
TEST(UseLite, RefusesACorruptedShardAndNamesIt) {
  LMREC_REQUIRE_USE_LITE();
  std::string dir = testing::temp_dir("use-lite-corrupt");
  for (const auto& entry : fs::directory_iterator(testing::use_lite_dir()))
    if (entry.is_regular_file())
      fs::create_symlink(entry.path(), fs::path(dir) / entry.path().filename());
  fs::remove(fs::path(dir) / "group1-shard3of7");
  fs::copy_file(fs::path(testing::use_lite_dir()) / "group1-shard3of7",
                fs::path(dir) / "group1-shard3of7");
  {
    std::fstream f(fs::path(dir) / "group1-shard3of7",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1000);
    f.put('\x7f');
  }
  UseLiteOptions o;
  o.model_dir = dir;
  auto message = message_of<FormatError>([&] { UseLiteEncoder e(o); });
  EXPECT_NE(message.find("group1-shard3of7"), std::string::npos) << message;
  fs::remove(fs::path(dir) / "group1-shard3of7");
  message = message_of<IoError>([&] { UseLiteEncoder e(o); });
  EXPECT_NE(message.find("group1-shard3of7"), std::string::npos) << message;
  fs::remove(fs::path(dir) / "vocab.json");
  message = message_of<IoError>([&] { UseLiteEncoder e(o); });
  EXPECT_NE(message.find("vocab.json"), std::string::npos) << message;
}

}  // namespace
}  // namespace lmrec
