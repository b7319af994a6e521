#include "text/cached_encoder.h"

#include <algorithm>
#include <filesystem>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/hash.h"

namespace lmrec {
namespace {
constexpr char kMagic[9] = "lmrecEMB";
constexpr uint32_t kVersion = 1;
}  // namespace

CachedEncoder::CachedEncoder(std::shared_ptr<const TextEncoder> inner, std::string path)
    : inner_(std::move(inner)), path_(std::move(path)) {
  LMREC_CHECK(inner_ != nullptr, UsageError, "CachedEncoder: no encoder given");
  if (!path_.empty() && std::filesystem::exists(path_)) load();
}

uint64_t CachedEncoder::key(const std::string& text) const {
  Hasher h;
  h.update(inner_->name());
  h.update(text);
  return h.digest();
}

std::vector<float> CachedEncoder::encode(std::span<const std::string> texts) const {
  const size_t dim = static_cast<size_t>(inner_->dim());
  std::vector<uint64_t> keys(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) keys[i] = key(texts[i]);
  std::vector<std::string> missing;
  std::vector<uint64_t> missing_keys;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unordered_map<uint64_t, bool> queued;
    for (size_t i = 0; i < texts.size(); ++i) {
      if (rows_.count(keys[i])) {
        ++hits_;
      } else if (queued.emplace(keys[i], true).second) {
        missing.push_back(texts[i]);
        missing_keys.push_back(keys[i]);
      }
    }
  }
  // Encoding runs unlocked: it is the slow part and the inner encoder is thread-safe.
  std::vector<float> fresh = missing.empty() ? std::vector<float>{} : inner_->encode(missing);
  LMREC_CHECK(fresh.size() == missing.size() * dim, UsageError,
              "CachedEncoder: " + inner_->name() + " returned the wrong number of values");
  std::vector<float> out(texts.size() * dim);
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t m = 0; m < missing.size(); ++m) {
    if (!rows_.emplace(missing_keys[m], static_cast<int64_t>(keys_.size())).second) continue;
    keys_.push_back(missing_keys[m]);
    vectors_.insert(vectors_.end(), fresh.begin() + m * dim, fresh.begin() + (m + 1) * dim);
    ++misses_;
    dirty_ = true;
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    auto from = vectors_.begin() + rows_.at(keys[i]) * static_cast<int64_t>(dim);
    std::copy(from, from + static_cast<int64_t>(dim), out.begin() + i * dim);
  }
  return out;
}

void CachedEncoder::load() {
  BinaryReader in(path_, kMagic, kVersion, "embedding cache");
  std::string name = in.str();
  uint64_t dim = in.u64();
  auto keys = in.array<uint64_t>();
  auto vectors = in.array<float>();
  in.expect_end();
  if (name != inner_->name() || dim != static_cast<uint64_t>(inner_->dim()))
    LMREC_THROW(FormatError, path_ + ": embedding cache of " + name + " (" + std::to_string(dim) +
                                 "-d), not of " + inner_->name() + "; use another cache file");
  if (vectors.size() != keys.size() * dim)
    LMREC_THROW(FormatError, path_ + ": embedding cache holds " + std::to_string(vectors.size()) +
                                 " values for " + std::to_string(keys.size()) + " keys");
  for (size_t r = 0; r < keys.size(); ++r) rows_.emplace(keys[r], static_cast<int64_t>(r));
  keys_ = std::move(keys);
  vectors_ = std::move(vectors);
}

void CachedEncoder::save() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (path_.empty() || !dirty_) return;
  BinaryWriter out(path_, kMagic, kVersion);
  out.str(inner_->name());
  out.u64(static_cast<uint64_t>(inner_->dim()));
  out.array(keys_);
  out.array(vectors_);
  out.commit();
  dirty_ = false;
}

int64_t CachedEncoder::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(keys_.size());
}

int64_t CachedEncoder::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

int64_t CachedEncoder::misses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return misses_;
}

}  // namespace lmrec
