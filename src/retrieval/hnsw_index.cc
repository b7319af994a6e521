#include "retrieval/hnsw_index.h"

// hnswlib.h defines non-inline functions: it may be included by this one file only.
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/hash.h"

namespace lmrec {

namespace {

using Graph = hnswlib::HierarchicalNSW<float>;
constexpr char kMetaMagic[9] = "LMRECANN";
constexpr uint32_t kMetaVersion = 1;

std::string meta_path(const std::string& path) { return path + ".meta"; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) LMREC_THROW(IoError, "cannot open ANN index " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) LMREC_THROW(IoError, "cannot read ANN index " + path);
  return bytes;
}

// The size hnswlib 0.6.2's saveIndex() writes: a fixed header (11 size_t-sized fields and two
// 4-byte ones), the bottom layer, then each element's upper-layer links behind a 4-byte length.
// saveIndex() does not report write errors, so save() compares against this.
uint64_t expected_graph_bytes(const Graph& g) {
  uint64_t bytes = 11 * sizeof(size_t) + 2 * 4 + g.cur_element_count * g.size_data_per_element_;
  for (size_t i = 0; i < g.cur_element_count; ++i)
    bytes += 4 + (g.element_levels_[i] > 0 ? g.size_links_per_element_ * g.element_levels_[i] : 0);
  return bytes;
}

float inner_product(const float* a, const float* b, int dim) {
  float sum = 0.0f;
  for (int d = 0; d < dim; ++d) sum += a[d] * b[d];
  return sum;
}

// Greedy walk down the upper layers to the bottom-layer entry point, as hnswlib's searchKnn()
// does; done here so that each call can use its own ef without touching the shared setEf().
hnswlib::tableint descend(const Graph& g, const float* query) {
  hnswlib::tableint current = g.enterpoint_node_;
  float best = g.fstdistfunc_(query, g.getDataByInternalId(current), g.dist_func_param_);
  for (int level = g.maxlevel_; level > 0; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      hnswlib::linklistsizeint* list = g.get_linklist(current, level);
      auto* ids = reinterpret_cast<hnswlib::tableint*>(list + 1);
      for (int j = 0, n = g.getListCount(list); j < n; ++j) {
        float d = g.fstdistfunc_(query, g.getDataByInternalId(ids[j]), g.dist_func_param_);
        if (d < best) {
          best = d;
          current = ids[j];
          moved = true;
        }
      }
    }
  }
  return current;
}

}  // namespace

struct HnswIndex::Impl {
  int dim = 0;
  HnswOptions options;
  uint64_t vectors_hash = 0;
  // The graph keeps a pointer into the space: declared first, destroyed last.
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<Graph> graph;
};

HnswIndex::HnswIndex() : impl_(std::make_unique<Impl>()) {}
HnswIndex::HnswIndex(HnswIndex&&) noexcept = default;
HnswIndex& HnswIndex::operator=(HnswIndex&&) noexcept = default;
HnswIndex::~HnswIndex() = default;

int64_t HnswIndex::size() const {
  return impl_->graph ? static_cast<int64_t>(impl_->graph->cur_element_count) : 0;
}
int HnswIndex::dim() const { return impl_->dim; }
const HnswOptions& HnswIndex::options() const { return impl_->options; }
uint64_t HnswIndex::vectors_hash() const { return impl_->vectors_hash; }

