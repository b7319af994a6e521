// The event and catalogue store behind one interface: items, users, events and the registry of
// trained models. A write that returns has been made durable; a Transaction groups writes into
// one durable commit (nested transactions become savepoints).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace lmrec {

struct StoreItem {
  std::string id;  // the raw item id
  std::string title, text;
  std::vector<std::string> categories;
  Attributes attributes;
  bool deleted = false;
};

struct StoreEvent {
  std::string user, item;
  std::string type;  // empty when the data has no event types
  float value = 1.0f;
  int64_t time = 0;
  int64_t seq = 0;  // assigned by the store in append order; ignored on append
};

struct ModelEntry {
  int64_t version = 0;
  std::string name, path;
  int64_t created = 0;  // Unix seconds
  bool active = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes. Outside a Transaction each call commits on its own.
  virtual void append_events(std::span<const StoreEvent> events) = 0;
  virtual void upsert_item(const StoreItem& item) = 0;
  // Marks the item deleted (its events stay as history); false when unknown.
  virtual bool delete_item(const std::string& id) = 0;
  virtual void upsert_user(const std::string& id, const Attributes& attributes) = 0;
  // Removes the user and every event of theirs; returns the number of events removed.
  virtual int64_t delete_user(const std::string& id) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;

  // Reads, in insertion order.
  virtual void for_each_item(const std::function<void(const StoreItem&)>& fn) = 0;
  virtual void for_each_user(
      const std::function<void(const std::string&, const Attributes&)>& fn) = 0;
  virtual void for_each_event(const std::function<void(const StoreEvent&)>& fn) = 0;
  virtual std::optional<StoreItem> item(const std::string& id) = 0;
  virtual std::vector<StoreEvent> user_events(const std::string& user) = 0;
  virtual int64_t count_events() = 0;
  virtual std::string meta(const std::string& key, const std::string& fallback) = 0;

  // The model registry: versions grow; at most one is active.
  virtual int64_t register_model(const std::string& name, const std::string& path) = 0;
  virtual void activate_model(int64_t version) = 0;
  virtual std::vector<ModelEntry> models() = 0;

  virtual int schema_version() = 0;

  // Transactions; prefer the Transaction guard.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

// Commits on commit(); rolls back when destroyed without it (an exception on the way).
class Transaction {
 public:
  explicit Transaction(Store& store) : store_(store) { store_.begin(); }
  ~Transaction() {
    if (!done_) store_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    done_ = true;
    store_.commit();
  }

 private:
  Store& store_;
  bool done_ = false;
};

struct StoreOptions {
  // FULL syncs the write-ahead log on every commit, so an acknowledged write survives a crash
  // of the process and of the machine.
  bool synchronous_full = true;
};

// Opens (creating when absent) a SQLite store in WAL mode and brings its schema up to date.
std::unique_ptr<Store> open_store(const std::string& path, const StoreOptions& options = {});

}  // namespace lmrec
