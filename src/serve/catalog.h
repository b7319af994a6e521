// The live item catalogue of a server: every item it has heard of gets a dense catalogue id
// that never changes, with its title, categories, attributes, a deleted mark and an online
// popularity count. Safe for concurrent readers and writers.
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/top_k.h"
#include "data/id_map.h"
#include "store/store.h"

namespace lmrec {

// Conditions from `filter=`: "category:Drama" needs that category, "key:value" that attribute;
// comma-separated conditions must all hold. Throws ConfigError on text without ':'.
struct ItemFilter {
  std::vector<std::string> categories;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool empty() const { return categories.empty() && attributes.empty(); }
  static ItemFilter parse(std::string_view text);
};

class Catalog {
 public:
  // Returns the id of `id`, adding a bare live entry when new.
  int32_t intern(std::string_view id);
  int32_t find(std::string_view id) const;  // -1 when unknown
  // Adds or replaces an item's description and makes it live again; `runtime` marks items
  // that arrived while serving (candidates for the new-items channel).
  int32_t put(const StoreItem& item, bool runtime);
  bool remove(std::string_view id);  // false when unknown or already deleted
  bool live(int32_t id) const;
  void count(int32_t id, float weight);  // an event on the item

  int32_t size() const;
  std::string name(int32_t id) const;
  std::string title(int32_t id) const;
  std::vector<int32_t> deleted() const;
  // 1 where the item passes `filter` and is live; one entry per catalogue id.
  std::vector<uint8_t> allowed(const ItemFilter& filter) const;
  // The most counted live items passing `keep`, best first (ties to the lower id).
  std::vector<ScoredItem> popular(int k, const std::function<bool(int32_t)>& keep) const;
  // Live items added while serving and passing `keep`, newest first.
  std::vector<int32_t> newest(int k, const std::function<bool(int32_t)>& keep) const;

 private:
  struct Entry {
    std::string title;
    std::vector<std::string> categories;
    Attributes attributes;
    bool deleted = false;
    float count = 0;
    bool runtime = false;  // added while serving
  };
  bool passes(const Entry& e, const ItemFilter& f) const;
  void set_deleted(int32_t id, bool deleted);  // under the unique lock
  mutable std::shared_mutex mu_;
  IdMap ids_;
  std::vector<Entry> entries_;
  std::vector<int32_t> deleted_;  // kept apart: every request masks them
  std::vector<int32_t> runtime_;  // items added while serving, in order of addition
};

}  // namespace lmrec
