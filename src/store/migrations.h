// Versioned schema: an ordered list of migrations, each applied once in its own transaction and
// recorded in `schema_version`. A store written by a newer build is refused.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite.h"

namespace lmrec {

struct Migration {
  int version;
  std::string sql;
};

// Every migration, oldest first; versions are 1, 2, ... without gaps.
const std::vector<Migration>& store_migrations();

// Applies the migrations newer than the store's version; returns the resulting version.
int migrate(sql::Db& db, const std::vector<Migration>& migrations);

}  // namespace lmrec
