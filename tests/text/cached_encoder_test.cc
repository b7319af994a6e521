#include "text/cached_encoder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

// Vector of a text: [length, first byte, calls so far]; counts the texts it encodes.
class CountingEncoder : public TextEncoder {
 public:
  explicit CountingEncoder(std::string name = "counting@1") : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  int dim() const override { return 3; }
  std::vector<float> encode(std::span<const std::string> texts) const override {
    std::vector<float> out;
    for (const auto& t : texts) {
      encoded += 1;
      out.insert(out.end(), {static_cast<float>(t.size()), t.empty() ? 0.f : float(t[0]),
                             static_cast<float>(encoded)});
    }
    return out;
  }
  mutable std::atomic<int> encoded{0};

 private:
  std::string name_;
};

TEST(TextCache, EncodesEachDistinctTextOnce) {
  auto inner = std::make_shared<CountingEncoder>();
  CachedEncoder cache(inner);
  std::vector<std::string> texts = {"a", "bb", "a", ""};
  auto first = cache.encode(texts);
  EXPECT_EQ(inner->encoded, 3);
  EXPECT_EQ(std::vector<float>(first.begin(), first.begin() + 3),
            std::vector<float>(first.begin() + 6, first.begin() + 9));
  auto again = cache.encode(texts);
  EXPECT_EQ(inner->encoded, 3);
  EXPECT_EQ(first, again);
  EXPECT_EQ(cache.size(), 3);
  EXPECT_EQ(cache.hits(), 4);
}

TEST(TextCache, PersistsAcrossRunsAndKeysByModel) {
  std::string path = testing::temp_dir("text-cache") + "/cache.bin";
  auto inner = std::make_shared<CountingEncoder>();
  {
    CachedEncoder cache(inner, path);
    cache.encode(std::vector<std::string>{"x", "y"});
    cache.save();
  }
  CachedEncoder reopened(inner, path);
  EXPECT_EQ(reopened.size(), 2);
  reopened.encode(std::vector<std::string>{"y", "x", "z"});
  EXPECT_EQ(inner->encoded, 3);  // only "z" was new
  EXPECT_NE(CachedEncoder(std::make_shared<CountingEncoder>("other@1")).key("x"),
            reopened.key("x"));
  EXPECT_THROW(CachedEncoder(std::make_shared<CountingEncoder>("other@1"), path), FormatError);
}

TEST(TextCache, RefusesACorruptedFile) {
  std::string path = testing::temp_dir("text-cache-bad") + "/cache.bin";
  auto inner = std::make_shared<CountingEncoder>();
  {
    CachedEncoder cache(inner, path);
    cache.encode(std::vector<std::string>{"x"});
    cache.save();
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 5);
  try {
    CachedEncoder broken(inner, path);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
}  // namespace lmrec
