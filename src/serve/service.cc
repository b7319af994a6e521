#include "serve/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <unordered_set>

#include "serve/json_errors.h"

namespace lmrec {
namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : options_(options),
      users_(options.max_history),
      live_(options.keep_versions),
      writes_((load_state(*store), std::move(store))) {}

Service::~Service() { writes_.stop(); }

void Service::load_state(Store& store) {
  store.for_each_item([&](const StoreItem& item) { catalog_.put(item, false); });
  store.for_each_event([&](const StoreEvent& e) {
    int32_t i = catalog_.intern(e.item);
    HistoryEvent h{i, e.time, e.value};
    users_.add(e.user, std::span<const HistoryEvent>(&h, 1));
    catalog_.count(i, 1.0f);
  });
  for (const auto& m : store.models())
    if (m.active) active_path_ = m.path;
}

int64_t Service::load_model(const std::string& dir, const std::vector<std::string>& fallback) {
  auto v = load_version(dir, 0, catalog_, fallback);
  std::string path = std::filesystem::absolute(dir).lexically_normal().string();
  std::string name = v->name;
  writes_.submit([&](Store& s) {
    for (const auto& m : s.models())
      if (m.path == path) v->version = m.version;
    if (v->version == 0) v->version = s.register_model(name, path);
    s.activate_model(v->version);
  });
  int64_t version = v->version;
  live_.publish(std::move(v));
  ++epoch_;
  return version;
}

bool Service::rollback(int64_t version) {
  if (!live_.rollback(version)) return false;
  ++epoch_;
  writes_.submit([&](Store& s) { s.activate_model(version); });
  return true;
}

std::shared_ptr<const ModelVersion> Service::model() const {
  auto m = live_.current();
  if (!m) LMREC_API_ERROR(503, "no model is loaded");
  return m;
}

void Service::explore(const std::string& user, std::vector<Recommendation>& list,
                      const std::vector<Recommendation>& pool, int n) const {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::vector<int32_t> ids;
  for (const auto& p : pool) ids.push_back(p.item);
  for (int32_t item : bandit_.choose(ids, n, rng)) {
    auto it = std::find_if(pool.begin(), pool.end(), [&](const auto& p) { return p.item == item; });
    list.push_back({item, it->score, "explore"});
    bandit_.shown(user, item);
  }
}

// Tops `list` up to k with popular items passing `keep` that it does not hold yet.
std::vector<Recommendation> Service::fill(std::vector<Recommendation> list, int k,
                                          const std::function<bool(int32_t)>& keep) const {
  if (static_cast<int>(list.size()) >= k) return list;
  std::unordered_set<int32_t> have;
  for (const auto& r : list) have.insert(r.item);
  auto popular = catalog_.popular(k, [&](int32_t i) { return keep(i) && !have.count(i); });
  for (const auto& p : popular) {
    if (static_cast<int>(list.size()) >= k) break;
    list.push_back({p.item, p.score, "popular"});
  }
  return list;
}

UserContext Service::context_of(const std::string& user, const ModelVersion& m) const {
  UserContext ctx;
  for (const auto& h : users_.history(user)) {
    int32_t mi = m.model_index(h.item);
    if (mi < 0) continue;
    ctx.items.push_back(mi);
    ctx.times.push_back(h.time);
    ctx.values.push_back(h.value);
  }
  return ctx;
}

void Service::add_reasons(const ModelVersion& m, const UserContext& ctx, Reasons reasons,
                          std::vector<Recommendation>& list) const {
  if (reasons == Reasons::kNone) return;
  std::vector<int32_t> items;
  for (const auto& r : list)
    if (r.channel == std::string_view("model")) items.push_back(m.model_index(r.item));
  ExplainOptions options;
  options.history_window = reasons == Reasons::kFast ? 0 : options_.reasons_history_window;
  auto why = lmrec::explain(*m.model, ctx, items, options);
  size_t k = 0;
  for (auto& r : list)
    if (r.channel == std::string_view("model")) r.why = std::move(why[k++]);
}

RecommendResult Service::recommend(const RecommendRequest& r) const {
  if (r.k < 1 || r.k > options_.max_k)
    LMREC_API_ERROR(400, "k must be between 1 and " + std::to_string(options_.max_k));
  RecommendResult out;
  out.model = model();
  const ModelVersion& m = *out.model;
  std::unordered_set<int32_t> seen;
  for (const auto& h : users_.history(r.user)) seen.insert(h.item);
  UserContext ctx = context_of(r.user, m);
  out.history = ctx.items.size();
  std::vector<uint8_t> allowed =
      r.filter.empty() ? std::vector<uint8_t>() : catalog_.allowed(r.filter);
  auto keep = [&](int32_t i) {
    if (!allowed.empty() && (static_cast<size_t>(i) >= allowed.size() || !allowed[i])) return false;
    return !(r.exclude_seen && seen.count(i));
  };
  auto fresh = catalog_.newest(std::min(options_.new_item_slots, r.k),
                               [&](int32_t i) { return m.model_index(i) < 0 && keep(i); });
  int model_k = r.k - static_cast<int>(fresh.size());
  if (!ctx.items.empty() && model_k > 0) {
    // The model's own top-k, as `lmrec recommend` asks it, minus what may not be shown.
    std::vector<int32_t> exclude;
    for (int32_t c : catalog_.deleted())
      if (int32_t mi = m.model_index(c); mi >= 0) exclude.push_back(mi);
    if (!allowed.empty())
      for (size_t mi = 0; mi < m.to_catalog.size(); ++mi)
        if (!keep(m.to_catalog[mi])) exclude.push_back(static_cast<int32_t>(mi));
    int explored = std::min(options_.explore_slots, model_k);
    int pool = explored > 0 ? options_.explore_pool : 0;
    std::vector<Recommendation> tail;
    for (const auto& s :
         m.model->recommend(ctx, model_k - explored + pool, exclude, r.exclude_seen))
      (static_cast<int>(out.items.size()) < model_k - explored ? out.items : tail)
          .push_back({m.to_catalog[s.item], s.score, "model"});
    if (explored > 0) explore(r.user, out.items, tail, explored);
    add_reasons(m, ctx, r.reasons, out.items);
  }
  out.items = fill(std::move(out.items), model_k, keep);
  for (int32_t i : fresh) out.items.push_back({i, 0.0f, "new"});
  return out;
}

ExplainResult Service::explain(const std::string& user, const std::string& item) const {
  ExplainResult out;
  out.model = model();
  const ModelVersion& m = *out.model;
  if (users_.history(user).empty()) LMREC_API_ERROR(404, "unknown user '" + user + "'");
  int32_t c = catalog_.find(item);
  if (c < 0 || !catalog_.live(c)) LMREC_API_ERROR(404, "unknown item '" + item + "'");
  int32_t mi = m.model_index(c);
  if (mi < 0)
    LMREC_API_ERROR(404, "item '" + item + "' is new to model version " +
                             std::to_string(m.version) + "; it has no model score yet");
  UserContext ctx = context_of(user, m);
  out.history = ctx.items.size();
  out.why = lmrec::explain(*m.model, ctx, {&mi, 1}, ExplainOptions{})[0];
  return out;
}

std::vector<Recommendation> Service::similar(const std::string& item, int k) const {
  if (k < 1 || k > options_.max_k)
    LMREC_API_ERROR(400, "k must be between 1 and " + std::to_string(options_.max_k));
  int32_t c = catalog_.find(item);
  if (c < 0 || !catalog_.live(c)) LMREC_API_ERROR(404, "unknown item '" + item + "'");
  auto m = model();
  std::vector<Recommendation> out;
  if (int32_t mi = m->model_index(c); mi >= 0) {
    UserContext ctx;
    ctx.items = {mi};
    std::vector<int32_t> exclude;
    for (int32_t d : catalog_.deleted())
      if (int32_t dm = m->model_index(d); dm >= 0) exclude.push_back(dm);
    for (const auto& s : m->model->recommend(ctx, k, exclude, true))
      out.push_back({m->to_catalog[s.item], s.score, "model"});
  }
  return fill(std::move(out), k, [&](int32_t i) { return i != c; });
}

size_t Service::feedback(std::vector<StoreEvent> events) {
  if (events.empty()) LMREC_API_ERROR(400, "no events");
  std::vector<int32_t> ids;
  int64_t now = now_seconds();
  for (size_t k = 0; k < events.size(); ++k) {
    auto& e = events[k];
    std::string at = events.size() > 1 ? "event " + std::to_string(k) + ": " : "";
    if (e.user.empty()) LMREC_API_ERROR(400, at + "user is missing or empty");
    if (e.item.empty()) LMREC_API_ERROR(400, at + "item is missing or empty");
    if (!std::isfinite(e.value)) LMREC_API_ERROR(400, at + "value is not a finite number");
    int32_t c = catalog_.find(e.item);
    if (c < 0 || !catalog_.live(c))
      LMREC_API_ERROR(400, at + "unknown item '" + e.item + "' (add it with PUT /v1/items/ID)");
    if (e.time == 0) e.time = now;
    ids.push_back(c);
  }
  writes_.submit([&](Store& s) { s.append_events(events); },
                 [&] {
                   for (size_t k = 0; k < events.size(); ++k) {
                     HistoryEvent h{ids[k], events[k].time, events[k].value};
                     users_.add(events[k].user, std::span<const HistoryEvent>(&h, 1));
                     catalog_.count(ids[k], 1.0f);
                     bandit_.clicked(events[k].user, ids[k]);
                   }
                 });
  return events.size();
}

void Service::put_item(const StoreItem& item) {
  if (item.id.empty()) LMREC_API_ERROR(400, "item id is empty");
  writes_.submit([&](Store& s) { s.upsert_item(item); },
                 [&] {
                   catalog_.put(item, true);
                   ++epoch_;
                 });
}

void Service::delete_item(const std::string& id) {
  int32_t c = catalog_.find(id);
  if (c < 0 || !catalog_.live(c)) LMREC_API_ERROR(404, "unknown item '" + id + "'");
  writes_.submit([&](Store& s) { s.delete_item(id); },
                 [&] {
                   catalog_.remove(id);
                   ++epoch_;
                 });
}

int64_t Service::delete_user(const std::string& id) {
  int64_t removed = 0;
  bool in_memory = false;
  writes_.submit([&](Store& s) { removed = s.delete_user(id); },
                 [&] { in_memory = users_.erase(id); });
  if (removed == 0 && !in_memory) LMREC_API_ERROR(404, "unknown user '" + id + "'");
  return removed;
}

}  // namespace lmrec
