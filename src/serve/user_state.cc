#include "serve/user_state.h"

#include <functional>

namespace lmrec {

UserState::Shard& UserState::shard(const std::string& user) const {
  return shards_[std::hash<std::string>{}(user) % shards_.size()];
}

void UserState::add(const std::string& user, std::span<const HistoryEvent> events) {
  Shard& s = shard(user);
  std::lock_guard lock(s.mu);
  auto& entry = s.users[user];
  entry.version = ++next_version_;
  auto& h = entry.events;
  for (const auto& e : events) {
    // Out-of-order arrivals are slotted in by time so the history stays a sequence.
    auto pos = h.end();
    while (pos != h.begin() && std::prev(pos)->time > e.time) --pos;
    h.insert(pos, e);
  }
  while (h.size() > max_history_) h.pop_front();
}

std::vector<HistoryEvent> UserState::history(const std::string& user) const {
  Shard& s = shard(user);
  std::lock_guard lock(s.mu);
  auto it = s.users.find(user);
  if (it == s.users.end()) return {};
  return {it->second.events.begin(), it->second.events.end()};
}

uint64_t UserState::version(const std::string& user) const {
  Shard& s = shard(user);
  std::lock_guard lock(s.mu);
  auto it = s.users.find(user);
  return it == s.users.end() ? 0 : it->second.version;
}

bool UserState::erase(const std::string& user) {
  Shard& s = shard(user);
  std::lock_guard lock(s.mu);
  return s.users.erase(user) > 0;
}

size_t UserState::users() const {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.users.size();
  }
  return n;
}

}  // namespace lmrec
