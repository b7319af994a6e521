// The least-squares steps of implicit-feedback ALS (Hu, Koren, Volinsky, "Collaborative
// Filtering for Implicit Feedback Datasets", ICDM 2008). With the other side's factors Y fixed,
// row u of X minimises
//   Σ_i c_ui (p_ui − x_u·y_i)² + λ_u |x_u|²,   p_ui = [i ∈ I_u],  c_ui = 1 + α r_ui,
// whose normal equations are
//   (YᵀY + Σ_{i∈I_u} (c_ui − 1) y_i y_iᵀ + λ_u I) x_u = Σ_{i∈I_u} c_ui y_i.
// YᵀY is shared by all rows, so a row costs O(|I_u| k²) to solve exactly (Cholesky) or
// O(|I_u| k) per conjugate-gradient step (the `implicit` library's solver: A·p is computed as
// YᵀY·p + Σ (c−1)(y_i·p) y_i without forming A, warm-started from the current x_u).
// Factor matrices are row-major float [rows × k].
#pragma once

// GCC 12 reports a false maybe-uninitialized inside Eigen's AVX-512 kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#include <cstdint>
#include <span>
#include <vector>

#include "models/sparse_matrix.h"

namespace lmrec::als {

// The weights of the loss: confidence c = 1 + alpha·r for an observed entry r (1 elsewhere) and
// a row's regularisation λ·n^exponent, n being the row's number of observed entries (exponent 0:
// constant λ as in Hu et al.; 1: λ·n as in ALS-WR, Zhou et al. 2008).
struct Weights {
  float alpha = 1.0f;
  float lambda = 0.1f;
  float exponent = 0.0f;
  float regularization(int64_t n) const;
};

// One observed row: the other side's ids and their values r (before confidence).
struct Row {
  std::span<const int32_t> cols;
  std::span<const float> values;
};

// G = FᵀF for factors F [n × k]: k×k, both triangles filled. Multi-threaded through BLAS.
Eigen::MatrixXf gramian(std::span<const float> factors, int32_t k);

// Per-thread scratch, so that the solvers do not allocate once warmed up (buffers grow on
// first use). Its contents mean nothing between calls.
struct Workspace {
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  explicit Workspace(int32_t k);
  Eigen::MatrixXf a;
  Eigen::VectorXf b;
  RowMatrix gathered, r, p, ap;
  std::vector<float> lambda, rs;
  std::vector<uint8_t> active;
};

// x = the exact minimiser for `row` given the fixed factors `y` and their gramian: builds the
// k×k normal matrix and solves it by Cholesky. An empty row gives x = 0.
void solve_exact(const Eigen::MatrixXf& gram, std::span<const float> y, const Row& row,
                 const Weights& weights, float* x, Workspace& ws);

// `steps` conjugate-gradient steps on the normal equations of each row in [begin, end) of
// `rows`, started from its current x (rows of `x` [rows × k]). The rows are independent; a block
// of them shares each YᵀY product, which becomes one matrix product instead of many
// matrix-vector ones. An empty row gives x = 0.
void solve_cg(const Eigen::MatrixXf& gram, std::span<const float> y, const SparseRows& rows,
              int32_t begin, int32_t end, const Weights& weights, int steps, std::span<float> x,
              Workspace& ws);

enum class Solver { kCg, kCholesky };

// One half-step: every row of `rows` (rows × n_cols) solved against the fixed `y`
// [n_cols × k], written to `x` [rows × k]. Parallel over rows on all OpenMP threads.
void solve_rows(const SparseRows& rows, std::span<const float> y, int32_t k, const Weights& weights,
                Solver solver, int cg_steps, std::span<float> x);

// The full objective Σ_{u,i} c_ui (p_ui − x_u·y_i)² + Σ_u λ_u|x_u|² + Σ_i λ_i|y_i|² in
// O(nnz·k + (users + items)·k²), for `rows` = users × items (λ_i counts the item's users).
double loss(const SparseRows& rows, std::span<const float> x, std::span<const float> y, int32_t k,
            const Weights& weights);

}  // namespace lmrec::als
