#include "models/ease.h"

#include <algorithm>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"

// LAPACK (provided by OpenBLAS, which runs these on all OpenMP threads). The trailing lengths
// are the hidden Fortran string arguments.
extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
}

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecEAS";
constexpr uint32_t kVersion = 1;
constexpr int32_t kItemsPerProgressStep = 512;
constexpr size_t kTile = 64;

// G = XᵀX + λI, dense row-major. Row i is the sparse product of item i's users with their
// items, so each thread writes only the rows it owns.
std::vector<float> gram_matrix(const SparseRows& x, const SparseRows& xt, double lambda,
                               Progress& progress) {
  int32_t n = xt.n_rows();
  auto sn = static_cast<size_t>(n);
  std::vector<float> g(sn * sn, 0.0f);
  progress.start("ease gram matrix", n, "items");
  for (int32_t begin = 0; begin < n; begin += kItemsPerProgressStep) {
    int32_t end = std::min(n, begin + kItemsPerProgressStep);
#pragma omp parallel for schedule(dynamic, 8)
    for (int32_t i = begin; i < end; ++i) {
      float* row = g.data() + static_cast<size_t>(i) * sn;
      auto users = xt.row_index(i);
      auto weights = xt.row_value(i);
      for (size_t k = 0; k < users.size(); ++k) {
        auto items = x.row_index(users[k]);
        auto values = x.row_value(users[k]);
        for (size_t m = 0; m < items.size(); ++m) row[items[m]] += weights[k] * values[m];
      }
      row[i] += static_cast<float>(lambda);
    }
    progress.advance(end - begin);
  }
  progress.finish();
  return g;
}

// Inverts the symmetric positive definite `a` in place by Cholesky. LAPACK is column-major, so
// its lower triangle is our row-major upper one: afterwards a[i * n + j] holds P_ij for j >= i.
void invert_spd(std::vector<float>& a, int32_t n, double lambda) {
  const char uplo = 'L';
  const int dim = n;
  int info = 0;
  spotrf_(&uplo, &dim, a.data(), &dim, &info, 1);
  if (info > 0)
    LMREC_THROW(ConfigError,
                "ease: XᵀX + λI is not positive definite in single precision "
                "(lambda " +
                    format_option(lambda) + " is too small)");
  if (info == 0) spotri_(&uplo, &dim, a.data(), &dim, &info, 1);
  if (info != 0) LMREC_THROW(UsageError, "ease: LAPACK failed with info " + std::to_string(info));
}

// Turns P (valid in the row-major upper triangle) into B = -P / diag(P) column-wise with a
// zero diagonal, in place. The lower triangle is filled first, from the still intact upper
// one, in tiles so the transposed reads stay in cache.
void weights_from_inverse(std::vector<float>& p, int32_t n) {
  auto sn = static_cast<size_t>(n);
  std::vector<float> scale(sn);
  for (size_t j = 0; j < sn; ++j) scale[j] = -1.0f / p[j * sn + j];
  size_t tiles = (sn + kTile - 1) / kTile;
#pragma omp parallel for schedule(dynamic)
  for (size_t ti = 0; ti < tiles; ++ti)
    for (size_t tj = 0; tj <= ti; ++tj)
      for (size_t i = ti * kTile; i < std::min(sn, (ti + 1) * kTile); ++i)
        for (size_t j = tj * kTile; j < std::min(i, (tj + 1) * kTile); ++j)
          p[i * sn + j] = p[j * sn + i] * scale[j];
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < sn; ++i) {
    for (size_t j = i + 1; j < sn; ++j) p[i * sn + j] *= scale[j];
    p[i * sn + i] = 0.0f;
  }
}

}  // namespace

EaseOptions EaseOptions::parse(const Options& options) {
  options.check_known("ease", {"lambda", "binary"});
  EaseOptions o;
  o.lambda = options.get_double("lambda", o.lambda);
  o.binary = options.get_bool("binary", o.binary);
  if (!(o.lambda > 0)) LMREC_THROW(ConfigError, "ease: lambda must be > 0");
  return o;
}

Options EaseOptions::to_options() const {
  Options o;
  o.set("lambda", format_option(lambda));
  o.set("binary", format_option(binary));
  return o;
}

EaseRecommender::EaseRecommender(EaseOptions options) : options_(options) {}

void EaseRecommender::fit(const Dataset& train, const FitContext& ctx) {
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  int32_t n = train.n_items();
  // A failed fit leaves the model unfitted rather than half-written; the old weights go first
  // so that a refit never holds two matrices.
  fitted_ = false;
  n_items_ = 0;
  std::vector<float>().swap(weights_);
  std::vector<float> weights;
  {
    SparseRows x = user_item_matrix(train, options_.binary);
    weights = gram_matrix(x, transpose(x, n), options_.lambda, progress);
  }
  if (n > 0) {
    progress.start("ease inverse", 0, "");
    invert_spd(weights, n, options_.lambda);
    weights_from_inverse(weights, n);
    progress.finish();
  }
  weights_ = std::move(weights);
  n_items_ = n;
  fitted_ = true;
}

void EaseRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(fitted_, UsageError, "ease: score() before fit() or load");
  auto histories = history_rows(users, n_items_, options_.binary, name());
  auto n = static_cast<size_t>(n_items_);
#pragma omp parallel for schedule(dynamic) if (users.size() > 1)
  for (size_t u = 0; u < users.size(); ++u) {
    float* row = scores + u * n;
    std::fill(row, row + n, 0.0f);
    for (const auto& h : histories[u]) {
      const float* b = weights_.data() + static_cast<size_t>(h.item) * n;
      for (size_t j = 0; j < n; ++j) row[j] += h.weight * b[j];
    }
  }
}

void EaseRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(fitted_, UsageError, "ease: save before fit()");
  BinaryWriter out(dir + "/weights.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_items_));
  out.array(weights_);
  out.commit();
}

void EaseRecommender::load_weights(const std::string& dir) {
  std::string path = dir + "/weights.bin";
  BinaryReader in(path, kMagic, kVersion, "ease weights file");
  uint64_t n = in.u64();
  auto weights = in.array<float>();
  in.expect_end();
  if (n > static_cast<uint64_t>(INT32_MAX) || weights.size() != n * n)
    LMREC_THROW(FormatError, path + ": " + std::to_string(weights.size()) +
                                 " weights do not form a " + std::to_string(n) + "² matrix");
  weights_ = std::move(weights);
  n_items_ = static_cast<int32_t>(n);
  fitted_ = true;
}

}  // namespace lmrec
