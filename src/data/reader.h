// Reading interaction data into a Dataset: the entry point over every input format, with
// format detection and the policy for malformed records.
//
// Formats: movielens-100k (folder with u.data, u.item, u.user, u.genre), movielens (folder with
// ratings.csv, movies.csv, tags.csv, or ratings.csv itself), s3rec (`user item1 item2 ...` per
// line in time order), recbole (atomic .inter file with optional .item/.user beside it), csv,
// tsv and jsonl (any column layout, named by `columns` or recognised from the header).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.h"
#include "data/dataset.h"

namespace lmrec {

enum class OnError { kFail, kSkip };

struct ReadOptions {
  std::string input;  // a file or a folder
  std::string format =
      "auto";  // auto | movielens-100k | movielens | s3rec | recbole | csv | tsv | jsonl
  // kFail throws InputError at the first malformed record; kSkip counts it, logs it to
  // `rejects_path` (when set) and goes on. Problems with a whole file (a missing column, an
  // unreadable file) throw under both.
  OnError on_error = OnError::kFail;
  // With kSkip: a tab-separated log "file line field problem raw" of every rejected record, with
  // tabs, newlines and backslashes in the raw text written as \t, \n and \\.
  std::string rejects_path;
  // Column roles for csv/tsv/jsonl/recbole, e.g. "user=userId,item=movieId,value=rating,
  // time=timestamp,event=type". Roles: user, item (required), value, time, event. Without a
  // header, columns are named by 1-based position ("user=1,item=2"). Empty: recognised from
  // well-known header names.
  std::string columns;
  char delimiter = 0;  // 0 = by format (',' csv, '\t' tsv)
  bool header = true;  // csv/tsv: the first line names the columns
};

// What was read. Counts are records of the interaction files: non-blank lines other than the
// header (a CSV record with a quoted newline counts once; an s3rec line is one record however
// many items it lists), so lines == accepted + rejected. Side files (items, users, tags) are
// counted apart.
struct ReadReport {
  std::string format;
  std::vector<std::string> files;  // every file read, interaction files first
  int64_t lines = 0, accepted = 0, rejected = 0;
  int64_t side_lines = 0, side_rejected = 0;
  // Side records about users or items with no interactions; the catalogue only keeps ids that
  // occur in the interactions, so these are left out, and counted here.
  int64_t side_unused = 0;
  std::string columns;  // the column roles used, e.g. "user=userId,item=movieId,value=rating"
};

// Reads `options.input` into a finalized Dataset. Throws InputError for malformed records
// (under kFail), ConfigError for a bad format name or column mapping, IoError for unreadable
// files.
Dataset read_dataset(const ReadOptions& options, Progress& progress, ReadReport* report = nullptr);

// The format of a file or folder, by its names and first lines. Throws ConfigError, listing the
// formats, when it is unknown or ambiguous; IoError when the input does not exist.
std::string detect_format(const std::string& input);

// The accepted format names, for messages and help: "auto, movielens-100k, ...".
const char* format_names();

}  // namespace lmrec
