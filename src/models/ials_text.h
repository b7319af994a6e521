// iALS with a text prior for items nobody has interacted with yet. iALS gives such an item a
// zero vector, so it can never be recommended. Here, after iALS is fitted, a ridge regression
// W maps the (centred, unit) text vector of every trained item to its factors; each item
// without interactions but with text then gets factors b + Wᵀt, b the trained items' mean
// factor. Trained items keep their iALS factors, so warm quality is iALS's. Fold-in and
// scoring are iALS's over the completed factors.
#pragma once

#include <string>

#include "models/ials.h"

namespace lmrec {

struct IalsTextOptions {
  IalsOptions ials;
  std::string encoder = "use-lite";
  std::string model_dir;  // the encoder's weights; empty: its default place
  std::string cache;      // embedding cache file; empty: none
  // Ridge λ of the text-to-factor map. Unit text rows give XᵀX a trace of n_trained, so λ = 10
  // is light shrinkage for thousands of items and strong for a few dozen.
  double text_regularization = 10.0;

  // Every key that is not one of the text keys goes to IalsOptions.
  static IalsTextOptions parse(const Options& options);
  Options to_options() const;
};

class IalsTextRecommender : public IalsRecommender {
 public:
  explicit IalsTextRecommender(IalsTextOptions options = {});
  std::string name() const override { return "ials_text"; }
  Options options() const override { return options_.to_options(); }
  // iALS, then the catalogue is encoded (only when some item has text) and the items without
  // interactions get their factors from text.
  void fit(const Dataset& train, const FitContext& ctx) override;
  // iALS's factor file under a magic of its own, so neither model loads the other's folder.
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;
  // Items whose factors came from text at the last fit().
  int32_t text_items() const { return text_items_; }

 private:
  IalsTextOptions options_;
  int32_t text_items_ = 0;
};

}  // namespace lmrec
