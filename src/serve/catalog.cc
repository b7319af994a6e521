#include "serve/catalog.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "core/errors.h"

namespace lmrec {

ItemFilter ItemFilter::parse(std::string_view text) {
  ItemFilter f;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size())
      LMREC_THROW(ConfigError, "filter condition '" + std::string(part) +
                                   "': expected category:NAME or KEY:VALUE");
    std::string key(part.substr(0, colon)), value(part.substr(colon + 1));
    if (key == "category")
      f.categories.push_back(value);
    else
      f.attributes.emplace_back(key, value);
  }
  return f;
}

int32_t Catalog::intern(std::string_view id) {
  {
    std::shared_lock lock(mu_);
    int32_t found = ids_.find(id);
    if (found >= 0) return found;
  }
  std::unique_lock lock(mu_);
  int32_t i = ids_.intern(id);
  if (static_cast<size_t>(i) >= entries_.size()) entries_.resize(static_cast<size_t>(i) + 1);
  return i;
}

int32_t Catalog::find(std::string_view id) const {
  std::shared_lock lock(mu_);
  return ids_.find(id);
}

int32_t Catalog::put(const StoreItem& item, bool runtime) {
  std::unique_lock lock(mu_);
  int32_t i = ids_.intern(item.id);
  if (static_cast<size_t>(i) >= entries_.size()) entries_.resize(static_cast<size_t>(i) + 1);
  Entry& e = entries_[i];
  e.title = item.title;
  e.categories = item.categories;
  e.attributes = item.attributes;
  set_deleted(i, item.deleted);
  if (runtime && !e.runtime) {
    e.runtime = true;
    runtime_.push_back(i);
  }
  return i;
}

bool Catalog::remove(std::string_view id) {
  std::unique_lock lock(mu_);
  int32_t i = ids_.find(id);
  if (i < 0 || entries_[i].deleted) return false;
  set_deleted(i, true);
  return true;
}

bool Catalog::live(int32_t id) const {
  std::shared_lock lock(mu_);
  return id >= 0 && id < ids_.size() && !entries_[id].deleted;
}

void Catalog::count(int32_t id, float weight) {
  std::unique_lock lock(mu_);
  if (id >= 0 && id < ids_.size()) entries_[id].count += weight;
}

int32_t Catalog::size() const {
  std::shared_lock lock(mu_);
  return ids_.size();
}

std::string Catalog::name(int32_t id) const {
  std::shared_lock lock(mu_);
  return ids_.name(id);
}

std::string Catalog::title(int32_t id) const {
  std::shared_lock lock(mu_);
  return entries_[id].title;
}

std::vector<int32_t> Catalog::deleted() const {
  std::shared_lock lock(mu_);
  return deleted_;
}

void Catalog::set_deleted(int32_t id, bool deleted) {
  if (entries_[id].deleted == deleted) return;
  entries_[id].deleted = deleted;
  if (deleted)
    deleted_.insert(std::lower_bound(deleted_.begin(), deleted_.end(), id), id);
  else
    deleted_.erase(std::lower_bound(deleted_.begin(), deleted_.end(), id));
}

bool Catalog::passes(const Entry& e, const ItemFilter& f) const {
  if (e.deleted) return false;
  for (const auto& c : f.categories)
    if (std::find(e.categories.begin(), e.categories.end(), c) == e.categories.end()) return false;
  for (const auto& [key, value] : f.attributes) {
    auto it = e.attributes.find(key);
    if (it == e.attributes.end() || it->second != value) return false;
  }
  return true;
}

std::vector<uint8_t> Catalog::allowed(const ItemFilter& filter) const {
  std::shared_lock lock(mu_);
  std::vector<uint8_t> out(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) out[i] = passes(entries_[i], filter);
  return out;
}

std::vector<ScoredItem> Catalog::popular(int k, const std::function<bool(int32_t)>& keep) const {
  std::vector<float> scores;
  {
    std::shared_lock lock(mu_);
    scores.resize(entries_.size());
    for (size_t i = 0; i < entries_.size(); ++i)
      scores[i] = entries_[i].deleted ? -std::numeric_limits<float>::infinity() : entries_[i].count;
  }
  for (size_t i = 0; i < scores.size(); ++i)
    if (!keep(static_cast<int32_t>(i))) scores[i] = -std::numeric_limits<float>::infinity();
  return top_k(scores, k);
}

std::vector<int32_t> Catalog::newest(int k, const std::function<bool(int32_t)>& keep) const {
  std::vector<int32_t> candidates;
  {
    std::shared_lock lock(mu_);
    for (auto it = runtime_.rbegin(); it != runtime_.rend(); ++it)
      if (!entries_[*it].deleted) candidates.push_back(*it);
  }
  std::vector<int32_t> out;
  for (int32_t i : candidates) {
    if (static_cast<int>(out.size()) >= k) break;
    if (keep(i)) out.push_back(i);
  }
  return out;
}

}  // namespace lmrec
