#include "store/sqlite.h"

#include <sqlite3.h>

#include "core/errors.h"

namespace lmrec::sql {

Db::Db(const std::string& path) : path_(path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    LMREC_THROW(IoError, "cannot open store " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // A writer from another process (lmrec import while serving) waits instead of failing.
  sqlite3_busy_timeout(db_, 5000);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::fail(const std::string& what) const {
  LMREC_THROW(IoError, "store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    LMREC_THROW(IoError, "store " + path_ + ": " + msg + " in: " + sql.substr(0, 80));
  }
}

int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

Stmt::Stmt(Db& db, const std::string& sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare '" + sql + "'");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int pos, int64_t v) {
  if (sqlite3_bind_int64(stmt_, pos, v) != SQLITE_OK) db_.fail("bind in '" + sql_ + "'");
  return *this;
}

Stmt& Stmt::bind(int pos, double v) {
  if (sqlite3_bind_double(stmt_, pos, v) != SQLITE_OK) db_.fail("bind in '" + sql_ + "'");
  return *this;
}

Stmt& Stmt::bind(int pos, std::string_view v) {
  if (sqlite3_bind_text(stmt_, pos, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    db_.fail("bind in '" + sql_ + "'");
  return *this;
}

Stmt& Stmt::bind_null(int pos) {
  if (sqlite3_bind_null(stmt_, pos) != SQLITE_OK) db_.fail("bind in '" + sql_ + "'");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    reset();
    return false;
  }
  sqlite3_reset(stmt_);
  db_.fail("'" + sql_ + "'");
}

void Stmt::run() {
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Stmt::i64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::f64(int col) const { return sqlite3_column_double(stmt_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

}  // namespace lmrec::sql
