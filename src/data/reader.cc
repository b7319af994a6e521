#include "data/reader.h"

#include <algorithm>
#include <filesystem>

#include "core/errors.h"
#include "data/delimited_reader.h"
#include "data/jsonl_reader.h"
#include "data/movielens_reader.h"
#include "data/recbole_reader.h"
#include "data/record_sink.h"
#include "data/s3rec_reader.h"
#include "data/text_fields.h"
#include "data/text_file.h"

namespace lmrec {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> formats = {
      "movielens-100k", "movielens", "s3rec", "recbole", "csv", "tsv", "jsonl"};
  return formats;
}

[[noreturn]] void unknown_format(const std::string& input, const std::string& why) {
  LMREC_THROW(ConfigError, "cannot tell the format of '" + input + "': " + why +
                               "; pass format= one of " + format_names());
}

std::string first_line(const std::string& path) {
  TextFile file(path);
  LineCursor lines(file.text());
  std::string_view line;
  return lines.next(line) ? std::string(line) : std::string();
}

std::string detect_folder(const fs::path& dir) {
  if (fs::is_regular_file(dir / "u.data")) return "movielens-100k";
  if (fs::is_regular_file(dir / "ratings.csv")) return "movielens";
  int inter = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".inter") ++inter;
  if (inter == 1) return "recbole";
  if (inter > 1) find_inter_file(dir.string());  // throws, listing them
  if (fs::is_regular_file(dir / "ratings.dat"))
    unknown_format(dir.string(), "the MovieLens 1M/10M ratings.dat layout is not supported");
  unknown_format(dir.string(),
                 "the folder holds no u.data (movielens-100k), ratings.csv (movielens) or .inter "
                 "file (recbole); pass a data file instead");
}

std::string detect_file(const fs::path& file) {
  std::string name = file.filename().string(), ext = ascii_lower(file.extension().string());
  if (name == "u.data") return "movielens-100k";
  if (ext == ".inter") return "recbole";
  if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") return "jsonl";
  if (ext == ".tsv") return "tsv";
  if (ext == ".csv") {
    bool movielens = name == "ratings.csv" &&
                     trim(first_line(file.string())) == "userId,movieId,rating,timestamp";
    return movielens ? "movielens" : "csv";
  }
  if (ext == ".txt") {
    TextFile text(file.string());
    if (looks_like_s3rec(text.text())) return "s3rec";
    unknown_format(file.string(),
                   "a .txt file is read as S3-Rec sequences ('user item1 item2 ...', one line per "
                   "user), and its first lines do not look like that");
  }
  unknown_format(file.string(),
                 "its name ends in neither .csv, .tsv, .txt, .jsonl, .json nor .inter");
}

// Refuses early, with a clear message, a folder given to a format that reads one file, and
// options that the format would otherwise ignore without a word.
void check_applicable(const std::string& format, const ReadOptions& options) {
  bool wants_file = format == "s3rec" || format == "csv" || format == "tsv" || format == "jsonl";
  if (wants_file && fs::is_directory(options.input))
    LMREC_THROW(ConfigError,
                "format " + format + " reads a file, and '" + options.input + "' is a folder");
  bool delimited = format == "csv" || format == "tsv";
  if (!options.columns.empty() && !delimited && format != "jsonl" && format != "recbole")
    LMREC_THROW(ConfigError, "columns= applies to csv, tsv, jsonl and recbole input, not " +
                                 format + ", whose columns are fixed");
  if ((options.delimiter != 0 || !options.header) && !delimited)
    LMREC_THROW(ConfigError,
                "a delimiter or a missing header applies to csv and tsv input, not " + format);
}

DelimitedLayout generic_layout(const ReadOptions& options, bool tsv) {
  DelimitedLayout layout;
  layout.dialect.delimiter = options.delimiter ? options.delimiter : (tsv ? '\t' : ',');
  layout.dialect.quoting = !tsv;
  layout.header = options.header;
  layout.columns = options.columns;
  return layout;
}

void dispatch(const std::string& format, const ReadOptions& options, RecordSink& sink) {
  const std::string& input = options.input;
  if (format == "movielens-100k")
    read_movielens_100k(fs::is_directory(input) ? input : fs::path(input).parent_path().string(),
                        sink);
  else if (format == "movielens")
    read_movielens(input, sink);
  else if (format == "s3rec")
    read_s3rec(input, sink);
  else if (format == "recbole")
    read_recbole(input, sink);
  else if (format == "csv" || format == "tsv")
    read_delimited_interactions(input, generic_layout(options, format == "tsv"), sink);
  else
    read_jsonl(input, sink);
}

}  // namespace

const char* format_names() {
  return "auto, movielens-100k, movielens, s3rec, recbole, csv, tsv, jsonl";
}

std::string detect_format(const std::string& input) {
  std::error_code ec;
  fs::file_status status = fs::status(input, ec);
  if (ec || !fs::exists(status)) LMREC_THROW(IoError, "no such file or folder: '" + input + "'");
  return fs::is_directory(status) ? detect_folder(input) : detect_file(input);
}

Dataset read_dataset(const ReadOptions& options, Progress& progress, ReadReport* report) {
  const auto& formats = known_formats();
  if (options.format != "auto" &&
      std::find(formats.begin(), formats.end(), options.format) == formats.end())
    LMREC_THROW(ConfigError, "unknown format '" + options.format + "'; formats: " + format_names());
  ReadReport local;
  ReadReport& out = report ? *report : local;
  out = ReadReport{};
  out.format = options.format == "auto" ? detect_format(options.input) : options.format;
  check_applicable(out.format, options);
  Dataset data;
  RecordSink sink(data, options, out, progress);
  dispatch(out.format, options, sink);
  data.finalize();
  return data;
}

}  // namespace lmrec
