// The model a server answers with, swapped atomically: a request takes one shared_ptr to an
// immutable ModelVersion and keeps it for its whole life, so it never sees a half-loaded
// model, and a retired version is freed when its last request ends. Older versions are kept
// for rollback.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/id_map.h"
#include "models/recommender.h"
#include "serve/catalog.h"

namespace lmrec {

struct ModelVersion {
  int64_t version = 0;
  std::string name, path;
  std::unique_ptr<const Recommender> model;
  std::vector<int32_t> to_catalog;    // model item index -> catalogue id
  std::vector<int32_t> from_catalog;  // catalogue id -> model item index or -1

  int32_t model_index(int32_t catalog_id) const {
    return catalog_id >= 0 && static_cast<size_t>(catalog_id) < from_catalog.size()
               ? from_catalog[static_cast<size_t>(catalog_id)]
               : -1;
  }
};

// The raw item id of each model row, one a line in the model folder (items.txt); written at
// training time so a model can be served without the dataset file.
void write_item_ids(const std::string& model_dir, const IdMap& items);
// Empty when the folder has no items.txt.
std::vector<std::string> read_item_ids(const std::string& model_dir);

// Loads a model folder and maps its items into `catalog` (adding the ones it lacks). Item ids
// come from items.txt, else from `fallback_items`; a count that differs from the model's is a
// FormatError.
std::shared_ptr<ModelVersion> load_version(const std::string& dir, int64_t version,
                                           Catalog& catalog,
                                           const std::vector<std::string>& fallback_items);

class LiveModel {
 public:
  explicit LiveModel(size_t keep = 3) : keep_(keep) {}
  // Null until the first publish.
  std::shared_ptr<const ModelVersion> current() const { return current_.load(); }
  // Makes `v` current; the previous ones stay available to rollback().
  void publish(std::shared_ptr<const ModelVersion> v);
  // Makes a kept version current again; false when it is not kept.
  bool rollback(int64_t version);
  std::vector<int64_t> versions() const;

 private:
  size_t keep_;
  std::atomic<std::shared_ptr<const ModelVersion>> current_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<const ModelVersion>> kept_;  // oldest first
};

}  // namespace lmrec
