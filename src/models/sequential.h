// The base of the sequence recommenders (SASRec, BERT4Rec, HSTU, GRU4Rec, LSTM): a network reads
// the user's most recent items in order and its hidden state at the newest one, times the item
// table, scores every item. Training and scoring are shared here; each model supplies its
// network and its defaults.
//
// Training (next-item models): every position of every history window predicts the item that
// follows it (see models/train/sequence_batches.h), with
//   loss=ce       softmax cross-entropy over the whole catalogue,
//   loss=sampled  softmax over the target and `negatives` items shared by the batch (by each
//                 part of it, when training runs in parts: models/train/sequence_task.h), drawn
//                 uniformly or by popularity (with the logQ correction), accidental hits masked,
//   loss=bce      binary cross-entropy against one uniform negative per target (SASRec's paper).
// Masked-item models (BERT4Rec) predict masked positions of the window instead.
//
// Scoring needs only the context's items, so an unseen user is served like a known one and a
// new event changes the next answer at once. Each user is encoded alone at the length of the
// history (no padding), so a user's state does not depend on who else is in the batch; then one
// matrix product scores all items. An empty history gets the training popularity.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/item_text.h"
#include "models/recommender.h"
#include "models/train/sequence_batches.h"
#include "models/train/sequence_nets.h"
#include "models/train/train_options.h"

namespace lmrec {

struct SequentialOptions {
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t heads = 2;     // attention models
  int64_t max_len = 50;  // most recent items read
  double dropout = 0.3;
  std::string loss = "ce";          // ce | sampled | bce (next-item models)
  int64_t negatives = 512;          // loss=sampled
  std::string sampler = "uniform";  // uniform | popularity (loss=sampled)
  double mask_probability = 0.2;    // masked-item models, and pretraining
  // Next-item attention models: epochs of masked-item pretraining (bidirectional attention,
  // the BERT4Rec task on the training sequences) before next-item fine-tuning. 0 = none.
  // Its time counts against train.time_limit; fine-tuning gets what is left.
  int64_t pretrain_epochs = 0;
  // Item tower with content: each item's vector adds the mean embedding of its categories
  // (genres, ...), so items that share categories share strength. Needs categories in the data.
  bool content = false;
  // Hybrid item table: each item's ID embedding plus a learned projection of its text vector
  // (models/item_text.h); items without training interactions are placed by text alone and are
  // left out of the training softmax (loss=ce), which has no evidence about them. In training
  // each item's ID embedding is dropped from the output scores with text_id_dropout, so the
  // projection learns to score items on its own. Needs item text in the data.
  bool text = false;
  double text_id_dropout = 0.2;
  ItemTextOptions text_encoder;
  // Learned positions count back from the newest input (SASRec's layout, and BSARec's) or
  // from the oldest ("oldest": the position a prefix is trained at is the one it is read at).
  std::string positions = "newest";
  // Next-item models: what a training sample is. "windows": a history window whose every
  // position predicts the next item (one encoding per window); "prefixes": each target with
  // the max_len items before it, predicted from the newest input only (models/train/
  // sequence_batches.h, prefix_windows), as BSARec and its kin train. Prefixes read every
  // target as scoring reads a user, at up to max_len times the encoding work; "auto" takes
  // them where that work stays within twice the softmax's (short histories, large catalogues,
  // as in Amazon's data) and windows elsewhere.
  std::string samples = "windows";
  // With prefix samples: each history's first item is a target too, predicted from an empty
  // history (the padding token as the only input), as BSARec's data loader trains it. It
  // teaches the table which items open histories, at ~1 / (mean history length) more samples.
  bool empty_prefix = false;
  // Attention models: the BSARec frequency branch mixed into each block with this weight
  // (0 = off), keeping the lowest filter_cutoff / 2 + 1 frequencies (models/train/sequence_net.h).
  double filter_alpha = 0.0;
  int64_t filter_cutoff = 5;
  // What the filter reads at each position: its past ("causal", sound for every training) or
  // the whole input ("whole", BSARec's circulant: needs samples=prefixes or a bidirectional
  // model, where no input is a target); "auto": whole where that is sound, causal elsewhere.
  std::string filter_span = "causal";
  // Attention models: LayerNorm before each sublayer ("pre") or after each residual sum and on
  // the input embeddings, with N(0, 0.02) initial weights ("post", the layout of SASRec's and
  // BSARec's reference code); and dropout on the attention weights.
  std::string norm = "pre";
  double attention_dropout = 0.0;
  // HSTU: a learned attention bias on the time between each input and the newest one it
  // attends from (log2 buckets of seconds), read from the events' times. At scoring the
  // context's times are used; a context without times reads every gap as 0.
  bool time_bias = false;
  // Next-item models: generative augmentation (models/sequence_augment.h). With augment > 0
  // the model is trained, continues every history of at most augment_max_history items by
  // `augment` items sampled at augment_temperature, and is trained again from scratch on the
  // real windows plus these, each generated target weighing augment_weight. Costs a second fit,
  // whose epochs go to the log_path with ".augmented" before its extension.
  int64_t augment = 0;
  int64_t augment_max_history = 10;
  double augment_weight = 0.5;
  double augment_temperature = 1.0;
  // A model folder fitted on the same data and split (any model) that generates instead, so
  // the first fit is skipped; empty = the model generates from its own first fit.
  std::string augment_teacher;
  TrainOptions train = default_train();

