#include "data/record_sink.h"

#include <filesystem>
#include <limits>

namespace lmrec {

namespace {

constexpr int64_t kProgressBlock = 1 << 16;

// Escapes a field of the rejects log so that each reject stays on one line.
std::string escape_tsv(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\\')
      out += "\\\\";
    else
      out += c;
  }
  return out;
}

}  // namespace

RecordSink::RecordSink(Dataset& data, const ReadOptions& options, ReadReport& report,
                       Progress& progress)
    : data_(data), options_(options), report_(report), progress_(progress) {
  if (options.on_error != OnError::kSkip || options.rejects_path.empty()) return;
  rejects_.open(options.rejects_path, std::ios::binary | std::ios::trunc);
  if (!rejects_)
    LMREC_THROW(IoError, "cannot write the rejects file '" + options.rejects_path + "'");
  rejects_ << "file\tline\tfield\tproblem\traw\n";
}

void RecordSink::begin_interactions(const std::string& path, size_t text_size,
                                    double bytes_per_record) {
  side_ = false;
  report_.files.push_back(path);
  auto expected = static_cast<size_t>(static_cast<double>(text_size) / bytes_per_record * 1.05);
  data_.rows.reserve(static_cast<size_t>(data_.rows.size()) + expected + 16);
  progress_.start("import " + std::filesystem::path(path).filename().string(), 0, "lines");
}

void RecordSink::begin_side(const std::string& path) {
  side_ = true;
  report_.files.push_back(path);
}

void RecordSink::end_file() {
  if (side_) return;
  flush_progress();
  progress_.finish();
}

void RecordSink::add(std::string_view user, std::string_view item, float value, int64_t time,
                     int32_t event) {
  if (last_user_id_ < 0 || user != last_user_) {
    last_user_id_ = data_.users.intern(user);
    last_user_.assign(user);
  }
  data_.rows.push(last_user_id_, data_.items.intern(item), value, time);
  if (event >= 0) data_.rows.event.push_back(static_cast<int16_t>(event));
}

int32_t RecordSink::event_id(std::string_view name, const std::string& file, int64_t line,
                             const std::string& field) {
  int32_t id = data_.event_types.find(name);
  if (id >= 0) return id;
  if (data_.event_types.size() >= std::numeric_limits<int16_t>::max())
    LMREC_THROW_INPUT(file, line, field, "more than 32767 distinct event types");
  return data_.event_types.intern(name);
}

void RecordSink::accept() {
  if (side_) {
    ++report_.side_lines;
    return;
  }
  ++report_.lines;
  ++report_.accepted;
  if (++pending_ == kProgressBlock) flush_progress();
}

void RecordSink::unused() { ++report_.side_unused; }

void RecordSink::reject(const InputError& error, std::string_view raw) {
  if (options_.on_error == OnError::kFail) throw error;
  if (side_) {
    ++report_.side_lines;
    ++report_.side_rejected;
  } else {
    ++report_.lines;
    ++report_.rejected;
  }
  if (rejects_.is_open()) {
    rejects_ << escape_tsv(error.file()) << '\t' << error.line() << '\t'
             << escape_tsv(error.field()) << '\t' << escape_tsv(error.problem()) << '\t'
             << escape_tsv(raw) << '\n';
    if (!rejects_)
      LMREC_THROW(IoError, "cannot write the rejects file '" + options_.rejects_path + "'");
  }
}

void RecordSink::flush_progress() {
  if (pending_ > 0) progress_.advance(pending_);
  pending_ = 0;
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

void size_side_info(Dataset& data) {
  auto n_items = static_cast<size_t>(data.n_items());
  data.catalogue.title.resize(n_items);
  data.catalogue.text.resize(n_items);
  data.catalogue.categories.resize(n_items);
  data.catalogue.attributes.resize(n_items);
  data.user_attributes.resize(static_cast<size_t>(data.n_users()));
}

}  // namespace lmrec
