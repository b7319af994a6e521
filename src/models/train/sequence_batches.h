// Training material of the sequence models, built without torch: every user's time-ordered
// history cut into windows, and each epoch's batches of windows of similar length (so padding,
// and with it wasted attention and recurrence work, stays small).
//
// Layout of a batch: rows are left-aligned (a row's items start at column 0 and padding fills
// the end), so a causal model's real positions never see padding and a recurrent model's state
// is never touched by it. Positions count either forward from the row's oldest item (0 =
// oldest), so that a position trained as the newest input of a prefix is read the same way at
// inference, or back from the row's newest item (0 = newest), as in SASRec's left-padded layout.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "models/train/sampling.h"

namespace lmrec {

struct SequenceWindows {
  std::vector<int32_t> items;    // the windows, concatenated
  std::vector<int64_t> offsets;  // window w is items[offsets[w], offsets[w + 1])
  // The loss weight of each item as a target, parallel to `items`; empty = all 1. Weight 0
  // makes an item context only (the observed part of a generated sequence).
  std::vector<float> weights;
  // Each item's event time, parallel to `items`; empty = none (the time bias then sees gap 0).
  std::vector<int64_t> times;
  int64_t size() const { return static_cast<int64_t>(offsets.size()) - 1; }
  std::span<const int32_t> window(int64_t w) const {
    return {items.data() + offsets[w], static_cast<size_t>(offsets[w + 1] - offsets[w])};
  }
};

// Each user's history in time order, cut from the newest end into windows of at most
// `max_len` + 1 items that overlap by one item, so every item after a user's first is a target
// exactly once. Histories shorter than two items give no window.
SequenceWindows sequence_windows(const Dataset& data, int64_t max_len);

// Every weighted target of `windows` as a window of its own: the target and at most `max_len`
// items before it, with only the target weighted (its weight in `windows`, 1 where absent).
// Trained on these, each target is read exactly as at inference (the newest input predicts), at
// the cost of encoding up to max_len items per target instead of once per window. With
// `empty_prefix`, a window's weighted first item also becomes a one-item window: the target
// with nothing before it (make_sequence_batch reads it as the padding token predicting it).
SequenceWindows prefix_windows(const SequenceWindows& windows, int64_t max_len,
                               bool empty_prefix = false);

// Appends the windows of `more` to `into`, keeping the weights of both (1 where absent) and
// the times (0 where absent).
void append_windows(SequenceWindows& into, const SequenceWindows& more);

// One batch, host side, in the int64 layout torch reads in place. All arrays are [rows × width].
struct SequenceBatch {
  int64_t rows = 0, width = 0;
  std::vector<int64_t> inputs;     // item ids; `pad` past a row's end
  std::vector<int64_t> positions;  // see WindowTask::from_oldest; 0 on padding
  std::vector<int64_t> targets;    // the item to predict at each input; -1 = none
  std::vector<float> weights;      // each target's loss weight; 0 where there is none
  std::vector<int64_t> times;      // each input's event time; 0 on padding and without times
  std::vector<int64_t> lengths;    // [rows]
  int64_t n_targets = 0;
};

// How a window becomes inputs and targets.
struct WindowTask {
  enum class Kind { next_item, masked_item } kind = Kind::next_item;
  int64_t pad = 0;   // id written on padding
  int64_t mask = 0;  // id of the mask token (masked_item)
  double mask_probability = 0.2;
  bool from_oldest = true;  // positions: 0 = oldest input of the row, else 0 = newest
};

// The position of input j of a row of `length` inputs.
inline int64_t input_position(int64_t j, int64_t length, bool from_oldest) {
  return from_oldest ? j : length - 1 - j;
}

// The epoch's order: windows sorted by length within random groups of `batch_size` × 64
// windows, cut into batches of `batch_size`, batches shuffled. Returns the window ids per batch.
std::vector<std::vector<int64_t>> length_batches(const SequenceWindows& windows, int64_t batch_size,
                                                 SampleRng& rng);

// next_item: inputs are window[0..n-2], targets window[1..n-1]; a one-item window is the empty
// prefix, a row whose one input is `pad` and whose target is the item. Items of weight 0 are
// never targets, in either task.
// masked_item: inputs are the whole window with each item replaced by the mask token with
// `mask_probability`, the target being the item; a row that draws no mask, and one row in
// eleven regardless, gets only its newest item masked, which is the task at inference.
SequenceBatch make_sequence_batch(const SequenceWindows& windows, std::span<const int64_t> ids,
                                  const WindowTask& task, SampleRng& rng);

}  // namespace lmrec
