// Interactions from a delimited file with any column layout: generic CSV/TSV, and the
// interaction files of MovieLens and RecBole, which are delimited files with known layouts.
#pragma once

#include <string>
#include <vector>

#include "data/delimited_records.h"
#include "data/record_sink.h"
#include "data/text_file.h"

namespace lmrec {

struct DelimitedLayout {
  Dialect dialect;
  bool header = true;
  // Column names of a file without a header; when empty they are "1", "2", ... so that roles
  // can name columns by position.
  std::vector<std::string> names;
  // Role spec ("user=userId,item=movieId"); empty: recognised from the column names.
  std::string columns;
  // Header cells are RecBole "name:type"; the type is dropped from the name.
  bool typed_header = false;
};

// Reads every record of `path` as one interaction. With a header, a record must have exactly
// as many fields as the header; without one, at least up to the last column used. Values
// default to 1 and times to input order when the layout has no such column; the dataset's
// explicit_values and has_times say which.
void read_delimited_interactions(const std::string& path, const DelimitedLayout& layout,
                                 RecordSink& sink);

// The column names of a header record, with RecBole types stripped when `typed`.
std::vector<std::string> header_names(const std::vector<std::string_view>& fields, bool typed);

// Reads a side file (catalogue, attributes, tags) with a header under the sink's error policy:
// `on_header(records, names)` once, where a missing column throws whatever the policy, then
// `on_record(records)` for every record, under guarded().
template <typename OnHeader, typename OnRecord>
void read_delimited_side(const std::string& path, const DelimitedLayout& layout, RecordSink& sink,
                         OnHeader&& on_header, OnRecord&& on_record) {
  TextFile file(path);
  DelimitedRecords records(file.text(), layout.dialect, path);
  sink.begin_side(path);
  if (!records.next()) return sink.end_file();
  auto names = header_names(records.fields(), layout.typed_header);
  records.set_names(names);
  on_header(records, names);
  for (;;) {
    try {
      if (!records.next()) break;
    } catch (const InputError& e) {
      sink.reject(e, records.raw());
      continue;
    }
    guarded(sink, records.raw(), [&] { on_record(records); });
  }
  sink.end_file();
}

}  // namespace lmrec
