// Item-based nearest neighbours: an item is recommended when it is similar to items in the
// user's history. Similarity is the shrunk cosine of the items' user vectors,
//   sim(i, j) = <x_i, x_j> / (|x_i| |x_j| + shrink),
// which for binary data is |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink); shrinkage damps
// similarities resting on a few common users. Only each item's top `neighbors` are kept.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/sparse_matrix.h"

namespace lmrec {

struct ItemKnnOptions {
  int64_t neighbors = 100;  // kept per item; the rest of the row is treated as 0
  double shrink = 10.0;
  bool binary = true;  // 1 per interacted item; false uses the event values (summed)

  static ItemKnnOptions parse(const Options& options);
  Options to_options() const;
};

class ItemKnnRecommender : public Recommender {
 public:
  explicit ItemKnnRecommender(ItemKnnOptions options = {});
  std::string name() const override { return "itemknn"; }
  Options options() const override { return options_.to_options(); }
  // Multi-threaded over items; each thread owns a dense accumulator row.
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  // score(u, j) = Σ_h w_uh · sim(h, j) over the history items h (w = 1 when binary). An empty
  // history scores 0 everywhere.
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // Item i's kept neighbours, most similar first (ties to the lower id), and their similarities.
  std::span<const int32_t> neighbor_items(int32_t i) const;
  std::span<const float> neighbor_sims(int32_t i) const;

 private:
  ItemKnnOptions options_;
  int32_t n_items_ = 0;
  bool fitted_ = false;
  SparseRows similar_;  // row i: item i's neighbours
};

}  // namespace lmrec
