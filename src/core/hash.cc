#include "core/hash.h"

#include <cstring>

namespace lmrec {
namespace {
inline uint64_t mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  return x ^ (x >> 32);
}
}  // namespace

// Each update is hashed as its own block (a partial word is padded), so the same bytes split
// differently hash differently; callers always split the same way, which is all they need.
void Hasher::update(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    state_ = (state_ ^ mix(w + 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
  }
  if (i < n) {
    uint64_t w = 0;
    std::memcpy(&w, p + i, n - i);
    state_ = (state_ ^ mix(w ^ (n - i))) * 0xC4CEB9FE1A85EC53ull;
  }
  length_ += n;
}

uint64_t Hasher::digest() const { return mix(state_ ^ length_); }

uint64_t hash_bytes(const void* data, size_t n) {
  Hasher h;
  h.update(data, n);
  return h.digest();
}

}  // namespace lmrec
