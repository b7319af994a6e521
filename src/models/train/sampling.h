// Mini-batch material for the libtorch models, built without torch: a seeded generator, epoch
// permutations, negative sampling and input dropout on sparse rows. Every stream is derived
// from (seed, epoch), so an epoch's batches never depend on the epochs before it; a resumed run
// therefore needs no generator state to continue exactly.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/sparse_matrix.h"

namespace lmrec {

// SplitMix64: one word of state, passes BigCrush; independent of the standard library so a
// seed means the same batches everywhere.
class SampleRng {
 public:
  explicit SampleRng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  uint64_t state_;
};

// The seed of stream `stream` (an epoch, a purpose) of a run seeded with `seed`.
uint64_t stream_seed(uint64_t seed, uint64_t stream);

// 0..n-1 in a random order (Fisher-Yates).
std::vector<int64_t> permutation(int64_t n, SampleRng& rng);

// A uniform item of [0, n_items) not in `sorted_items` (ascending, distinct): the r-th missing
// item for a uniform r, found by binary search, so there is no rejection loop however long the
// history. -1 when the history holds every item.
int32_t sample_negative(std::span<const int32_t> sorted_items, int32_t n_items, SampleRng& rng);

// One epoch of pointwise samples: every (user, item) entry of X with its target (1, or the
// value with `use_values`), each followed by `negatives` unobserved items of that user with
// target 0; then shuffled. Parallel arrays in the int64/float layout torch reads in place.
struct PairSamples {
  std::vector<int64_t> users, items;
  std::vector<float> targets;
  int64_t size() const { return static_cast<int64_t>(users.size()); }
};
PairSamples pair_samples(const SparseRows& x, int32_t n_items, int negatives, bool use_values,
                         SampleRng& rng);

// A batch of rows of X as (row-in-batch, item, weight) triples for an embedding bag: each
// entry of each row is kept with probability 1 - drop and then weighted by
// 1 / (|x_row| (1 - drop)), i.e. dropout applied to the L2-normalised row, but only over the
// row's non-zeros. drop = 0 keeps every entry (inference).
struct RowBatch {
  std::vector<int64_t> offsets;  // start of each row in `items`, one per row
  std::vector<int64_t> items;
  std::vector<float> weights;
};
RowBatch normalised_rows(const SparseRows& x, std::span<const int64_t> rows, double drop,
                         SampleRng& rng);
// The same for histories given directly (scoring), without dropout.
RowBatch normalised_rows(const std::vector<std::vector<WeightedItem>>& rows);

}  // namespace lmrec
