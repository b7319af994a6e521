// Content-based recommendations from item text: each item's title, categories and free text are
// embedded once at fit time by a TextEncoder (USE-Lite by default); a user's interest is the
// recency-weighted mean of the vectors of their recent items (or the embedding of one text
// describing their recent behaviour), and items score by cosine with it. A context's free text
// (a query) is embedded too, so a user without history is served from the query alone.
// Needs no interactions to rank a new item, only its text; items without text score 0.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

class TextEncoder;

struct SemanticOptions {
  std::string encoder = "use-lite";
  std::string model_dir;  // the encoder's weights; empty: its default place
  std::string cache;      // embedding cache file; empty: none
  // The k-th most recent item weighs 0.5^(k / half_life); 0: equal. Next-item validation
  // NDCG@10 peaks at 1 on ml-latest-small and 5 on ml-100k (nearly flat there); 2 between.
  double half_life = 2;
  int64_t max_history = 50;  // only the most recent items count
  // USE vectors of short titles share a large common component, so raw cosines mostly measure
  // "is a short English text"; subtracting the catalogue's mean vector leaves what sets items
  // apart.
  bool center = true;
  // Weight of a popularity prior added to the cosine: log(1 + n_i) / log(1 + max n), n_i the
  // item's training interactions. Text says what a user likes, not which of the similar items
  // people actually pick; 0 keeps the model purely content-based (new items not penalised).
  double popularity = 0.0;
  // "items": the recency-weighted mean of item vectors; "text": one text of the user's recent
  // actions ("rated 5: Toy Story (1995). ...") embedded as a whole.
  std::string user_vector = "items";
  // Items in the behaviour text, most recent first: validation NDCG@10 peaks at 1-3 on
  // ml-latest-small and at 3 on ml-100k; longer texts blur the latest interest.
  int64_t text_history = 3;

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
  // Loads the encoder on first use when a context has text or user_vector is "text".
  void score(std::span<const UserContext> users, float* scores) const override;
  bool reads_text() const override { return true; }
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // "Title. Category, Category. Text" of item i; empty when the catalogue has nothing on it.
  static std::string item_text(const Dataset& data, int32_t item);
  // The text a "text" user vector embeds: the most recent actions first.
  std::string behaviour_text(const UserContext& user) const;
  // [n_items × dim]: unit rows (centred first when `center`) or zeros for items without text.
  const std::vector<float>& item_vectors() const { return vectors_; }
  int32_t dim() const { return dim_; }
  // Unit vector of a free text in the item vectors' space (centred like them); dim() floats.
  std::vector<float> text_vector(const std::string& text) const;

 private:
  const TextEncoder& encoder() const;

  SemanticOptions options_;
  bool fitted_ = false;
  int32_t n_items_ = 0, dim_ = 0;
  std::vector<float> vectors_;       // [n_items × dim]
  std::vector<float> mean_;          // [dim], subtracted before normalising; zeros without centring
  std::vector<float> prior_;         // [n_items], popularity in [0, 1]
  std::vector<std::string> titles_;  // for behaviour texts
  // Loaded once, on first need; shared so the model stays movable.
  struct EncoderSlot {
    std::once_flag once;
    std::shared_ptr<const TextEncoder> encoder;
  };
  std::shared_ptr<EncoderSlot> encoder_ = std::make_shared<EncoderSlot>();
};

}  // namespace lmrec
