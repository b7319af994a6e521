// Each user's recent history in memory, keyed by raw user id: filled from the store at start
// and by every acknowledged feedback event, so the next request sees it at once. Sharded so
// that concurrent users rarely meet on a lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace lmrec {

struct HistoryEvent {
  int32_t item;  // catalogue id
  int64_t time;
  float value;
};

class UserState {
 public:
  // Keeps the last `max_history` events of each user.
  explicit UserState(size_t max_history = 200) : max_history_(max_history) {}
  void add(const std::string& user, std::span<const HistoryEvent> events);
  // The user's history, oldest first; empty for an unknown user.
  std::vector<HistoryEvent> history(const std::string& user) const;
  bool erase(const std::string& user);
  size_t users() const;
  // Changes whenever the user's history does; 0 for a user without one.
  uint64_t version(const std::string& user) const;

 private:
  struct History {
    std::deque<HistoryEvent> events;
    uint64_t version = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, History> users;
  };
  Shard& shard(const std::string& user) const;
  size_t max_history_;
  std::atomic<uint64_t> next_version_{0};
  mutable std::array<Shard, 64> shards_;
};

}  // namespace lmrec
