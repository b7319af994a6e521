#include "models/itemknn.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecKNN";
constexpr uint32_t kVersion = 1;
constexpr int32_t kItemsPerProgressStep = 512;

struct Neighbor {
  int32_t item;
  double sim;
};

// One thread's scratch space: dot products of the current item with every other item.
struct Accumulator {
  explicit Accumulator(int32_t n)
      : dot(static_cast<size_t>(n), 0.0), seen(static_cast<size_t>(n)) {}
  std::vector<double> dot;
  std::vector<uint8_t> seen;
  std::vector<int32_t> touched;
};

std::vector<double> column_norms(const SparseRows& xt) {
  std::vector<double> norm(static_cast<size_t>(xt.n_rows()));
  for (int32_t i = 0; i < xt.n_rows(); ++i) {
    double sq = 0;
    for (float v : xt.row_value(i)) sq += static_cast<double>(v) * v;
    norm[static_cast<size_t>(i)] = std::sqrt(sq);
  }
  return norm;
}

// Keeps the best `k` of `row` (highest similarity, then lower id), best first.
void keep_top(std::vector<Neighbor>& row, int64_t k) {
  auto better = [](const Neighbor& a, const Neighbor& b) {
    return a.sim > b.sim || (a.sim == b.sim && a.item < b.item);
  };
  if (static_cast<int64_t>(row.size()) > k) {
    std::nth_element(row.begin(), row.begin() + k, row.end(), better);
    row.resize(static_cast<size_t>(k));
  }
  std::sort(row.begin(), row.end(), better);
}

// Similarities of item i with every item sharing a user: the sparse row i of XᵀX, normalised.
std::vector<Neighbor> similarity_row(int32_t i, const SparseRows& x, const SparseRows& xt,
                                     const std::vector<double>& norm, const ItemKnnOptions& o,
                                     Accumulator& acc) {
  auto users = xt.row_index(i);
  auto weights = xt.row_value(i);
  for (size_t k = 0; k < users.size(); ++k) {
    auto items = x.row_index(users[k]);
    auto values = x.row_value(users[k]);
    for (size_t m = 0; m < items.size(); ++m) {
      auto j = static_cast<size_t>(items[m]);
      if (!acc.seen[j]) {
        acc.seen[j] = 1;
        acc.touched.push_back(items[m]);
      }
      acc.dot[j] += static_cast<double>(weights[k]) * values[m];
    }
  }
  std::vector<Neighbor> row;
  for (int32_t j : acc.touched) {
    auto sj = static_cast<size_t>(j);
    double denominator = norm[static_cast<size_t>(i)] * norm[sj] + o.shrink;
    if (j != i && acc.dot[sj] != 0.0 && denominator > 0.0)
      row.push_back({j, acc.dot[sj] / denominator});
    acc.dot[sj] = 0.0;
    acc.seen[sj] = 0;
  }
  acc.touched.clear();
  keep_top(row, o.neighbors);
  return row;
}

SparseRows pack_rows(const std::vector<std::vector<Neighbor>>& rows) {
  SparseRows m;
  m.indptr.assign(rows.size() + 1, 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& n : rows[i]) {
      m.index.push_back(n.item);
      m.value.push_back(static_cast<float>(n.sim));
    }
    m.indptr[i + 1] = static_cast<int64_t>(m.index.size());
  }
  return m;
}

// Every row range must be in bounds and every neighbour a valid item, or scoring would read
// out of bounds.
void check_neighbor_lists(const SparseRows& m, uint64_t n, const std::string& path) {
  bool ok = n <= static_cast<uint64_t>(INT32_MAX) && m.indptr.size() == n + 1 &&
            m.indptr.front() == 0 && m.indptr.back() == static_cast<int64_t>(m.index.size()) &&
            m.index.size() == m.value.size();
  for (size_t i = 0; ok && i < n; ++i) ok = m.indptr[i] <= m.indptr[i + 1];
  for (size_t k = 0; ok && k < m.index.size(); ++k)
    ok = m.index[k] >= 0 && static_cast<uint64_t>(m.index[k]) < n;
  if (!ok)
    LMREC_THROW(FormatError,
                path + ": neighbour lists do not match " + std::to_string(n) + " items");
}

}  // namespace

