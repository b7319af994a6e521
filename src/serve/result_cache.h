// Finished answers (serialised JSON) by request, so a user asking again before anything they
// depend on changed costs a lookup instead of a full scoring pass. An entry is tagged with the
// service epoch (bumped by model swaps and catalogue changes) and the user's history version
// (bumped by their feedback), both read before the answer was computed: a write landing during
// the computation leaves the entry stale-tagged, never fresh-tagged. Entries also expire after
// a time to live, which bounds how long global popularity can lag for cold users.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace lmrec {

struct CacheTag {
  uint64_t epoch = 0, user_version = 0;
  bool operator==(const CacheTag&) const = default;
};

class ResultCache {
 public:
  // ttl 0 disables the cache; `capacity` bounds the entries (a full shard is emptied).
  ResultCache(std::chrono::milliseconds ttl, size_t capacity = 200000);
  bool enabled() const { return ttl_.count() > 0; }
  std::optional<std::string> get(const std::string& key, const CacheTag& tag);
  void put(const std::string& key, const CacheTag& tag, std::string body);
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    CacheTag tag;
    Clock::time_point expires;
    std::string body;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard(const std::string& key);
  std::chrono::milliseconds ttl_;
  size_t shard_capacity_;
  std::array<Shard, 32> shards_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace lmrec
