#include "models/als_solver.h"

#include <cblas.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <cstring>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace lmrec::als {

namespace {

// Rows gathered per rank-k update of the Cholesky solver: large enough for an efficient
// product, small enough to stay in cache.
constexpr int64_t kGatherRows = 128;
// Below this squared residual the conjugate gradient has converged (the `implicit` value).
constexpr float kCgTolerance = 1e-20f;
// Conjugate-gradient blocks: at most this many rows, and about this many bytes of gathered
// factor rows.
constexpr int32_t kBlockRows = 32;
constexpr int64_t kBlockBytes = 256 << 10;
// Half steps with fewer observed entries run on one thread: waking the team costs more.
constexpr size_t kParallelEntries = 20'000;

// The fixed kernels prefetch the factor row this many entries ahead: the rows are scattered
// over a matrix larger than the cache, and prefetching halves the item half step's time.
constexpr size_t kPrefetch = 16;

using Vec16 = float __attribute__((vector_size(64)));
using Vec8 = float __attribute__((vector_size(32)));
using Map = Eigen::Map<Eigen::VectorXf>;
using ConstRowMap = Eigen::Map<const Eigen::RowVectorXf>;

inline Vec16 load16(const float* p) {
  Vec16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline float sum16(Vec16 v) {
#ifdef __AVX512F__
  return _mm512_reduce_add_ps(reinterpret_cast<__m512>(v));
#else
  Vec8 lo, hi;
  std::memcpy(&lo, &v, sizeof lo);
  std::memcpy(&hi, reinterpret_cast<const char*>(&v) + sizeof lo, sizeof hi);
  Vec8 s = lo + hi;
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
#endif
}

// The hot loop of the conjugate gradient: out += Σ_j coef_j y_j over the row's observed
// entries, with w_j = c_j − 1 = alpha·r_j and
//   residual (kResidual):  coef_j = c_j − w_j (y_j·v)
//   A·v:                   coef_j = w_j (y_j·v)
// Each y_j is read once; for k = 16·N the vectors live in registers.
template <int N, bool kResidual>
void project_fixed(const float* y, const Row& row, float alpha, const float* v, float* out) {
  constexpr size_t k = 16 * N;
  Vec16 vv[N], acc[N];
  for (int t = 0; t < N; ++t) vv[t] = load16(v + 16 * t), acc[t] = Vec16{};
  const int32_t* cols = row.cols.data();
  size_t n = row.cols.size();
  for (size_t j = 0; j < n; ++j) {
    if (j + kPrefetch < n) {
      const char* ahead =
          reinterpret_cast<const char*>(y + static_cast<size_t>(cols[j + kPrefetch]) * k);
      for (size_t line = 0; line < k * sizeof(float); line += 64) __builtin_prefetch(ahead + line);
    }
    const float* yj = y + static_cast<size_t>(cols[j]) * k;
    Vec16 yv[N];
    for (int t = 0; t < N; ++t) yv[t] = load16(yj + 16 * t);
    Vec16 dot = yv[0] * vv[0];
    for (int t = 1; t < N; ++t) dot += yv[t] * vv[t];
    float w = alpha * row.values[j], d = sum16(dot);
    float coef = kResidual ? 1.0f + w - w * d : w * d;
    for (int t = 0; t < N; ++t) acc[t] += coef * yv[t];
  }
  for (int t = 0; t < N; ++t) {
    Vec16 o = load16(out + 16 * t) + acc[t];
    std::memcpy(out + 16 * t, &o, sizeof o);
  }
}

template <bool kResidual>
void project_any(const float* y, size_t k, const Row& row, float alpha, const float* v,
                 float* out) {
  for (size_t j = 0; j < row.cols.size(); ++j) {
    const float* yj = y + static_cast<size_t>(row.cols[j]) * k;
    float d = 0.0f;
#pragma omp simd reduction(+ : d)
    for (size_t t = 0; t < k; ++t) d += yj[t] * v[t];
    float w = alpha * row.values[j];
    float coef = kResidual ? 1.0f + w - w * d : w * d;
#pragma omp simd
    for (size_t t = 0; t < k; ++t) out[t] += coef * yj[t];
  }
}

template <bool kResidual>
void project(const float* y, size_t k, const Row& row, float alpha, const float* v, float* out) {
  switch (k) {
    case 16:
      return project_fixed<1, kResidual>(y, row, alpha, v, out);
    case 32:
      return project_fixed<2, kResidual>(y, row, alpha, v, out);
    case 48:
      return project_fixed<3, kResidual>(y, row, alpha, v, out);
    case 64:
      return project_fixed<4, kResidual>(y, row, alpha, v, out);
    case 96:
      return project_fixed<6, kResidual>(y, row, alpha, v, out);
    case 128:
      return project_fixed<8, kResidual>(y, row, alpha, v, out);
    case 192:
      return project_fixed<12, kResidual>(y, row, alpha, v, out);
    case 256:
      return project_fixed<16, kResidual>(y, row, alpha, v, out);
    default:
      return project_any<kResidual>(y, k, row, alpha, v, out);
  }
}

Row row_of(const SparseRows& rows, int32_t r) { return {rows.row_index(r), rows.row_value(r)}; }

// Consecutive rows solved together by the conjugate gradient: up to kBlockRows, and no more
// observed entries than keep their factor rows (about kBlockBytes) in cache between passes.
// The Cholesky solver takes the same blocks as units of work.
std::vector<int32_t> cg_blocks(const SparseRows& rows, int32_t k) {
  std::vector<int32_t> starts = {0};
  int64_t bytes = 0, row_bytes = static_cast<int64_t>(k) * static_cast<int64_t>(sizeof(float));
  for (int32_t r = 0; r < rows.n_rows(); ++r) {
    int64_t entry_bytes = (rows.indptr[r + 1] - rows.indptr[r]) * row_bytes;
    int32_t m = r - starts.back();
    if (m > 0 && (m == kBlockRows || bytes + entry_bytes > kBlockBytes)) {
      starts.push_back(r);
      bytes = 0;
    }
    bytes += entry_bytes;
  }
  starts.push_back(rows.n_rows());
  return starts;
}

}  // namespace

float Weights::regularization(int64_t n) const {
  if (exponent == 0.0f) return lambda;
  return lambda * std::pow(static_cast<float>(n), exponent);
}

Workspace::Workspace(int32_t k) : a(k, k), b(k) {}

Eigen::MatrixXf gramian(std::span<const float> factors, int32_t k) {
  Eigen::MatrixXf g = Eigen::MatrixXf::Zero(k, k);
  auto n = static_cast<int>(factors.size() / static_cast<size_t>(std::max(k, 1)));
  if (n == 0 || k == 0) return g;
  // Row-major [n × k] is column-major [k × n] = Fᵀ, so FᵀF is a no-transpose rank-n update.
  cblas_ssyrk(CblasColMajor, CblasLower, CblasNoTrans, k, n, 1.0f, factors.data(), k, 0.0f,
              g.data(), k);
  for (int32_t c = 1; c < k; ++c)
    for (int32_t r = 0; r < c; ++r) g(r, c) = g(c, r);
  return g;
}

void solve_exact(const Eigen::MatrixXf& gram, std::span<const float> y, const Row& row,
                 const Weights& weights, float* x, Workspace& ws) {
  auto k = gram.rows();
  Map xv(x, k);
  auto n = static_cast<int64_t>(row.cols.size());
  if (n == 0) {
    xv.setZero();
    return;
  }
  ws.a = gram;
  ws.a.diagonal().array() += weights.regularization(n);
  ws.b.setZero();
  // A += Σ w_j y_j y_jᵀ as rank updates with the rows √w_j y_j, a block at a time.
  if (ws.gathered.rows() < std::min(n, kGatherRows))
    ws.gathered.resize(std::min(n, kGatherRows), k);
  for (int64_t begin = 0; begin < n; begin += kGatherRows) {
    int64_t m = std::min(kGatherRows, n - begin);
    for (int64_t j = 0; j < m; ++j) {
      ConstRowMap yj(y.data() + static_cast<size_t>(row.cols[begin + j]) * k, k);
      float w = weights.alpha * row.values[begin + j];
      ws.b += (1.0f + w) * yj.transpose();
      ws.gathered.row(j) = std::sqrt(w) * yj;
    }
    ws.a.selfadjointView<Eigen::Lower>().rankUpdate(ws.gathered.topRows(m).transpose());
  }
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXf>, Eigen::Lower> llt(ws.a);
  xv = llt.solve(ws.b);
}

void solve_cg(const Eigen::MatrixXf& gram, std::span<const float> y, const SparseRows& rows,
              int32_t begin, int32_t end, const Weights& weights, int steps, std::span<float> x,
              Workspace& ws) {
  auto k = gram.rows();
  auto sk = static_cast<size_t>(k);
  int32_t m = end - begin;
  if (ws.r.rows() < m) {
    ws.r.resize(m, k), ws.p.resize(m, k), ws.ap.resize(m, k);
    ws.lambda.resize(m), ws.rs.resize(m), ws.active.resize(m);
  }
  Eigen::Map<Workspace::RowMatrix> xb(x.data() + static_cast<size_t>(begin) * sk, m, k);
  auto r = ws.r.topRows(m), p = ws.p.topRows(m), ap = ws.ap.topRows(m);
  // r = b − A x, row by row after the product with YᵀY that the block shares.
  r.noalias() = -(xb * gram);
  for (int32_t j = 0; j < m; ++j) {
    Row row = row_of(rows, begin + j);
    ws.active[j] = !row.cols.empty();
    if (!ws.active[j]) {
      xb.row(j).setZero();
      continue;
    }
    ws.lambda[j] = weights.regularization(static_cast<int64_t>(row.cols.size()));
    r.row(j) -= ws.lambda[j] * xb.row(j);
    project<true>(y.data(), sk, row, weights.alpha, &xb(j, 0), &r(j, 0));
    ws.rs[j] = r.row(j).squaredNorm();
    ws.active[j] = ws.rs[j] >= kCgTolerance;
  }
  p = r;
  for (int s = 0; s < steps; ++s) {
    if (std::find(ws.active.begin(), ws.active.begin() + m, 1) == ws.active.begin() + m) break;
    ap.noalias() = p * gram;
    for (int32_t j = 0; j < m; ++j) {
      if (!ws.active[j]) continue;
      ap.row(j) += ws.lambda[j] * p.row(j);
      project<false>(y.data(), sk, row_of(rows, begin + j), weights.alpha, &p(j, 0), &ap(j, 0));
      float step = ws.rs[j] / p.row(j).dot(ap.row(j));
      xb.row(j) += step * p.row(j);
      r.row(j) -= step * ap.row(j);
      float rs_new = r.row(j).squaredNorm();
      if (rs_new < kCgTolerance) {
        ws.active[j] = 0;
        continue;
      }
      p.row(j) = r.row(j) + (rs_new / ws.rs[j]) * p.row(j);
      ws.rs[j] = rs_new;
    }
  }
}

void solve_rows(const SparseRows& rows, std::span<const float> y, int32_t k, const Weights& weights,
                Solver solver, int cg_steps, std::span<float> x) {
  Eigen::MatrixXf gram = gramian(y, k);
  std::vector<int32_t> blocks = cg_blocks(rows, k);
  auto n_blocks = static_cast<int32_t>(blocks.size()) - 1;
#pragma omp parallel if (rows.index.size() >= kParallelEntries)
  {
    Workspace ws(k);
#pragma omp for schedule(dynamic, 1)
    for (int32_t b = 0; b < n_blocks; ++b) {
      if (solver == Solver::kCg) {
        solve_cg(gram, y, rows, blocks[b], blocks[b + 1], weights, cg_steps, x, ws);
        continue;
      }
      for (int32_t r = blocks[b]; r < blocks[b + 1]; ++r)
        solve_exact(gram, y, row_of(rows, r), weights,
                    x.data() + static_cast<size_t>(r) * static_cast<size_t>(k), ws);
    }
  }
}

double loss(const SparseRows& rows, std::span<const float> x, std::span<const float> y, int32_t k,
            const Weights& weights) {
  // Σ_{u,i} (x_u·y_i)² over all pairs = Σ_{a,b} (XᵀX)_ab (YᵀY)_ab; the observed pairs then
  // replace their s² by c (1 − s)².
  Eigen::MatrixXd gx = gramian(x, k).cast<double>(), gy = gramian(y, k).cast<double>();
  double total = (gx.array() * gy.array()).sum();
  auto sk = static_cast<size_t>(k);
  int32_t n_users = rows.n_rows();
  auto n_items = static_cast<int32_t>(y.size() / std::max<size_t>(sk, 1));
  std::vector<int64_t> item_counts(static_cast<size_t>(n_items), 0);
  for (int32_t i : rows.index) ++item_counts[static_cast<size_t>(i)];
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : total)
  for (int32_t u = 0; u < n_users; ++u) {
    ConstRowMap xu(x.data() + u * sk, k);
    auto cols = rows.row_index(u);
    auto values = rows.row_value(u);
    for (size_t j = 0; j < cols.size(); ++j) {
      double s = xu.dot(ConstRowMap(y.data() + static_cast<size_t>(cols[j]) * sk, k));
      double c = 1.0 + static_cast<double>(weights.alpha) * values[j];
      total += c * (1.0 - s) * (1.0 - s) - s * s;
    }
    total += weights.regularization(static_cast<int64_t>(cols.size())) *
             static_cast<double>(xu.squaredNorm());
  }
  for (int32_t i = 0; i < n_items; ++i)
    total += weights.regularization(item_counts[static_cast<size_t>(i)]) *
             static_cast<double>(ConstRowMap(y.data() + i * sk, k).squaredNorm());
  return total;
}

}  // namespace lmrec::als
