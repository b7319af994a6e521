#include "data/dataset.h"

#include <algorithm>
#include <numeric>

#include "core/errors.h"
#include "core/hash.h"

namespace lmrec {

void Interactions::reserve(size_t n) {
  user.reserve(n);
  item.reserve(n);
  value.reserve(n);
  time.reserve(n);
}

void Interactions::push(int32_t u, int32_t i, float v, int64_t t) {
  user.push_back(u);
  item.push_back(i);
  value.push_back(v);
  time.push_back(t);
}

namespace {

template <typename T>
void permute(std::vector<T>& v, const std::vector<int64_t>& order) {
  if (v.empty()) return;
  std::vector<T> out(order.size());
  for (size_t k = 0; k < order.size(); ++k) out[k] = v[static_cast<size_t>(order[k])];
  v.swap(out);
}

// Counting sort of keys in [0, n_keys): returns the CSR indptr and fills `order` (stable).
std::vector<int64_t> bucket(const std::vector<int32_t>& keys, int32_t n_keys,
                            std::vector<int64_t>& order) {
  std::vector<int64_t> indptr(static_cast<size_t>(n_keys) + 1, 0);
  for (int32_t k : keys) ++indptr[static_cast<size_t>(k) + 1];
  std::partial_sum(indptr.begin(), indptr.end(), indptr.begin());
  std::vector<int64_t> next(indptr.begin(), indptr.end() - 1);
  order.assign(keys.size(), 0);
  for (size_t r = 0; r < keys.size(); ++r) order[static_cast<size_t>(next[keys[r]]++)] = r;
  return indptr;
}

void check_rows(const Dataset& d) {
  const auto& r = d.rows;
  size_t n = r.user.size();
  if (r.item.size() != n || r.value.size() != n || r.time.size() != n ||
      (!r.event.empty() && r.event.size() != n))
    LMREC_THROW(UsageError, "interaction arrays differ in length");
  for (size_t k = 0; k < n; ++k)
    if (r.user[k] < 0 || r.user[k] >= d.n_users() || r.item[k] < 0 || r.item[k] >= d.n_items())
      LMREC_THROW(UsageError, "interaction row " + std::to_string(k) + " has an unknown id");
}

}  // namespace

void Dataset::finalize() {
  check_rows(*this);
  std::vector<int64_t> order;
  user_indptr_ = bucket(rows.user, n_users(), order);
  // Within a user, a stable sort by time keeps input order among equal timestamps.
  for (int32_t u = 0; u < n_users(); ++u)
    std::stable_sort(order.begin() + user_indptr_[u], order.begin() + user_indptr_[u + 1],
                     [&](int64_t a, int64_t b) { return rows.time[a] < rows.time[b]; });
  permute(rows.user, order);
  permute(rows.item, order);
  permute(rows.value, order);
  permute(rows.time, order);
  permute(rows.event, order);
  item_indptr_ = bucket(rows.item, n_items(), item_rows_);

  auto n_i = static_cast<size_t>(n_items());
  catalogue.title.resize(n_i);
  catalogue.text.resize(n_i);
  catalogue.categories.resize(n_i);
  catalogue.attributes.resize(n_i);
  user_attributes.resize(static_cast<size_t>(n_users()));
}

std::span<const int32_t> Dataset::user_items(int32_t u) const {
  return {rows.item.data() + user_begin(u), static_cast<size_t>(user_count(u))};
}

std::span<const int64_t> Dataset::item_rows(int32_t i) const {
  auto b = item_indptr_[static_cast<size_t>(i)], e = item_indptr_[static_cast<size_t>(i) + 1];
  return {item_rows_.data() + b, static_cast<size_t>(e - b)};
}

Dataset Dataset::subset(const std::vector<uint8_t>& keep) const {
  if (static_cast<int64_t>(keep.size()) != rows.size())
    LMREC_THROW(UsageError, "subset mask length differs from the number of rows");
  Dataset out;
  out.users = users;
  out.items = items;
  out.event_types = event_types;
  out.catalogue = catalogue;
  out.user_attributes = user_attributes;
  out.explicit_values = explicit_values;
  out.has_times = has_times;
  bool events = !rows.event.empty();
  for (size_t r = 0; r < keep.size(); ++r) {
    if (!keep[r]) continue;
    out.rows.push(rows.user[r], rows.item[r], rows.value[r], rows.time[r]);
    if (events) out.rows.event.push_back(rows.event[r]);
  }
  out.finalize();
  return out;
}

namespace {
// Keeps entries of `v` whose old id maps to a new id, in new-id order.
template <typename T>
std::vector<T> remap(std::vector<T>& v, const std::vector<int32_t>& new_of_old, int32_t n_new) {
  std::vector<T> out(static_cast<size_t>(n_new));
  for (size_t old = 0; old < v.size() && old < new_of_old.size(); ++old)
    if (new_of_old[old] >= 0) out[static_cast<size_t>(new_of_old[old])] = std::move(v[old]);
  return out;
}

std::vector<int32_t> used_ids(const std::vector<int32_t>& ids, int32_t n, int32_t& n_new) {
  std::vector<int32_t> map(static_cast<size_t>(n), -1);
  for (int32_t id : ids) map[static_cast<size_t>(id)] = 0;
  n_new = 0;
  for (auto& m : map)
    if (m == 0) m = n_new++;
  return map;
}
}  // namespace

void Dataset::compact() {
  int32_t n_u = 0, n_i = 0;
  auto user_map = used_ids(rows.user, n_users(), n_u);
  auto item_map = used_ids(rows.item, n_items(), n_i);
  std::vector<std::string> user_names(static_cast<size_t>(n_u)), item_names(static_cast<size_t>(n_i));
  for (int32_t u = 0; u < n_users(); ++u)
    if (user_map[u] >= 0) user_names[user_map[u]] = users.name(u);
  for (int32_t i = 0; i < n_items(); ++i)
    if (item_map[i] >= 0) item_names[item_map[i]] = items.name(i);
  for (auto& u : rows.user) u = user_map[u];
  for (auto& i : rows.item) i = item_map[i];
  catalogue.title = remap(catalogue.title, item_map, n_i);
  catalogue.text = remap(catalogue.text, item_map, n_i);
  catalogue.categories = remap(catalogue.categories, item_map, n_i);
  catalogue.attributes = remap(catalogue.attributes, item_map, n_i);
  user_attributes = remap(user_attributes, user_map, n_u);
  users = IdMap(std::move(user_names));
  items = IdMap(std::move(item_names));
  finalize();
}

uint64_t Dataset::fingerprint() const {
  Hasher h;
  for (const auto& n : users.names()) h.update(n);
  for (const auto& n : items.names()) h.update(n);
  h.update(rows.user.data(), rows.user.size() * sizeof(int32_t));
  h.update(rows.item.data(), rows.item.size() * sizeof(int32_t));
  h.update(rows.value.data(), rows.value.size() * sizeof(float));
  h.update(rows.time.data(), rows.time.size() * sizeof(int64_t));
  return h.digest();
}

}  // namespace lmrec