HnswIndex HnswIndex::build(std::span<const float> vectors, int64_t n, int dim,
                           const HnswOptions& options) {
  if (n <= 0 || dim <= 0 || static_cast<int64_t>(vectors.size()) != n * dim)
    LMREC_THROW(UsageError, "HnswIndex::build: " + std::to_string(vectors.size()) +
                                " floats are not " + std::to_string(n) + " vectors of " +
                                std::to_string(dim));
  if (n > std::numeric_limits<int32_t>::max())
    LMREC_THROW(UsageError, "HnswIndex::build: more than 2^31 vectors");
  if (options.m < 2 || options.ef_construction < 1)
    LMREC_THROW(UsageError, "HnswIndex::build: need m >= 2 and ef_construction >= 1");
  HnswIndex index;
  Impl& im = *index.impl_;
  im.dim = dim;
  im.options = options;
  im.vectors_hash = hash_bytes(vectors.data(), vectors.size_bytes());
  im.space = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dim));
  im.graph = std::make_unique<Graph>(im.space.get(), static_cast<size_t>(n), options.m,
                                     options.ef_construction, options.seed);
  // hnswlib's addPoint() locks per node, so insertion runs on all threads. Its level draws share
  // one unsynchronised generator, so with several threads the graph differs from run to run
  // (not its quality). Exceptions (out of memory) must not leave the parallel region.
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < n; ++i) {
    try {
      im.graph->addPoint(vectors.data() + i * dim, static_cast<hnswlib::labeltype>(i));
    } catch (...) {
#pragma omp critical(lmrec_hnsw_build)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return index;
}

std::vector<ScoredItem> HnswIndex::search(const float* query, int k, int ef,
                                          std::span<const int32_t> exclude) const {
  if (!impl_->graph) LMREC_THROW(UsageError, "HnswIndex::search on an index never built or loaded");
  if (k <= 0) return {};
  const Graph& g = *impl_->graph;
  std::vector<int32_t> skip(exclude.begin(), exclude.end());
  std::sort(skip.begin(), skip.end());
  skip.erase(std::unique(skip.begin(), skip.end()), skip.end());
  size_t breadth = std::max<size_t>(std::max(ef, 1), static_cast<size_t>(k) + skip.size());
  auto found = g.searchBaseLayerST<false>(descend(g, query), query, breadth);
  std::vector<ScoredItem> out;
  out.reserve(found.size());
  for (; !found.empty(); found.pop()) {
    hnswlib::tableint id = found.top().second;
    auto item = static_cast<int32_t>(g.getExternalLabel(id));
    if (std::binary_search(skip.begin(), skip.end(), item)) continue;
    auto* vector = reinterpret_cast<const float*>(g.getDataByInternalId(id));
    out.push_back({item, inner_product(query, vector, impl_->dim)});
  }
  std::sort(out.begin(), out.end(), [](const ScoredItem& a, const ScoredItem& b) {
    return ranks_before(a.score, a.item, b.score, b.item);
  });
  if (out.size() > static_cast<size_t>(k)) out.resize(static_cast<size_t>(k));
  return out;
}

void HnswIndex::save(const std::string& path) const {
  if (!impl_->graph) LMREC_THROW(UsageError, "HnswIndex::save on an index never built or loaded");
  const Graph& g = *impl_->graph;
  std::string tmp = path + ".tmp";
  const_cast<Graph&>(g).saveIndex(tmp);  // not const in hnswlib, though it only reads
  std::string bytes = read_file(tmp);
  if (bytes.size() != expected_graph_bytes(g))
    LMREC_THROW(IoError, "cannot write " + tmp + ": short write (disk full?)");
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) LMREC_THROW(IoError, "cannot rename " + tmp + " to " + path + ": " + ec.message());
  BinaryWriter meta(meta_path(path), kMetaMagic, kMetaVersion);
  for (uint64_t v : {static_cast<uint64_t>(size()), static_cast<uint64_t>(impl_->dim),
                     static_cast<uint64_t>(impl_->options.m),
                     static_cast<uint64_t>(impl_->options.ef_construction),
                     static_cast<uint64_t>(impl_->options.seed), impl_->vectors_hash,
                     static_cast<uint64_t>(bytes.size()), hash_bytes(bytes.data(), bytes.size())})
    meta.u64(v);
  meta.commit();
}

namespace {

// What hnswlib's loader does not check: the element count, the vector size and the labels.
void check_loaded(const Graph& g, const std::string& path, int64_t n, int dim) {
  bool labels_ok = g.label_lookup_.size() == static_cast<size_t>(n);
  for (size_t i = 0; labels_ok && i < g.cur_element_count; ++i)
    labels_ok = g.getExternalLabel(static_cast<hnswlib::tableint>(i)) < static_cast<size_t>(n);
  if (g.cur_element_count != static_cast<size_t>(n) ||
      g.label_offset_ - g.offsetData_ != static_cast<size_t>(dim) * sizeof(float) || !labels_ok)
    LMREC_THROW(FormatError, path + ": graph contents disagree with " + meta_path(path));
}

}  // namespace

HnswIndex HnswIndex::load(const std::string& path, int64_t n, int dim) {
  BinaryReader meta(meta_path(path), kMetaMagic, kMetaVersion, "ANN index header");
  uint64_t fields[8];
  for (uint64_t& f : fields) f = meta.u64();
  meta.expect_end();
  auto [count, stored_dim, m, ef_construction, seed, vectors_hash, graph_bytes, graph_hash] =
      fields;
  if (count != static_cast<uint64_t>(n) || stored_dim != static_cast<uint64_t>(dim))
    LMREC_THROW(FormatError, path + ": index holds " + std::to_string(count) + " vectors of " +
                                 std::to_string(stored_dim) + " floats, expected " +
                                 std::to_string(n) + " of " + std::to_string(dim));
  std::string bytes = read_file(path);
  if (bytes.size() != graph_bytes || hash_bytes(bytes.data(), bytes.size()) != graph_hash)
    LMREC_THROW(FormatError, path + ": size or checksum differs from " + meta_path(path) +
                                 " (truncated, corrupted or replaced)");
  HnswIndex index;
  Impl& im = *index.impl_;
  im.dim = dim;
  im.options = {static_cast<int>(m), static_cast<int>(ef_construction),
                static_cast<uint32_t>(seed)};
  im.vectors_hash = vectors_hash;
  im.space = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dim));
  try {
    im.graph = std::make_unique<Graph>(im.space.get(), path);
  } catch (const std::runtime_error& e) {
    LMREC_THROW(FormatError, path + ": " + e.what());
  }
  check_loaded(*im.graph, path, n, dim);
  return index;
}

}  // namespace lmrec
