// The dataset everything meets at: id maps, interactions, CSR indexes by user and by item,
// time-ordered sequences, the item catalogue and user attributes.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "data/id_map.h"

namespace lmrec {

using Attributes = std::map<std::string, std::string>;

// Interaction rows as parallel arrays (struct of arrays keeps scans cache-friendly).
// `event` is empty when the data has no event types.
struct Interactions {
  std::vector<int32_t> user, item;
  std::vector<float> value;
  std::vector<int64_t> time;
  std::vector<int16_t> event;
  int64_t size() const { return static_cast<int64_t>(user.size()); }
  void reserve(size_t n);
  void push(int32_t u, int32_t i, float v, int64_t t);
};

// Per-item side information; every vector has one entry per item once the dataset is finalized.
struct Catalogue {
  std::vector<std::string> title;
  std::vector<std::string> text;  // free text: description, user tags
  std::vector<std::vector<int32_t>> categories;  // ids into category_names
  IdMap category_names;
  std::vector<Attributes> attributes;
};

class Dataset {
 public:
  IdMap users, items, event_types;
  Interactions rows;
  Catalogue catalogue;
  std::vector<Attributes> user_attributes;
  bool explicit_values = false;  // values are ratings rather than 1.0 for "interacted"
  bool has_times = false;        // times are real timestamps rather than the order of input

  // Sorts rows by (user, time), keeping input order among equal times, builds both CSR indexes
  // and sizes the catalogue and user attributes to the id maps. Call after changing rows.
  void finalize();

  int32_t n_users() const { return users.size(); }
  int32_t n_items() const { return items.size(); }
  int64_t n_interactions() const { return rows.size(); }

  // Row range [begin, end) of user u's events, oldest first.
  int64_t user_begin(int32_t u) const { return user_indptr_[static_cast<size_t>(u)]; }
  int64_t user_end(int32_t u) const { return user_indptr_[static_cast<size_t>(u) + 1]; }
  int64_t user_count(int32_t u) const { return user_end(u) - user_begin(u); }
  // User u's items in time order (the user's sequence).
  std::span<const int32_t> user_items(int32_t u) const;
  // Rows (indices into `rows`) that touch item i, ordered by user.
  std::span<const int64_t> item_rows(int32_t i) const;
  int64_t item_count(int32_t i) const { return static_cast<int64_t>(item_rows(i).size()); }
  const std::vector<int64_t>& user_indptr() const { return user_indptr_; }

  // A dataset with the same id maps, catalogue and attributes but only the rows with keep[r].
  Dataset subset(const std::vector<uint8_t>& keep) const;
  // Drops users and items without rows and renumbers ids densely (catalogue follows).
  void compact();
  // Order-sensitive 64-bit hash of the id maps and rows; models record it to refuse other data.
  uint64_t fingerprint() const;

 private:
  std::vector<int64_t> user_indptr_;  // n_users + 1
  std::vector<int64_t> item_indptr_;  // n_items + 1
  std::vector<int64_t> item_rows_;    // row ids grouped by item
};

}  // namespace lmrec
