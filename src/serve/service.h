// What the HTTP API does, without HTTP: recommendations from the live model over each user's
// in-memory history, similar items, and writes (feedback, catalogue, deletions) that are
// durable in the store before they are acknowledged and visible to the next request at once.
// Errors are ApiErrors carrying the HTTP status.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/explanation.h"
#include "serve/bandit.h"
#include "serve/catalog.h"
#include "serve/live_model.h"
#include "serve/user_state.h"
#include "serve/write_queue.h"
#include "store/store.h"

namespace lmrec {

struct ServiceOptions {
  size_t max_history = 200;  // recent events per user that the model sees
  int max_k = 1000;
  // List slots given to items added while serving that the model does not know yet.
  int new_item_slots = 1;
  size_t keep_versions = 3;  // model versions kept for rollback
  // Last list slots filled by Thompson sampling from the next `explore_pool` model items.
  int explore_slots = 0;
  int explore_pool = 20;
  // History items left out in turn for `reasons=full` (each costs one scoring pass).
  size_t reasons_history_window = 20;
};

struct Recommendation {
  int32_t item;  // catalogue id
  float score;
  const char* channel;  // "model", "explore", "popular" or "new"
  // Model items only, with a request's `reasons` other than kNone; ids are model indices.
  std::optional<Explanation> why;
};

// kFast: channels and ranker contributions only; kFull adds the history items that moved each
// item (one scoring pass per recent history item).
enum class Reasons { kNone, kFast, kFull };

struct RecommendRequest {
  std::string user;
  int k = 10;
  bool exclude_seen = true;
  ItemFilter filter;
  Reasons reasons = Reasons::kFast;
};

struct ExplainResult {
  Explanation why;  // item ids are model indices of `model`
  size_t history = 0;
  std::shared_ptr<const ModelVersion> model;
};

struct RecommendResult {
  std::vector<Recommendation> items;
  size_t history = 0;  // events of the user the model saw
  std::shared_ptr<const ModelVersion> model;
};

class Service {
 public:
  // Reads the catalogue, every user's recent history and item counts from `store`, then hands
  // the store to the writer thread.
  explicit Service(std::unique_ptr<Store> store, ServiceOptions options = {});
  ~Service();

  // Loads a model folder as a new version (registered in the store) and makes it current.
  int64_t load_model(const std::string& dir, const std::vector<std::string>& fallback_items = {});
  // The store's active model folder at start ("" when none).
  const std::string& active_model_path() const { return active_path_; }
  bool rollback(int64_t version);

  RecommendResult recommend(const RecommendRequest& request) const;
  std::vector<Recommendation> similar(const std::string& item, int k) const;
  // Why the live model ranks `item` for `user`: 404 for an unknown user or item, or an item
  // the model has not learnt.
  ExplainResult explain(const std::string& user, const std::string& item) const;
  // Validates every event first: a batch is stored whole or not at all. Returns the count.
  size_t feedback(std::vector<StoreEvent> events);
  void put_item(const StoreItem& item);
  void delete_item(const std::string& id);
  // Removes the user from the store and from memory; returns the events removed.
  int64_t delete_user(const std::string& id);
  // Finishes queued writes and stops accepting new ones.
  void shutdown() { writes_.stop(); }

  const Catalog& catalog() const { return catalog_; }
  const LiveModel& live() const { return live_; }
  const UserState& users() const { return users_; }
  size_t write_queue_depth() const { return writes_.depth(); }
  uint64_t commits() const { return writes_.commits(); }
  int max_k() const { return options_.max_k; }
  // Changes with every model swap and catalogue change (what all answers depend on).
  uint64_t epoch() const { return epoch_.load(); }

 private:
  std::shared_ptr<const ModelVersion> model() const;
  // The user's recent history in the model's item indices.
  UserContext context_of(const std::string& user, const ModelVersion& m) const;
  void add_reasons(const ModelVersion& m, const UserContext& ctx, Reasons reasons,
                   std::vector<Recommendation>& list) const;
  void load_state(Store& store);
  // Appends `n` items of `pool` drawn by the bandit to `list`.
  void explore(const std::string& user, std::vector<Recommendation>& list,
               const std::vector<Recommendation>& pool, int n) const;
  std::vector<Recommendation> fill(std::vector<Recommendation> list, int k,
                                   const std::function<bool(int32_t)>& keep) const;

  ServiceOptions options_;
  Catalog catalog_;
  UserState users_;
  LiveModel live_;
  std::string active_path_;
  std::atomic<uint64_t> epoch_{1};
  mutable ThompsonBandit bandit_;
  WriteQueue writes_;
};

}  // namespace lmrec
