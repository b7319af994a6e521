// HnswIndex against brute force on seeded random vectors: recall, exclusions, tie order, scores,
// and the refusal of damaged or mismatched files.
#include "retrieval/hnsw_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "core/errors.h"
#include "core/threads.h"
#include "core/top_k.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

constexpr int64_t kItems = 2000;
constexpr int kDim = 32;

std::vector<float> gaussian(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// Brute-force inner products of one query against every vector.
std::vector<float> dots(const std::vector<float>& vectors, const float* query, int dim) {
  std::vector<float> out(vectors.size() / dim);
  for (size_t i = 0; i < out.size(); ++i) {
    float s = 0.0f;
    for (int d = 0; d < dim; ++d) s += vectors[i * dim + d] * query[d];
    out[i] = s;
  }
  return out;
}

std::vector<int32_t> ids(const std::vector<ScoredItem>& items) {
  std::vector<int32_t> out;
  for (const auto& s : items) out.push_back(s.item);
  return out;
}

class HnswIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vectors_ = new std::vector<float>(gaussian(kItems * kDim, 7));
    queries_ = new std::vector<float>(gaussian(100 * kDim, 8));
    index_ = new HnswIndex(HnswIndex::build(*vectors_, kItems, kDim));
  }
  static void TearDownTestSuite() {
    delete index_;
    delete queries_;
    delete vectors_;
  }
  static const float* query(int q) { return queries_->data() + q * kDim; }
  // Mean fraction of the exact top-k found by the index at breadth ef.
  static double recall(int k, int ef) {
    double found = 0;
    for (int q = 0; q < 100; ++q) {
      auto exact = ids(top_k(dots(*vectors_, query(q), kDim), k));
      auto approx = ids(index_->search(query(q), k, ef));
      std::set<int32_t> truth(exact.begin(), exact.end());
      for (int32_t i : approx) found += truth.count(i);
    }
    return found / (100.0 * k);
  }
  static std::vector<float>* vectors_;
  static std::vector<float>* queries_;
  static HnswIndex* index_;
};
std::vector<float>* HnswIndexTest::vectors_ = nullptr;
std::vector<float>* HnswIndexTest::queries_ = nullptr;
HnswIndex* HnswIndexTest::index_ = nullptr;

TEST_F(HnswIndexTest, RecallAgainstExactTopK) {
  EXPECT_EQ(index_->size(), kItems);
  EXPECT_EQ(index_->dim(), kDim);
  double r64 = recall(10, 64), r200 = recall(10, 200);
  EXPECT_GE(r64, 0.95);
  EXPECT_GE(r200, r64 - 0.01);
  EXPECT_GE(r200, 0.99);
}

TEST_F(HnswIndexTest, BuiltOnOneOrTwoThreadsAlike) {
  int before = thread_count();
  set_threads(1);
  HnswIndex single = HnswIndex::build(*vectors_, kItems, kDim);
  set_threads(before);
  double found = 0;
  for (int q = 0; q < 100; ++q) {
    auto exact = ids(top_k(dots(*vectors_, query(q), kDim), 10));
    std::set<int32_t> truth(exact.begin(), exact.end());
    for (int32_t i : ids(single.search(query(q), 10, 64))) found += truth.count(i);
  }
  EXPECT_GE(found / 1000.0, 0.95);
}

TEST_F(HnswIndexTest, ScoresAreExactInnerProductsBestFirst) {
  for (int q = 0; q < 10; ++q) {
    auto all = dots(*vectors_, query(q), kDim);
    auto top = index_->search(query(q), 20, 64);
    ASSERT_EQ(top.size(), 20u);
    for (size_t r = 0; r < top.size(); ++r) {
      EXPECT_NEAR(top[r].score, all[top[r].item], 1e-4f);
      if (r > 0) {
        EXPECT_TRUE(ranks_before(top[r - 1].score, top[r - 1].item, top[r].score, top[r].item));
      }
    }
  }
}

TEST_F(HnswIndexTest, ExclusionsAreHonouredWithoutShorteningTheList) {
  for (int q = 0; q < 20; ++q) {
    auto all = dots(*vectors_, query(q), kDim);
    // The exact best 30 plus some random ids, duplicates and an out-of-range id.
    std::vector<int32_t> exclude = ids(top_k(all, 30));
    for (int j = 0; j < 30; ++j) exclude.push_back((q * 131 + j * 17) % kItems);
    exclude.push_back(exclude.front());
    exclude.push_back(static_cast<int32_t>(kItems + 5));
    auto top = index_->search(query(q), 10, kItems, exclude);
    for (int32_t i : exclude)
      if (i < kItems) all[i] = -std::numeric_limits<float>::infinity();
    // With ef = all items the search is exhaustive, so it equals the masked brute force.
    EXPECT_EQ(ids(top), ids(top_k(all, 10))) << "query " << q;
    auto fast = index_->search(query(q), 10, 16, exclude);
    EXPECT_EQ(fast.size(), 10u);
    for (const auto& s : fast)
      EXPECT_EQ(std::count(exclude.begin(), exclude.end(), s.item), 0) << s.item;
  }
}

