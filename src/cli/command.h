// Each verb of the `lmrec` binary registers itself as a CLI11 subcommand and returns what to run
// once the command line is parsed; main only dispatches.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/progress.h"

namespace lmrec::cli {

// Flags every verb shares.
struct GlobalFlags {
  int threads = 0;  // 0 = all cores
  bool quiet = false;
  // A progress bar on stderr, drawn only when stderr is a terminal and not --quiet.
  std::unique_ptr<Progress> make_progress() const;
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_import(CLI::App& root, const GlobalFlags& flags);
Command add_train(CLI::App& root, const GlobalFlags& flags);
Command add_eval(CLI::App& root, const GlobalFlags& flags);
Command add_recommend(CLI::App& root, const GlobalFlags& flags);
Command add_explain(CLI::App& root, const GlobalFlags& flags);
Command add_info(CLI::App& root, const GlobalFlags& flags);
Command add_export(CLI::App& root, const GlobalFlags& flags);
Command add_index(CLI::App& root, const GlobalFlags& flags);
Command add_serve(CLI::App& root, const GlobalFlags& flags);
Command add_encode(CLI::App& root, const GlobalFlags& flags);

// Splits "5,10,20" into integers; throws ConfigError naming `what` on bad text.
std::vector<int> parse_int_list(const std::string& text, const std::string& what);
// Reads a JSON file; throws IoError / ConfigError naming the file.
nlohmann::json read_json_file(const std::string& path);

}  // namespace lmrec::cli
