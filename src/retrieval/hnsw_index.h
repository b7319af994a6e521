// Approximate maximum-inner-product search over a fixed set of item vectors with an HNSW graph
// (hnswlib, inner-product space). Item ids are the row numbers of the vectors given to build().
//
// Files: save(path) writes the graph in hnswlib's own format to `path`, so other hnswlib tools
// can load it, and a checksummed header to `path.meta` (item count, dimension, build options,
// hash of the vectors, size and hash of the graph file). load() checks both before handing the
// graph to hnswlib, whose loader trusts its input.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/top_k.h"

namespace lmrec {

struct HnswOptions {
  int m = 16;                 // graph degree (2·m on the bottom layer); memory grows with it
  int ef_construction = 200;  // candidate list while inserting; build time grows with it
  uint32_t seed = 100;        // level draws; the graph is reproducible only with one thread
};

class HnswIndex {
 public:
  HnswIndex();
  HnswIndex(HnswIndex&&) noexcept;
  HnswIndex& operator=(HnswIndex&&) noexcept;
  ~HnswIndex();

  // Indexes `vectors` [n × dim] row-major, inserting on all OpenMP threads. Throws UsageError on
  // bad shapes or options.
  static HnswIndex build(std::span<const float> vectors, int64_t n, int dim,
                         const HnswOptions& options = {});
  // Throws FormatError naming the file when either file is truncated or corrupted, or when the
  // index does not hold `n` vectors of `dim` floats; IoError when a file cannot be read.
  static HnswIndex load(const std::string& path, int64_t n, int dim);
  void save(const std::string& path) const;

  int64_t size() const;
  int dim() const;
  const HnswOptions& options() const;
  // hash_bytes() of the vectors the index was built from, so a caller can tell a stale index.
  uint64_t vectors_hash() const;

  // The k items with the largest inner product with `query` (dim() floats), best first, ties to
  // the lower id, skipping `exclude`. `ef` is the search breadth (recall grows with it); at
  // least k + |exclude| candidates are searched so exclusions never shorten the list. Scores are
  // recomputed exactly for the candidates found. Thread-safe.
  std::vector<ScoredItem> search(const float* query, int k, int ef,
                                 std::span<const int32_t> exclude = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmrec
