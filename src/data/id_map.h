// Dense integer ids for string names (users, items, categories, event types).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lmrec {

class IdMap {
 public:
  IdMap() = default;
  // Builds from distinct names; id i is names[i]. Throws UsageError on a duplicate name.
  explicit IdMap(std::vector<std::string> names);
  // Returns the id of `name`, adding it when new.
  int32_t intern(std::string_view name);
  // Returns the id of `name`, or -1 when absent.
  int32_t find(std::string_view name) const;
  const std::string& name(int32_t id) const { return names_[static_cast<size_t>(id)]; }
  int32_t size() const { return static_cast<int32_t>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
};

}  // namespace lmrec
