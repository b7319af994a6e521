#include "store/migrations.h"

#include "core/errors.h"

namespace lmrec {

const std::vector<Migration>& store_migrations() {
  static const std::vector<Migration> list = {
      {1, R"(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '', categories TEXT NOT NULL DEFAULT '[]',
  attributes TEXT NOT NULL DEFAULT '{}', deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE users (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, attributes TEXT NOT NULL DEFAULT '{}');
CREATE TABLE events (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  item_id INTEGER NOT NULL REFERENCES items(id), type TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL, time INTEGER NOT NULL);
CREATE INDEX events_by_user ON events(user_id, time);
)"},
      {2, R"(
CREATE TABLE models (
  version INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, path TEXT NOT NULL,
  created INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 0);
)"},
  };
  return list;
}

namespace {
int current_version(sql::Db& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  sql::Stmt q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.step();
  int v = static_cast<int>(q.i64(0));
  q.reset();
  return v;
}
}  // namespace

int migrate(sql::Db& db, const std::vector<Migration>& migrations) {
  int version = current_version(db);
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (version > latest)
    LMREC_THROW(FormatError, "store " + db.path() + " has schema version " +
                                 std::to_string(version) + ", this build knows up to " +
                                 std::to_string(latest));
  for (const auto& m : migrations) {
    if (m.version <= version) continue;
    if (m.version != version + 1)
      LMREC_THROW(UsageError, "migration " + std::to_string(m.version) + " follows version " +
                                  std::to_string(version));
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      db.exec("INSERT INTO schema_version(version) VALUES (" + std::to_string(m.version) + ")");
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
    version = m.version;
  }
  return version;
}

}  // namespace lmrec
