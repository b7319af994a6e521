#include "data/column_roles.h"

#include <algorithm>
#include <set>

#include "core/errors.h"
#include "data/text_fields.h"

namespace lmrec {

namespace {

struct RoleSlot {
  const char* role;
  std::string ColumnRoles::*name;
  std::set<std::string> known;  // lower-case well-known column names
};

const std::vector<RoleSlot>& role_slots() {
  static const std::vector<RoleSlot> slots = {
      {"user", &ColumnRoles::user, {"user", "user_id", "userid", "user id"}},
      {"item", &ColumnRoles::item, {"item", "item_id", "itemid", "item id", "movieid", "movie_id"}},
      {"value", &ColumnRoles::value, {"rating", "value"}},
      {"time", &ColumnRoles::time, {"timestamp", "time"}},
      {"event", &ColumnRoles::event, {"event", "event_type"}},
  };
  return slots;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A hint for a header that reads as one column: the delimiter is probably another one.
std::string delimiter_hint(const std::vector<std::string>& names) {
  if (names.size() != 1) return "";
  for (char d : std::string(",\t;|")) {
    if (names[0].find(d) != std::string::npos) {
      std::string shown = d == '\t' ? "\\t" : std::string(1, d);
      return "; the header reads as one column, is the delimiter '" + shown + "'?";
    }
  }
  return "";
}

}  // namespace

ColumnRoles parse_column_roles(const std::string& spec) {
  ColumnRoles roles;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = std::min(spec.find(',', pos), spec.size());
    std::string part(trim(std::string_view(spec).substr(pos, comma - pos)));
    pos = comma + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq + 1 == part.size())
      LMREC_THROW(ConfigError, "columns: expected role=column, got '" + part + "'");
    std::string role(trim(std::string_view(part).substr(0, eq)));
    std::string name(trim(std::string_view(part).substr(eq + 1)));
    const auto& slots = role_slots();
    auto slot =
        std::find_if(slots.begin(), slots.end(), [&](const RoleSlot& s) { return role == s.role; });
    if (slot == slots.end())
      LMREC_THROW(ConfigError,
                  "columns: unknown role '" + role + "' (roles: user, item, value, time, event)");
    if (!(roles.*(slot->name)).empty())
      LMREC_THROW(ConfigError, "columns: role '" + role + "' given twice");
    roles.*(slot->name) = name;
  }
  return roles;
}

ColumnRoles recognise_columns(const std::vector<std::string>& names, const std::string& file) {
  ColumnRoles roles;
  for (const auto& slot : role_slots()) {
    for (const auto& name : names) {
      if (!slot.known.count(ascii_lower(trim(name)))) continue;
      if (!(roles.*(slot.name)).empty())
        LMREC_THROW(ConfigError, file + ": columns '" + roles.*(slot.name) + "' and '" + name +
                                     "' could both be the " + slot.role +
                                     "; pick one with columns=" + slot.role + "=NAME");
      roles.*(slot.name) = name;
    }
  }
  return roles;
}

ColumnRoles choose_roles(const std::string& spec, const std::vector<std::string>& names,
                         const std::string& file) {
  ColumnRoles roles = spec.empty() ? recognise_columns(names, file) : parse_column_roles(spec);
  if (!roles.user.empty() && !roles.item.empty()) return roles;
  std::string example = "user=" + (names.size() > 0 ? names[0] : std::string("1")) +
                        ",item=" + (names.size() > 1 ? names[1] : std::string("2"));
  LMREC_THROW(ConfigError, file + ": cannot tell which columns hold the user and the item" +
                               (spec.empty() ? ""
                                             : " (columns='" + spec + "' names no " +
                                                   (roles.user.empty() ? "user" : "item") + ")") +
                               "; the columns are: " + join(names) + delimiter_hint(names) +
                               ". Name them, e.g. columns=" + example);
}

std::string describe(const ColumnRoles& roles) {
  std::string out;
  for (const auto& slot : role_slots()) {
    const std::string& name = roles.*(slot.name);
    if (!name.empty()) out += (out.empty() ? "" : ",") + std::string(slot.role) + "=" + name;
  }
  return out;
}

namespace {

int find_column(const std::string& name, const std::vector<std::string>& names,
                const std::string& file, int64_t header_line) {
  if (name.empty()) return -1;
  for (size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return static_cast<int>(k);
  int found = -1, matches = 0;
  for (size_t k = 0; k < names.size(); ++k)
    if (ascii_lower(trim(names[k])) == ascii_lower(name)) found = static_cast<int>(k), ++matches;
  if (matches == 1) return found;
  if (header_line == 0)
    LMREC_THROW(ConfigError, file + ": no column '" + name + "'; the columns are: " + join(names));
  LMREC_THROW_INPUT(file, header_line, name, "missing column; the columns are: " + join(names));
}

}  // namespace

ColumnIndex resolve_columns(const ColumnRoles& roles, const std::vector<std::string>& names,
                            const std::string& file, int64_t header_line) {
  ColumnIndex index;
  index.user = find_column(roles.user, names, file, header_line);
  index.item = find_column(roles.item, names, file, header_line);
  index.value = find_column(roles.value, names, file, header_line);
  index.time = find_column(roles.time, names, file, header_line);
  index.event = find_column(roles.event, names, file, header_line);
  return index;
}

int require_column(const std::vector<std::string>& names, const std::string& name,
                   const std::string& file, int64_t header_line) {
  return find_column(name, names, file, header_line);
}

int find_any_column(const std::vector<std::string>& names,
                    const std::vector<std::string>& candidates) {
  for (const auto& want : candidates)
    for (size_t k = 0; k < names.size(); ++k)
      if (ascii_lower(trim(names[k])) == want) return static_cast<int>(k);
  return -1;
}

}  // namespace lmrec