  static TrainOptions default_train();
  // `model` names the model in errors; `masked` selects the keys that apply.
  static SequentialOptions parse(const Options& options, const std::string& model, bool masked,
                                 SequentialOptions defaults);
  Options to_options(bool masked) const;
};

class SequenceNet;

class SequentialRecommender : public Recommender {
 public:
  ~SequentialRecommender() override;
  std::string name() const override { return name_; }
  Options options() const override { return options_.to_options(masked_); }
  void fit(const Dataset& train, const FitContext& ctx) override;
  int32_t n_items() const override { return n_items_; }
  void score(std::span<const UserContext> users, float* scores) const override;
  void save_weights(const std::string& dir) const override;
  void load_weights(const std::string& dir) override;

  // The hidden state each context ends in: [users.size() × hidden] row-major. Dot products with
  // item_vectors() are the scores (for ANN retrieval and caching a user's state).
  void encode_users(std::span<const UserContext> users, float* out) const;
  const std::vector<float>& item_vectors() const { return item_vectors_; }
  const std::vector<double>& epoch_losses() const { return losses_; }

 protected:
  SequentialRecommender(std::string name, SequentialOptions options, bool masked);
  virtual std::shared_ptr<SequenceNet> make_net(int64_t n_items) const = 0;
  // The network shape the options (and the fitted data's item content) ask for.
  SequenceNetShape shape(int64_t n_items) const;
  // filter_span resolved for the current fit's samples.
  bool filter_whole() const;

 private:
  void refresh_item_vectors();
  // The model loaded from options_.augment_teacher, or null when none is named.
  std::unique_ptr<Recommender> augment_teacher(const Dataset& data) const;
  void pretrain(SequenceNet& net, const Dataset& data, const FitContext& ctx);
  // A fresh network trained on `windows` (pretrained first when asked). `stage` ("" for the
  // first fit) labels the run and keeps its checkpoints apart.
  void fit_windows(const Dataset& data, const SequenceWindows& windows, const FitContext& ctx,
                   const std::string& stage);

  std::string name_;
  SequentialOptions options_;
  bool masked_;
  bool prefixes_ = false;  // training samples of the current fit (options_.samples resolved)
  int32_t n_items_ = 0;
  std::shared_ptr<SequenceNet> net_;  // null until fitted or loaded
  std::vector<float> item_vectors_;   // [n_items × hidden], copied out after training
  std::vector<float> popularity_;     // log(1 + training count), for empty histories
  ItemContent content_;               // with options_.content
  ItemText text_;                     // with options_.text
  std::vector<double> losses_;
};

}  // namespace lmrec
