#include "data/recbole_reader.h"

#include <algorithm>
#include <filesystem>

#include "data/column_roles.h"
#include "data/delimited_reader.h"
#include "data/text_fields.h"

namespace lmrec {

namespace fs = std::filesystem;

namespace {

DelimitedLayout recbole_layout() {
  DelimitedLayout layout;
  layout.dialect = Dialect{'\t', false};
  layout.typed_header = true;
  return layout;
}

// Where each kind of item field is, found from the .item header.
struct ItemFields {
  int id = -1, title = -1;
  std::vector<int> categories, text, attributes;
  std::vector<bool> sequence;  // per column: a token_seq, split at spaces
  size_t count = 0;
};

bool is_one_of(const std::string& name, std::initializer_list<const char*> names) {
  std::string lower = ascii_lower(name);
  for (const char* n : names)
    if (lower == n) return true;
  return false;
}

ItemFields item_fields(const DelimitedRecords& header, const std::vector<std::string>& names,
                       const std::string& id_name) {
  ItemFields f;
  f.count = names.size();
  f.id = require_column(names, id_name, header.file(), header.line());
  f.title = find_any_column(names, {"movie_title", "title", "name", "item_name"});
  for (size_t k = 0; k < names.size(); ++k) {
    std::string_view cell = header[k];
    f.sequence.push_back(cell.substr(cell.find(':') + 1).starts_with("token_seq"));
    int col = static_cast<int>(k);
    if (col == f.id || col == f.title) continue;
    if (is_one_of(names[k], {"genre", "genres", "class", "category", "categories"}))
      f.categories.push_back(col);
    else if (is_one_of(names[k], {"description", "text", "summary", "plot", "overview"}))
      f.text.push_back(col);
    else
      f.attributes.push_back(col);
  }
  return f;
}

// A field of a side record; records may stop early, the missing fields read as empty.
std::string_view side_field(const DelimitedRecords& rec, int k) {
  return k >= 0 && static_cast<size_t>(k) < rec.size() ? trim(rec[k]) : std::string_view();
}

void check_side_record(const DelimitedRecords& rec, size_t count, int id) {
  if (rec.size() > count)
    LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(count),
                      "expected at most " + std::to_string(count) +
                          " fields as in the header, got " + std::to_string(rec.size()));
  if (!is_valid_utf8(rec.raw()))
    for (size_t k = 0; k < rec.size(); ++k)
      if (!is_valid_utf8(rec[k]))
        LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(k),
                          "expected UTF-8 text, got " + quote_text(rec[k]));
  if (side_field(rec, id).empty())
    LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(id),
                      "expected an id, got an empty field");
}

void add_categories(const ItemFields& f, const DelimitedRecords& rec, Catalogue& catalogue,
                    int32_t item) {
  for (int k : f.categories) {
    std::string_view v = side_field(rec, k);
    auto parts = f.sequence[k] ? split_fields(v, ' ') : std::vector<std::string_view>{v};
    for (auto part : parts)
      if (!trim(part).empty())
        catalogue.categories[item].push_back(catalogue.category_names.intern(trim(part)));
  }
}

void parse_item(const ItemFields& f, const DelimitedRecords& rec, RecordSink& sink) {
  check_side_record(rec, f.count, f.id);
  Catalogue& catalogue = sink.data().catalogue;
  int32_t item = sink.data().items.find(side_field(rec, f.id));
  if (item < 0) return sink.unused();
  if (f.title >= 0) catalogue.title[item] = std::string(side_field(rec, f.title));
  catalogue.categories[item].clear();
  add_categories(f, rec, catalogue, item);
  for (int k : f.text) {
    std::string_view v = side_field(rec, k);
    if (v.empty()) continue;
    std::string& text = catalogue.text[item];
    text += (text.empty() ? "" : "\n") + std::string(v);
  }
  for (int k : f.attributes)
    if (!side_field(rec, k).empty())
      catalogue.attributes[item][rec.field_name(k)] = std::string(side_field(rec, k));
}

void read_items(const std::string& path, const std::string& id_name, RecordSink& sink) {
  ItemFields fields;
  auto header = [&](const DelimitedRecords& rec, const std::vector<std::string>& names) {
    fields = item_fields(rec, names, id_name);
  };
  read_delimited_side(path, recbole_layout(), sink, header,
                      [&](const DelimitedRecords& rec) { parse_item(fields, rec, sink); });
}

void read_users(const std::string& path, const std::string& id_name, RecordSink& sink) {
  int id = -1;
  size_t count = 0;
  auto header = [&](const DelimitedRecords& rec, const std::vector<std::string>& names) {
    id = require_column(names, id_name, path, rec.line());
    count = names.size();
  };
  read_delimited_side(path, recbole_layout(), sink, header, [&](const DelimitedRecords& rec) {
    check_side_record(rec, count, id);
    int32_t user = sink.data().users.find(side_field(rec, id));
    if (user < 0) return sink.unused();
    for (size_t k = 0; k < rec.size(); ++k)
      if (static_cast<int>(k) != id && !side_field(rec, k).empty())
        sink.data().user_attributes[user][rec.field_name(k)] = std::string(side_field(rec, k));
  });
}

}  // namespace

std::string find_inter_file(const std::string& folder) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".inter")
      found.push_back(entry.path().string());
  if (found.size() == 1) return found[0];
  if (found.empty()) LMREC_THROW(ConfigError, "no RecBole .inter file in '" + folder + "'");
  std::sort(found.begin(), found.end());
  std::string list;
  for (const auto& f : found) list += "\n  " + f;
  LMREC_THROW(ConfigError, "several RecBole .inter files in '" + folder +
                               "'; pass the one to read as the input:" + list);
}

void read_recbole(const std::string& input, RecordSink& sink) {
  std::string inter = fs::is_directory(input) ? find_inter_file(input) : input;
  DelimitedLayout layout = recbole_layout();
  layout.columns = sink.options().columns;
  read_delimited_interactions(inter, layout, sink);
  size_side_info(sink.data());
  ColumnRoles roles = parse_column_roles(sink.report().columns);
  fs::path stem = fs::path(inter).replace_extension();
  std::string items = stem.string() + ".item", users = stem.string() + ".user";
  if (file_exists(items)) read_items(items, roles.item, sink);
  if (file_exists(users)) read_users(users, roles.user, sink);
}

}  // namespace lmrec
