// A TextEncoder in front of another that remembers every vector it has produced, keyed by a
// 64-bit hash of (encoder name, text), so a text already seen is never encoded again, across
// runs when backed by a file. The name is part of the key, so vectors of another model or
// release never match. 64 bits keep a collision below 1e-6 for 10^7 distinct texts.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/text_encoder.h"

namespace lmrec {

class CachedEncoder : public TextEncoder {
 public:
  // `path` (optional): a cache file written by save(); read now when it exists. A file of
  // another encoder or dimension, or a corrupted one, is refused with a FormatError.
  CachedEncoder(std::shared_ptr<const TextEncoder> inner, std::string path = "");
  std::string name() const override { return inner_->name(); }
  int dim() const override { return inner_->dim(); }
  // Encodes only the texts not cached (each distinct text once) and remembers them.
  std::vector<float> encode(std::span<const std::string> texts) const override;

  // Writes every cached vector to the file given at construction (atomically); no-op without one
  // or when nothing changed since the last load or save.
  void save() const;
  int64_t size() const;
  int64_t hits() const;
  int64_t misses() const;
  uint64_t key(const std::string& text) const;

 private:
  void load();
  std::shared_ptr<const TextEncoder> inner_;
  std::string path_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<uint64_t, int64_t> rows_;  // key -> row in vectors_
  mutable std::vector<uint64_t> keys_;                  // in row order
  mutable std::vector<float> vectors_;                  // [rows × dim]
  mutable int64_t hits_ = 0, misses_ = 0;
  mutable bool dirty_ = false;
};

}  // namespace lmrec
