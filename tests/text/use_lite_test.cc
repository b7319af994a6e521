#include "text/use_lite.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/threads.h"
#include "text/text_test_util.h"

namespace lmrec {
namespace {

const UseLiteEncoder& encoder() {
  static auto* e = new UseLiteEncoder([] {
    UseLiteOptions o;
    o.model_dir = testing::use_lite_dir();
    return o;
  }());
  return *e;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

TEST(UseLite, MatchesTheJavaScriptRuntimeEmbeddings) {
  LMREC_REQUIRE_USE_LITE();
  auto golden = testing::use_lite_golden();
  std::vector<std::string> texts;
  for (const auto& s : golden["sentences"]) texts.push_back(s["text"]);
  auto got = encoder().encode(texts);
  ASSERT_EQ(got.size(), texts.size() * 512);
  float worst = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto want = golden["sentences"][i]["embedding"].get<std::vector<float>>();
    ASSERT_EQ(want.size(), 512u);
    std::vector<float> row(got.begin() + i * 512, got.begin() + (i + 1) * 512);
    float d = max_abs_diff(row, want);
    EXPECT_LT(d, 1e-5f) << "text: " << texts[i].substr(0, 80);
    worst = std::max(worst, d);
  }
  RecordProperty("max_abs_diff", std::to_string(worst));
  std::printf("embeddings: %zu texts, max abs diff vs JavaScript %.3g\n", texts.size(), worst);
}

TEST(UseLite, OutputsAreUnitVectors) {
  LMREC_REQUIRE_USE_LITE();
  auto v = encoder().encode(std::vector<std::string>{"a movie", ""});
  for (int r = 0; r < 2; ++r) {
    double n = 0;
    for (int j = 0; j < 512; ++j) n += v[r * 512 + j] * v[r * 512 + j];
    EXPECT_NEAR(n, 1.0, 1e-5);
  }
}

TEST(UseLite, BatchingAndThreadsDoNotChangeVectors) {
  LMREC_REQUIRE_USE_LITE();
  std::vector<std::string> texts = {"first text", "", "a somewhat longer second text, with commas",
                                    "x", "Toy Story (1995)"};
  auto together = encoder().encode(texts);
  UseLiteOptions o;
  o.model_dir = testing::use_lite_dir();
  o.batch_tokens = 1;  // one text per block, blocks spread over threads
  UseLiteEncoder small(o);
  int threads = thread_count();
  set_threads(2);
  auto apart = small.encode(texts);
  set_threads(threads);
  EXPECT_LT(max_abs_diff(together, apart), 1e-6f);
  for (size_t i = 0; i < texts.size(); ++i) {
    auto one = encoder().encode(std::span<const std::string>(&texts[i], 1));
    std::vector<float> row(together.begin() + i * 512, together.begin() + (i + 1) * 512);
    EXPECT_LT(max_abs_diff(one, row), 1e-6f) << texts[i];
  }
}

TEST(UseLite, ReadsOnlyTheFirst128Tokens) {
  LMREC_REQUIRE_USE_LITE();
  std::string text;
  for (int i = 0; i < 100; ++i) text += "word" + std::to_string(i) + " ";
  auto ids = encoder().tokenizer().encode(text);
  ASSERT_GT(ids.size(), 128u);
  std::vector<std::vector<int32_t>> both = {ids, {ids.begin(), ids.begin() + 128}};
  std::vector<float> out(2 * 512);
  encoder().embed(both, out.data());
  std::vector<float> cut(out.begin() + 512, out.end());
  out.resize(512);
  EXPECT_LT(max_abs_diff(out, cut), 1e-6f);
}

}  // namespace
}  // namespace lmrec
