// The SQLite store: WAL journal so readers never block the writer, synchronous=FULL so every
// commit reaches the disk before it returns, foreign keys on, prepared statements reused.
// One Store object is used by one thread at a time.
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/json_depth.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace lmrec {
namespace {

std::string to_json_text(const Attributes& a) { return nlohmann::json(a).dump(); }
std::string to_json_text(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

template <typename T>
T from_json_text(const std::string& text) {
  try {
    return parse_json_bounded(text, "stored JSON").get<T>();
  } catch (const nlohmann::json::exception&) {
    return T{};
  } catch (const FormatError&) {
    return T{};
  }
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SqliteStore : public Store {
 public:
  SqliteStore(const std::string& path, const StoreOptions& options) : db_(path) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    // Deleted users' data is overwritten, not merely unlinked.
    db_.exec("PRAGMA secure_delete=ON");
    version_ = migrate(db_, store_migrations());
    prepared_ = std::make_unique<Prepared>(db_);
  }

  ~SqliteStore() override {
    while (depth_ > 0) rollback();
    try {
      db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const Error&) {
      // Another connection may hold the database; the log is replayed on the next open.
    }
  }

  void append_events(std::span<const StoreEvent> events) override {
    Transaction t(*this);
    for (const auto& e : events) {
      int64_t u = user_id(e.user, true), i = item_id(e.item, true);
      auto& ins = prepared_->insert_event;
      ins.bind(1, u).bind(2, i).bind(3, e.type).bind(4, static_cast<double>(e.value));
      ins.bind(5, e.time).run();
    }
    t.commit();
  }

  void upsert_item(const StoreItem& item) override {
    Transaction t(*this);
    sql::Stmt s(db_,
                "INSERT INTO items(name, title, text, categories, attributes, deleted) "
                "VALUES(?,?,?,?,?,0) ON CONFLICT(name) DO UPDATE SET title=excluded.title, "
                "text=excluded.text, categories=excluded.categories, "
                "attributes=excluded.attributes, deleted=0");
    s.bind(1, item.id).bind(2, item.title).bind(3, item.text);
    s.bind(4, to_json_text(item.categories)).bind(5, to_json_text(item.attributes)).run();
    t.commit();
  }

  bool delete_item(const std::string& id) override {
    Transaction t(*this);
    sql::Stmt s(db_, "UPDATE items SET deleted=1 WHERE name=?");
    s.bind(1, id).run();
    bool found = db_.changes() > 0;
    t.commit();
    return found;
  }

  void upsert_user(const std::string& id, const Attributes& attributes) override {
    Transaction t(*this);
    sql::Stmt s(db_,
                "INSERT INTO users(name, attributes) VALUES(?,?) ON CONFLICT(name) DO UPDATE "
                "SET attributes=excluded.attributes");
    s.bind(1, id).bind(2, to_json_text(attributes)).run();
    t.commit();
  }

  int64_t delete_user(const std::string& id) override {
    Transaction t(*this);
    int64_t u = user_id(id, false), removed = 0;
    if (u >= 0) {
      sql::Stmt e(db_, "DELETE FROM events WHERE user_id=?");
      e.bind(1, u).run();
      removed = db_.changes();
      sql::Stmt s(db_, "DELETE FROM users WHERE id=?");
      s.bind(1, u).run();
    }
    t.commit();
    return removed;
  }

  void set_meta(const std::string& key, const std::string& value) override {
    Transaction t(*this);
    sql::Stmt s(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
    s.bind(1, key).bind(2, value).run();
    t.commit();
  }

  void for_each_item(const std::function<void(const StoreItem&)>& fn) override {
    sql::Stmt s(db_, "SELECT " + kItemColumns + " FROM items ORDER BY id");
    while (s.step()) fn(read_item(s));
  }

  void for_each_user(
      const std::function<void(const std::string&, const Attributes&)>& fn) override {
    sql::Stmt s(db_, "SELECT name, attributes FROM users ORDER BY id");
    while (s.step()) fn(s.text(0), from_json_text<Attributes>(s.text(1)));
  }

  void for_each_event(const std::function<void(const StoreEvent&)>& fn) override {
    sql::Stmt s(db_, kEventSelect + " ORDER BY e.id");
    while (s.step()) fn(read_event(s));
  }

  std::optional<StoreItem> item(const std::string& id) override {
    sql::Stmt s(db_, "SELECT " + kItemColumns + " FROM items WHERE name=?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    StoreItem out = read_item(s);
    s.reset();
    return out;
  }

  std::vector<StoreEvent> user_events(const std::string& user) override {
    std::vector<StoreEvent> out;
    sql::Stmt s(db_, kEventSelect + " WHERE u.name=? ORDER BY e.time, e.id");
    s.bind(1, user);
    while (s.step()) out.push_back(read_event(s));
    return out;
  }

  int64_t count_events() override {
    sql::Stmt s(db_, "SELECT COUNT(*) FROM events");
    s.step();
    int64_t n = s.i64(0);
    s.reset();
    return n;
  }

  std::string meta(const std::string& key, const std::string& fallback) override {
    sql::Stmt s(db_, "SELECT value FROM meta WHERE key=?");
    s.bind(1, key);
    if (!s.step()) return fallback;
    std::string v = s.text(0);
    s.reset();
    return v;
  }

  int64_t register_model(const std::string& name, const std::string& path) override {
    Transaction t(*this);
    sql::Stmt s(db_, "INSERT INTO models(name, path, created) VALUES(?,?,?)");
    s.bind(1, name).bind(2, path).bind(3, now_seconds()).run();
    int64_t version = db_.last_insert_id();
    t.commit();
    return version;
  }

  void activate_model(int64_t version) override {
    Transaction t(*this);
    sql::Stmt check(db_, "SELECT 1 FROM models WHERE version=?");
    check.bind(1, version);
    if (!check.step()) LMREC_THROW(UsageError, "no model version " + std::to_string(version));
    check.reset();
    db_.exec("UPDATE models SET active=0 WHERE active=1");
    sql::Stmt s(db_, "UPDATE models SET active=1 WHERE version=?");
    s.bind(1, version).run();
    t.commit();
  }

  std::vector<ModelEntry> models() override {
    std::vector<ModelEntry> out;
    sql::Stmt s(db_, "SELECT version, name, path, created, active FROM models ORDER BY version");
    while (s.step()) out.push_back({s.i64(0), s.text(1), s.text(2), s.i64(3), s.i64(4) != 0});
    return out;
  }

  int schema_version() override { return version_; }

  void begin() override {
    db_.exec(depth_ == 0 ? std::string("BEGIN IMMEDIATE")
                         : "SAVEPOINT sp" + std::to_string(depth_));
    ++depth_;
  }

  void commit() override {
    if (depth_ == 0) LMREC_THROW(UsageError, "commit without a transaction");
    --depth_;
    db_.exec(depth_ == 0 ? std::string("COMMIT") : "RELEASE sp" + std::to_string(depth_));
  }

  void rollback() override {
    if (depth_ == 0) return;
    --depth_;
    if (depth_ == 0)
      db_.exec("ROLLBACK");
    else
      db_.exec("ROLLBACK TO sp" + std::to_string(depth_) + "; RELEASE sp" + std::to_string(depth_));
  }

 private:
  inline static const std::string kItemColumns =
      "name, title, text, categories, attributes, deleted";
  inline static const std::string kEventSelect =
      "SELECT u.name, i.name, e.type, e.value, e.time, e.id FROM events e "
      "JOIN users u ON u.id=e.user_id JOIN items i ON i.id=e.item_id";

  static StoreItem read_item(const sql::Stmt& s) {
    StoreItem it;
    it.id = s.text(0);
    it.title = s.text(1);
    it.text = s.text(2);
    it.categories = from_json_text<std::vector<std::string>>(s.text(3));
    it.attributes = from_json_text<Attributes>(s.text(4));
    it.deleted = s.i64(5) != 0;
    return it;
  }

  static StoreEvent read_event(const sql::Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), static_cast<float>(s.f64(3)), s.i64(4), s.i64(5)};
  }

  // The row id of a user or item name; inserts it when `create`, else -1 when absent.
  int64_t lookup(sql::Stmt& find, sql::Stmt& insert, const std::string& name, bool create) {
    find.bind(1, name);
    if (find.step()) {
      int64_t id = find.i64(0);
      find.reset();
      return id;
    }
    if (!create) return -1;
    insert.bind(1, name).run();
    return db_.last_insert_id();
  }
  int64_t user_id(const std::string& name, bool create) {
    return lookup(prepared_->find_user, prepared_->insert_user, name, create);
  }
  int64_t item_id(const std::string& name, bool create) {
    return lookup(prepared_->find_item, prepared_->insert_item, name, create);
  }

  // The statements of the hot write path, prepared once the schema exists.
  struct Prepared {
    explicit Prepared(sql::Db& db)
        : find_user(db, "SELECT id FROM users WHERE name=?"),
          insert_user(db, "INSERT INTO users(name) VALUES(?)"),
          find_item(db, "SELECT id FROM items WHERE name=?"),
          insert_item(db, "INSERT INTO items(name) VALUES(?)"),
          insert_event(db,
                       "INSERT INTO events(user_id, item_id, type, value, time) "
                       "VALUES(?,?,?,?,?)") {}
    sql::Stmt find_user, insert_user, find_item, insert_item, insert_event;
  };

  sql::Db db_;
  int version_ = 0;
  int depth_ = 0;
  std::unique_ptr<Prepared> prepared_;
};

}  // namespace

std::unique_ptr<Store> open_store(const std::string& path, const StoreOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace lmrec
