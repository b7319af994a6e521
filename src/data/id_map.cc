#include "data/id_map.h"

#include "core/errors.h"

namespace lmrec {

IdMap::IdMap(std::vector<std::string> names) : names_(std::move(names)) {
  index_.reserve(names_.size());
  for (size_t i = 0; i < names_.size(); ++i)
    if (!index_.emplace(names_[i], static_cast<int32_t>(i)).second)
      LMREC_THROW(UsageError, "duplicate id name '" + names_[i] + "'");
}

int32_t IdMap::intern(std::string_view name) {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  auto id = static_cast<int32_t>(names_.size());
  names_.emplace_back(name);
  index_.emplace(names_.back(), id);
  return id;
}

int32_t IdMap::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

}  // namespace lmrec