TEST(HnswIndex, TiesGoToTheLowerIdLikeTopK) {
  // 40 copies of one long vector among 300 short ones: the copies tie for the best score.
  std::vector<float> vectors = gaussian(300 * 8, 3);
  for (float& x : vectors) x *= 0.1f;
  std::vector<int32_t> copies;
  for (int32_t i = 7; i < 300; i += 7) copies.push_back(i);
  for (int32_t i : copies)
    for (int d = 0; d < 8; ++d) vectors[i * 8 + d] = 1.0f;
  HnswIndex index = HnswIndex::build(vectors, 300, 8, {.m = 8, .ef_construction = 50});
  std::vector<float> query(8, 1.0f);
  auto top = index.search(query.data(), 5, 300, std::vector<int32_t>{14});
  EXPECT_EQ(ids(top), (std::vector<int32_t>{7, 21, 28, 35, 42}));
  EXPECT_EQ(ids(top), ids(top_k(
                          [&] {
                            auto s = dots(vectors, query.data(), 8);
                            s[14] = -std::numeric_limits<float>::infinity();
                            return s;
                          }(),
                          5)));
}

TEST_F(HnswIndexTest, SaveLoadRoundTripGivesIdenticalResults) {
  std::string path = testing::temp_dir("hnsw-save") + "/ann.hnsw";
  index_->save(path);
  HnswIndex loaded = HnswIndex::load(path, kItems, kDim);
  EXPECT_EQ(loaded.vectors_hash(), index_->vectors_hash());
  EXPECT_EQ(loaded.options().m, index_->options().m);
  for (int q = 0; q < 100; ++q) {
    auto a = index_->search(query(q), 10, 32), b = loaded.search(query(q), 10, 32);
    ASSERT_EQ(ids(a), ids(b));
    for (size_t r = 0; r < a.size(); ++r) EXPECT_EQ(a[r].score, b[r].score);
  }
}

TEST_F(HnswIndexTest, LoadRefusesDamagedOrMismatchedFiles) {
  std::string dir = testing::temp_dir("hnsw-bad");
  std::string path = dir + "/ann.hnsw";
  index_->save(path);
  EXPECT_THROW(HnswIndex::load(path, kItems, kDim + 1), FormatError);
  EXPECT_THROW(HnswIndex::load(path, kItems - 1, kDim), FormatError);
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 100);
  EXPECT_THROW(HnswIndex::load(path, kItems, kDim), FormatError);
  index_->save(path);
  {  // one flipped byte in the graph
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size / 2));
    char c = static_cast<char>(f.get());
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put(static_cast<char>(~c));
  }
  EXPECT_THROW(HnswIndex::load(path, kItems, kDim), FormatError);
  index_->save(path);
  std::filesystem::resize_file(path + ".meta", std::filesystem::file_size(path + ".meta") - 1);
  EXPECT_THROW(HnswIndex::load(path, kItems, kDim), FormatError);
  EXPECT_THROW(HnswIndex::load(dir + "/none.hnsw", kItems, kDim), IoError);
  index_->save(path);
  std::filesystem::remove(path);
  EXPECT_THROW(HnswIndex::load(path, kItems, kDim), IoError);
}

TEST(HnswIndex, BuildRefusesBadShapesAndSearchNeedsAnIndex) {
  std::vector<float> v(10);
  EXPECT_THROW(HnswIndex::build(v, 3, 4), UsageError);
  EXPECT_THROW(HnswIndex::build(v, 0, 4), UsageError);
  EXPECT_THROW(HnswIndex::build(v, 5, 2, {.m = 1}), UsageError);
  HnswIndex empty;
  float q[2] = {1, 1};
  EXPECT_THROW(empty.search(q, 3, 10), UsageError);
  HnswIndex small = HnswIndex::build(v, 5, 2);
  EXPECT_TRUE(small.search(q, 0, 10).empty());
  EXPECT_EQ(small.search(q, 10, 10).size(), 5u);
}

}  // namespace
}  // namespace lmrec
