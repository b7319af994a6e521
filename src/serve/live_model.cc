#include "serve/live_model.h"

#include <algorithm>
#include <fstream>

#include "core/errors.h"

namespace lmrec {

void write_item_ids(const std::string& model_dir, const IdMap& items) {
  std::string path = model_dir + "/items.txt";
  std::ofstream out(path);
  for (const auto& name : items.names()) out << name << '\n';
  if (!out) LMREC_THROW(IoError, "cannot write " + path);
}

std::vector<std::string> read_item_ids(const std::string& model_dir) {
  std::vector<std::string> ids;
  std::ifstream in(model_dir + "/items.txt");
  for (std::string line; std::getline(in, line);) ids.push_back(line);
  return ids;
}

std::shared_ptr<ModelVersion> load_version(const std::string& dir, int64_t version,
                                           Catalog& catalog,
                                           const std::vector<std::string>& fallback_items) {
  auto v = std::make_shared<ModelVersion>();
  nlohmann::json config;
  v->model = load_model(dir, &config);
  v->version = version;
  v->name = v->model->name();
  v->path = dir;
  auto ids = read_item_ids(dir);
  if (ids.empty()) ids = fallback_items;
  if (static_cast<int32_t>(ids.size()) != v->model->n_items())
    LMREC_THROW(FormatError, "model " + dir + " scores " + std::to_string(v->model->n_items()) +
                                 " items but " + std::to_string(ids.size()) +
                                 " item ids were found (items.txt in the folder, or --data)");
  for (const auto& id : ids) v->to_catalog.push_back(catalog.intern(id));
  v->from_catalog.assign(static_cast<size_t>(catalog.size()), -1);
  for (size_t m = 0; m < v->to_catalog.size(); ++m)
    v->from_catalog[static_cast<size_t>(v->to_catalog[m])] = static_cast<int32_t>(m);
  return v;
}

void LiveModel::publish(std::shared_ptr<const ModelVersion> v) {
  std::lock_guard lock(mu_);
  kept_.erase(std::remove_if(kept_.begin(), kept_.end(),
                             [&](const auto& k) { return k->version == v->version; }),
              kept_.end());
  kept_.push_back(v);
  if (kept_.size() > keep_) kept_.erase(kept_.begin());
  current_.store(std::move(v));
}

bool LiveModel::rollback(int64_t version) {
  std::lock_guard lock(mu_);
  for (const auto& k : kept_)
    if (k->version == version) {
      current_.store(k);
      return true;
    }
  return false;
}

std::vector<int64_t> LiveModel::versions() const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (const auto& k : kept_) out.push_back(k->version);
  return out;
}

}  // namespace lmrec
