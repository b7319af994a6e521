#include "serve/result_cache.h"

#include <functional>

namespace lmrec {

ResultCache::ResultCache(std::chrono::milliseconds ttl, size_t capacity)
    : ttl_(ttl), shard_capacity_(std::max<size_t>(1, capacity / 32)) {}

ResultCache::Shard& ResultCache::shard(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

std::optional<std::string> ResultCache::get(const std::string& key, const CacheTag& tag) {
  if (!enabled()) return std::nullopt;
  Shard& s = shard(key);
  {
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(key);
    if (it != s.entries.end() && it->second.tag == tag && Clock::now() < it->second.expires) {
      ++hits_;
      return it->second.body;
    }
  }
  ++misses_;
  return std::nullopt;
}

void ResultCache::put(const std::string& key, const CacheTag& tag, std::string body) {
  if (!enabled()) return;
  Shard& s = shard(key);
  std::lock_guard lock(s.mu);
  if (s.entries.size() >= shard_capacity_) s.entries.clear();
  s.entries[key] = {tag, Clock::now() + ttl_, std::move(body)};
}

}  // namespace lmrec
