// Thin RAII over the SQLite C API: a connection and prepared statements. Every failure becomes
// an IoError naming the database file and SQLite's own message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace lmrec::sql {

class Db {
 public:
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  // Runs one or more statements without results.
  void exec(const std::string& sql);
  int64_t last_insert_id() const;
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  // Binds by 1-based position; returns *this for chaining.
  Stmt& bind(int pos, int64_t v);
  Stmt& bind(int pos, double v);
  Stmt& bind(int pos, std::string_view v);
  Stmt& bind_null(int pos);
  // Advances; true while a row is available. Resets automatically when done.
  bool step();
  // Runs a statement without results and resets it for reuse.
  void run();
  void reset();
  int64_t i64(int col) const;
  double f64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

}  // namespace lmrec::sql
