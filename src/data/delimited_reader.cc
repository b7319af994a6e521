#include "data/delimited_reader.h"

#include <algorithm>

#include "data/column_roles.h"
#include "data/text_fields.h"
#include "data/text_file.h"

namespace lmrec {

namespace {

// The column layout resolved against the file: where each role is and what a record must hold.
struct Shape {
  ColumnIndex col;
  size_t exact = 0;   // with a header: the number of fields every record has
  size_t needed = 0;  // without one: the fields up to the last column used
};

[[noreturn]] void fail(const DelimitedRecords& rec, size_t field, const std::string& problem) {
  LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(field), problem);
}

void check_shape(const DelimitedRecords& rec, const Shape& shape) {
  size_t want = shape.exact ? shape.exact : shape.needed;
  if (rec.size() < want)
    fail(rec, rec.size(),
         "missing: the record has " + std::to_string(rec.size()) + " fields, expected " +
             std::to_string(want));
  if (shape.exact && rec.size() > shape.exact)
    fail(rec, shape.exact,
         "expected " + std::to_string(shape.exact) + " fields as in the header, got " +
             std::to_string(rec.size()));
}

// Names the first id field that is not UTF-8; called only when the raw record is not.
void check_utf8(const DelimitedRecords& rec, const Shape& shape) {
  for (int k : {shape.col.user, shape.col.item, shape.col.event})
    if (k >= 0 && !is_valid_utf8(rec[k]))
      fail(rec, k, "expected UTF-8 text, got " + quote_text(rec[k]));
}

std::string_view id_field(const DelimitedRecords& rec, int k) {
  std::string_view v = trim(rec[k]);
  if (v.empty()) fail(rec, k, "expected an id, got an empty field");
  if (has_control_char(v))
    fail(rec, k, "expected an id without control characters, got " + quote_text(v));
  return v;
}

void parse_interaction(const DelimitedRecords& rec, const Shape& shape, RecordSink& sink) {
  check_shape(rec, shape);
  if (!is_valid_utf8(rec.raw())) check_utf8(rec, shape);
  const ColumnIndex& col = shape.col;
  std::string_view user = id_field(rec, col.user), item = id_field(rec, col.item);
  float value = 1.0f;
  if (col.value >= 0 && !parse_float(rec[col.value], value))
    fail(rec, col.value, "expected a finite number, got " + quote_text(rec[col.value]));
  int64_t time = 0;
  if (col.time >= 0 && !parse_time(rec[col.time], time))
    fail(rec, col.time,
         "expected a unix time or an ISO-8601 date, got " + quote_text(rec[col.time]));
  int32_t event = -1;
  if (col.event >= 0)
    event =
        sink.event_id(id_field(rec, col.event), rec.file(), rec.line(), rec.field_name(col.event));
  if (col.time < 0) time = sink.next_order();
  sink.add(user, item, value, time, event);
}

// Column names: the header's, the layout's, or positions "1".."n" counted on the first record.
std::vector<std::string> column_names(DelimitedRecords& records, const DelimitedLayout& layout,
                                      std::string_view text) {
  if (layout.header) {
    if (!records.next())
      LMREC_THROW_INPUT(records.file(), 1, "header", "expected a header line, the file is empty");
    auto names = header_names(records.fields(), layout.typed_header);
    records.set_names(names);
    return names;
  }
  if (!layout.names.empty()) {
    records.set_names(layout.names);
    return layout.names;
  }
  DelimitedRecords peek(text, layout.dialect, records.file());
  std::vector<std::string> names;
  if (peek.next())
    for (size_t k = 0; k < peek.size(); ++k) names.push_back(std::to_string(k + 1));
  return names;
}

Shape make_shape(const ColumnIndex& col, const DelimitedLayout& layout, size_t n_names) {
  Shape shape;
  shape.col = col;
  if (layout.header) shape.exact = n_names;
  int last = std::max({col.user, col.item, col.value, col.time, col.event});
  shape.needed = static_cast<size_t>(last + 1);
  return shape;
}

}  // namespace

std::vector<std::string> header_names(const std::vector<std::string_view>& fields, bool typed) {
  std::vector<std::string> names;
  for (auto f : fields) {
    std::string_view name = trim(f);
    if (typed) name = name.substr(0, name.find(':'));
    names.emplace_back(name);
  }
  return names;
}

void read_delimited_interactions(const std::string& path, const DelimitedLayout& layout,
                                 RecordSink& sink) {
  TextFile file(path);
  DelimitedRecords records(file.text(), layout.dialect, path);
  auto names = column_names(records, layout, file.text());
  ColumnRoles roles = choose_roles(layout.columns, names, path);
  int64_t header_line = layout.header ? records.line() : 0;
  Shape shape = make_shape(resolve_columns(roles, names, path, header_line), layout, names.size());

  Dataset& data = sink.data();
  data.explicit_values = shape.col.value >= 0;
  data.has_times = shape.col.time >= 0;
  sink.report().columns = describe(roles);
  sink.begin_interactions(path, file.text().size(), bytes_per_line(file.text()));
  for (;;) {
    try {
      if (!records.next()) break;
    } catch (const InputError& e) {
      sink.reject(e, records.raw());
      continue;
    }
    guarded(sink, records.raw(), [&] { parse_interaction(records, shape, sink); });
  }
  sink.end_file();
}

}  // namespace lmrec
