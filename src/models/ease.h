// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a dense
// item-item weight matrix B minimising |X - XB|² + λ|B|² with diag(B) = 0. Its closed form is
//   P = (XᵀX + λI)⁻¹,  B_ij = -P_ij / P_jj (i ≠ j),  B_ii = 0,
// so fitting is one Cholesky inverse of an n_items × n_items matrix: O(n_items³) time and
// n_items² floats of memory (12k items: 0.6 GB and about 10 s on two cores).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

struct EaseOptions {
  // L2 weight on B. Published defaults for large data are a few hundred (Steck: 500 on
  // ML-20M; RecBole: 250); on small sparse sets such as Amazon Beauty and ml-latest-small,
  // leave-one-out validation NDCG@10 peaks at 50-200, hence 100. Worth tuning per data set.
  double lambda = 100.0;
  bool binary = true;  // X holds 1 per interacted item; false uses the event values (summed)

  static EaseOptions parse(const Options& options);
  Options to_options() const;
};

class EaseRecommender : public Recommender {
 public:
  explicit EaseRecommender(EaseOptions options = {});
  std::string name() const override { return "ease"; }
  Options options() const override { return options_.to_options(); }
  // Builds XᵀX in parallel over items and inverts it with LAPACK (multi-threaded OpenBLAS);
  // single precision, which halves time and memory: XᵀX + λI is well conditioned for λ in the
  // usual range, and B agrees with a double-precision fit to about 1e-6 relative.
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  // score(u) = x_u B: the sum of B's rows for the history items (weighted by value when not
  // binary). Sparse histories make this far cheaper than a dense product. An empty history
  // scores 0 everywhere.
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // B in row-major order: weight(i, j) = weights()[i * n_items() + j].
  const std::vector<float>& weights() const { return weights_; }

 private:
  EaseOptions options_;
  int32_t n_items_ = 0;
  bool fitted_ = false;
  std::vector<float> weights_;
};

}  // namespace lmrec