ItemKnnOptions ItemKnnOptions::parse(const Options& options) {
  options.check_known("itemknn", {"neighbors", "shrink", "binary"});
  ItemKnnOptions o;
  o.neighbors = options.get_int("neighbors", o.neighbors);
  o.shrink = options.get_double("shrink", o.shrink);
  o.binary = options.get_bool("binary", o.binary);
  if (o.neighbors < 1) LMREC_THROW(ConfigError, "itemknn: neighbors must be >= 1");
  if (!(o.shrink >= 0)) LMREC_THROW(ConfigError, "itemknn: shrink must be >= 0");
  return o;
}

Options ItemKnnOptions::to_options() const {
  Options o;
  o.set("neighbors", std::to_string(neighbors));
  o.set("shrink", format_option(shrink));
  o.set("binary", format_option(binary));
  return o;
}

ItemKnnRecommender::ItemKnnRecommender(ItemKnnOptions options) : options_(options) {}

void ItemKnnRecommender::fit(const Dataset& train, const FitContext& ctx) {
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  int32_t n = train.n_items();
  SparseRows x = user_item_matrix(train, options_.binary);
  SparseRows xt = transpose(x, n);
  std::vector<double> norm = column_norms(xt);
  std::vector<std::vector<Neighbor>> rows(static_cast<size_t>(n));
  progress.start("itemknn similarities", n, "items");
#pragma omp parallel
  {
    Accumulator acc(n);
    // Chunks keep progress reports on the calling thread; items within a chunk vary in cost.
    for (int32_t begin = 0; begin < n; begin += kItemsPerProgressStep) {
      int32_t end = std::min(n, begin + kItemsPerProgressStep);
#pragma omp for schedule(dynamic, 8)
      for (int32_t i = begin; i < end; ++i)
        rows[static_cast<size_t>(i)] = similarity_row(i, x, xt, norm, options_, acc);
#pragma omp master
      progress.advance(end - begin);
    }
  }
  progress.finish();
  similar_ = pack_rows(rows);
  n_items_ = n;
  fitted_ = true;
}

void ItemKnnRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(fitted_, UsageError, "itemknn: score() before fit() or load");
  auto histories = history_rows(users, n_items_, options_.binary, name());
  auto n = static_cast<size_t>(n_items_);
#pragma omp parallel for schedule(dynamic) if (users.size() > 1)
  for (size_t u = 0; u < users.size(); ++u) {
    float* row = scores + u * n;
    std::fill(row, row + n, 0.0f);
    for (const auto& h : histories[u]) {
      auto items = similar_.row_index(h.item);
      auto sims = similar_.row_value(h.item);
      for (size_t k = 0; k < items.size(); ++k) row[items[k]] += h.weight * sims[k];
    }
  }
}

std::span<const int32_t> ItemKnnRecommender::neighbor_items(int32_t i) const {
  LMREC_CHECK(i >= 0 && i < n_items_, UsageError, "itemknn: item id out of range");
  return similar_.row_index(i);
}

std::span<const float> ItemKnnRecommender::neighbor_sims(int32_t i) const {
  LMREC_CHECK(i >= 0 && i < n_items_, UsageError, "itemknn: item id out of range");
  return similar_.row_value(i);
}

void ItemKnnRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(fitted_, UsageError, "itemknn: save before fit()");
  BinaryWriter out(dir + "/weights.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_items_));
  out.array(similar_.indptr);
  out.array(similar_.index);
  out.array(similar_.value);
  out.commit();
}

void ItemKnnRecommender::load_weights(const std::string& dir) {
  std::string path = dir + "/weights.bin";
  BinaryReader in(path, kMagic, kVersion, "itemknn weights file");
  uint64_t n = in.u64();
  SparseRows m;
  m.indptr = in.array<int64_t>();
  m.index = in.array<int32_t>();
  m.value = in.array<float>();
  in.expect_end();
  check_neighbor_lists(m, n, path);
  similar_ = std::move(m);
  n_items_ = static_cast<int32_t>(n);
  fitted_ = true;
}

}  // namespace lmrec
