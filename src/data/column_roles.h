// Which column of a tabular record holds the user, item, value, time and event type: parsed
// from a spec like "user=userId,item=movieId" or recognised from well-known header names.
// Recognition only accepts unambiguous names, so a layout is never guessed silently wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lmrec {

// Column names per role; an empty name means the data has no such column.
struct ColumnRoles {
  std::string user, item, value, time, event;
};

// Parses "user=userId,item=movieId,value=rating,time=timestamp,event=type". Throws ConfigError
// on an unknown or repeated role, a missing '=' or an empty name.
ColumnRoles parse_column_roles(const std::string& spec);

// Roles from well-known names, compared case-insensitively: user/user_id/userId,
// item/item_id/itemId/movieId/movie_id, rating/value, timestamp/time, event/event_type.
// Throws ConfigError when two columns claim the same role.
ColumnRoles recognise_columns(const std::vector<std::string>& names, const std::string& file);

// The roles from `spec` when it is set, else recognised from `names`. Throws ConfigError that
// lists the columns and shows a `columns=` example when user or item stay unknown.
ColumnRoles choose_roles(const std::string& spec, const std::vector<std::string>& names,
                         const std::string& file);

// "user=userId,item=movieId,value=rating,time=timestamp"; roles without a column are left out.
std::string describe(const ColumnRoles& roles);

// Position of each role's column in a record, -1 when absent.
struct ColumnIndex {
  int user = -1, item = -1, value = -1, time = -1, event = -1;
};

// Looks up each role's column in `names` (exact match first, then a unique case-insensitive
// one). A named column that is absent is an InputError at the header line, or a ConfigError
// when the names do not come from the file (`header_line` 0).
ColumnIndex resolve_columns(const ColumnRoles& roles, const std::vector<std::string>& names,
                            const std::string& file, int64_t header_line);

// The position of column `name` in a side file's header; InputError at `header_line` when
// it is absent.
int require_column(const std::vector<std::string>& names, const std::string& name,
                   const std::string& file, int64_t header_line);
// The position of the first of `candidates` (case-insensitive) in `names`, -1 when none is.
int find_any_column(const std::vector<std::string>& names,
                    const std::vector<std::string>& candidates);

}  // namespace lmrec
