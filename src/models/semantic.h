// Content-based recommendations from item text: each item's title, categories and free text are
// embedded once at fit time by a TextEncoder (USE-Lite by default); a user's interest is the
// recency-weighted mean of the vectors of their recent items, and items score by cosine with it.
// Needs no interactions to rank a new item, only its text; items without text score 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

struct SemanticOptions {
  std::string encoder = "use-lite";
  std::string model_dir;     // the encoder's weights; empty: its default place
  std::string cache;         // embedding cache file; empty: none
  double half_life = 5;      // the k-th most recent item weighs 0.5^(k / half_life); 0: equal
  int64_t max_history = 50;  // only the most recent items count

  static SemanticOptions parse(const Options& options);
  Options to_options() const;
};

class SemanticRecommender : public Recommender {
 public:
  explicit SemanticRecommender(SemanticOptions options = {});
  std::string name() const override { return "semantic"; }
  Options options() const override { return options_.to_options(); }
  // Encodes the catalogue; the encoder is loaded only when some item has text.
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // "Title. Category, Category. Text" of item i; empty when the catalogue has nothing on it.
  static std::string item_text(const Dataset& data, int32_t item);
  const std::vector<float>& item_vectors() const { return vectors_; }

 private:
  SemanticOptions options_;
  bool fitted_ = false;
  int32_t n_items_ = 0, dim_ = 0;
  std::vector<float> vectors_;  // [n_items × dim], unit rows or zeros
};

}  // namespace lmrec
