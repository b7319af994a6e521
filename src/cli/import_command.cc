// lmrec import: read raw logs in any supported format, clean them, write a binary dataset file.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/errors.h"
#include "data/dataset_file.h"
#include "data/preprocess.h"
#include "data/reader.h"
#include "store/snapshot.h"

namespace lmrec::cli {
namespace {

struct ImportArgs {
  ReadOptions read;
  std::string out, store, on_error = "fail", delimiter;
  std::vector<std::string> sets;
  bool no_header = false, json = false;
};

nlohmann::json summary(const ImportArgs& a, const ReadReport& r, const PreprocessReport& p,
                       const Dataset& d) {
  return {{"output", a.out},
          {"format", r.format},
          {"files", r.files},
          {"lines", r.lines},
          {"accepted", r.accepted},
          {"rejected", r.rejected},
          {"rejects_file", r.rejected > 0 ? a.read.rejects_path : ""},
          {"duplicates_removed", p.duplicates_removed},
          {"below_threshold", p.below_threshold},
          {"kcore_rows_removed", p.kcore_rows_removed},
          {"users", d.n_users()},
          {"items", d.n_items()},
          {"interactions", d.n_interactions()}};
}

int run_import(ImportArgs& a, const GlobalFlags& flags) {
  if (a.out.empty() && a.store.empty()) LMREC_THROW(ConfigError, "give --out, --store or both");
  if (a.on_error != "fail" && a.on_error != "skip")
    LMREC_THROW(ConfigError, "--on-error expects fail or skip, got '" + a.on_error + "'");
  a.read.on_error = a.on_error == "skip" ? OnError::kSkip : OnError::kFail;
  if (a.read.on_error == OnError::kSkip && a.read.rejects_path.empty())
    a.read.rejects_path = a.out + ".rejects";
  if (a.delimiter.size() > 1 && a.delimiter != "\\t" && a.delimiter != "tab")
    LMREC_THROW(ConfigError, "--delimiter expects one character, got '" + a.delimiter + "'");
  if (!a.delimiter.empty()) a.read.delimiter = a.delimiter.size() > 1 ? '\t' : a.delimiter[0];
  a.read.header = !a.no_header;
  Options pre;
  for (const auto& s : a.sets) pre.set(s);
  PreprocessOptions pre_options = preprocess_options(pre);

  auto progress = flags.make_progress();
  ReadReport report;
  Dataset data = read_dataset(a.read, *progress, &report);
  PreprocessReport pre_report = preprocess(data, pre_options);
  if (!a.out.empty()) save_dataset(data, a.out);
  if (!a.store.empty()) write_dataset(*open_store(a.store), data);
  auto s = summary(a, report, pre_report, data);
  if (a.json) {
    std::printf("%s\n", s.dump(2).c_str());
  } else {
    std::printf("imported %s (%s): %lld users, %lld items, %lld interactions -> %s\n",
                a.read.input.c_str(), report.format.c_str(), (long long)data.n_users(),
                (long long)data.n_items(), (long long)data.n_interactions(), a.out.c_str());
    if (report.rejected > 0)
      std::printf("skipped %lld malformed records; see %s\n", (long long)report.rejected,
                  a.read.rejects_path.c_str());
  }
  return 0;
}

}  // namespace

Command add_import(CLI::App& root, const GlobalFlags& flags) {
  auto args = std::make_shared<ImportArgs>();
  auto* app = root.add_subcommand("import", "read raw interaction logs into a binary dataset file");
  app->add_option("--input,-i", args->read.input, "file or folder to read")->required();
  app->add_option("--out,-o", args->out, "dataset file to write (.lmd)");
  app->add_option("--store", args->store, "also (or only) add everything to this store (SQLite)");
  app->add_option("--format,-f", args->read.format,
                  "auto, movielens-100k, movielens, s3rec, recbole, csv, tsv or jsonl")
      ->capture_default_str();
  app->add_option("--on-error", args->on_error, "fail (stop at the first bad record) or skip")
      ->capture_default_str();
  app->add_option("--rejects", args->read.rejects_path,
                  "where skipped lines go (default OUT.rejects)");
  app->add_option(
      "--columns", args->read.columns,
      "csv/tsv/jsonl column mapping, e.g. user=userId,item=movieId,value=rating,time=ts");
  app->add_option("--delimiter", args->delimiter, "csv field delimiter (one character, or tab)");
  app->add_flag("--no-header", args->no_header, "csv/tsv files have no header line");
  app->add_option(
      "--set", args->sets,
      "preprocessing: dedup=keep-all (default)|keep-first|keep-last|max|sum, implicit=4, "
      "min_user=5, min_item=5, normalize=none|user-mean|minmax");
  app->add_flag("--json", args->json, "print the import summary as JSON");
  return {app, [args, &flags] { return run_import(*args, flags); }};
}

}  // namespace lmrec::cli
