// Models whose score is a dot product of a user vector and item vectors, plus optional item
// biases and a per-user offset: score(u, i) = offset(u) + bias_i + <user_vector(u), item_i>.
// Shared by iALS, BPR and explicit MF so that scoring, factor export and ANN retrieval are
// written once. A user vector always comes from the context (fold-in), so a user unseen at
// training time is scored exactly like a known one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace lmrec {

class FactorModel : public Recommender {
 public:
  int32_t n_items() const override { return n_items_; }
  int32_t factors() const { return factors_; }
  // [n_items × factors] row-major.
  std::span<const float> item_factors() const { return item_factors_; }
  // [n_items], or empty when the model has no item biases.
  std::span<const float> item_biases() const { return item_biases_; }
  // Writes the user's vector (factors() floats) to `out` and returns the user's score offset
  // (e.g. global mean + user bias for rating models; 0 for ranking-only models).
  virtual float user_vector(const UserContext& user, float* out) const = 0;
  // user_vector for every context, then one matrix product with the item factors.
  void score(std::span<const UserContext> users, float* scores) const override;

 protected:
  // Throws UsageError naming the model when it is not fitted or an item id is out of range.
  void check_context(const UserContext& user) const;
  // Weight files: `factors.bin` with item factors, biases and `extra` arrays the model adds.
  void save_factors(const std::string& dir, const char (&magic)[9],
                    const std::vector<std::vector<float>>& extra) const;
  std::vector<std::vector<float>> load_factors(const std::string& dir, const char (&magic)[9],
                                               size_t n_extra);

  int32_t n_items_ = 0, factors_ = 0;
  std::vector<float> item_factors_, item_biases_;
};

// Writes a float matrix [rows × cols] as a NumPy .npy file (format 1.0, little-endian <f4, C
// order).
void write_npy(const std::string& path, std::span<const float> data, int64_t rows, int64_t cols);
// The same for a vector: shape (n,), as NumPy writes a 1-D array.
void write_npy(const std::string& path, std::span<const float> data);
// Reads a .npy written by write_npy (or NumPy: <f4, C order, 1-D or 2-D). Throws FormatError
// naming the file on any other dtype, order or dimension count, or when the data is not exactly
// rows × cols floats (truncated or trailing bytes). Returns the shape in rows/cols (cols = 1
// for a 1-D array).
std::vector<float> read_npy(const std::string& path, int64_t& rows, int64_t& cols);

}  // namespace lmrec
