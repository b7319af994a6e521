// A fast, non-cryptographic 64-bit hash for checksums and fingerprints (8 bytes per step).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lmrec {

class Hasher {
 public:
  void update(const void* data, size_t n);
  void update(std::string_view s) {
    uint64_t n = s.size();
    update(&n, sizeof n);
    update(s.data(), s.size());
  }
  uint64_t digest() const;

 private:
  uint64_t state_ = 0x9E3779B97F4A7C15ull;
  uint64_t length_ = 0;
};

uint64_t hash_bytes(const void* data, size_t n);

}  // namespace lmrec
