// Where every reader sends what it parsed: interns ids, appends interaction rows, counts records
// for the ReadReport, applies the on-error policy and logs rejects. Readers parse and check a
// whole record before handing any of it over, so a rejected record leaves no trace.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "core/errors.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "data/reader.h"
#include "data/text_file.h"

namespace lmrec {

class RecordSink {
 public:
  RecordSink(Dataset& data, const ReadOptions& options, ReadReport& report, Progress& progress);

  Dataset& data() { return data_; }
  const ReadOptions& options() const { return options_; }
  ReadReport& report() { return report_; }

  // Starts reading an interaction file; `text_size` sizes the row buffers.
  void begin_interactions(const std::string& path, size_t text_size, double bytes_per_record);
  // Starts reading a side file (item catalogue, user attributes, tags).
  void begin_side(const std::string& path);
  void end_file();

  // Appends one interaction. `event` is an id from event_id(), or -1 when there are no events.
  void add(std::string_view user, std::string_view item, float value, int64_t time,
           int32_t event = -1);
  // The next input-order position, used as the time of data without timestamps.
  int64_t next_order() { return order_++; }
  // The id of an event type; throws InputError past the 32767 types rows.event can hold.
  int32_t event_id(std::string_view name, const std::string& file, int64_t line,
                   const std::string& field);

  // One record of the current file was used.
  void accept();
  // One side record named a user or item absent from the interactions.
  void unused();
  // One record of the current file is malformed: rethrows `error` under OnError::kFail,
  // otherwise counts it and logs it with its raw text.
  void reject(const InputError& error, std::string_view raw);

 private:
  void flush_progress();
  Dataset& data_;
  const ReadOptions& options_;
  ReadReport& report_;
  Progress& progress_;
  std::ofstream rejects_;
  bool side_ = false;
  int64_t order_ = 0, pending_ = 0;
  std::string last_user_;  // ratings files are grouped by user: skip the lookup on a repeat
  int32_t last_user_id_ = -1;
};

// Runs `parse` on one record and routes an InputError from it to sink.reject(); counts the
// record as accepted when `parse` returns normally.
template <typename Parse>
void guarded(RecordSink& sink, std::string_view raw, Parse&& parse) {
  try {
    parse();
    sink.accept();
  } catch (const InputError& e) {
    sink.reject(e, raw);
  }
}

// True when `path` names an existing regular file.
bool file_exists(const std::string& path);

// Reads a side file line by line: skips blank lines and hands each other line, with its number,
// to `parse` under guarded(). Returns false, reading nothing, when the file does not exist.
template <typename Parse>
bool read_side_lines(const std::string& path, RecordSink& sink, Parse&& parse) {
  if (!file_exists(path)) return false;
  TextFile file(path);
  LineCursor lines(file.text());
  sink.begin_side(path);
  std::string_view line;
  while (lines.next(line))
    if (!is_blank(line)) guarded(sink, line, [&] { parse(lines.line_number(), line); });
  sink.end_file();
  return true;
}

// Sizes the catalogue and user attributes to the id maps, so side files can fill them in
// before the dataset is finalized.
void size_side_info(Dataset& data);

}  // namespace lmrec
