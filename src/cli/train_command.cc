// lmrec train: fit a model on the train part of a split, optionally over a grid of options
// chosen by a validation metric, and write the model folder.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/model_run.h"
#include "core/errors.h"
#include "data/dataset_file.h"
#include "eval/evaluator.h"
#include "models/recommender.h"
#include "serve/live_model.h"
#include "store/snapshot.h"

namespace lmrec::cli {
namespace {

struct TrainArgs {
  std::string data, store, model, out, split = "loo", metric = "NDCG@10", config;
  std::vector<std::string> sets, grid;
  bool json = false;
};

// Expands "key=v1,v2" entries into every combination of option sets (one when `grid` is empty).
std::vector<Options> expand_grid(const Options& base, const std::vector<std::string>& grid) {
  std::vector<Options> combos{base};
  for (const auto& entry : grid) {
    auto eq = entry.find('=');
    if (eq == std::string::npos)
      LMREC_THROW(ConfigError, "--grid expects key=v1,v2,..., got '" + entry + "'");
    std::vector<Options> next;
    std::stringstream values(entry.substr(eq + 1));
    for (std::string v; std::getline(values, v, ',');)
      for (Options o : combos) {
        o.set(entry.substr(0, eq), v);
        next.push_back(o);
      }
    combos.swap(next);
  }
  return combos;
}

void apply_config(TrainArgs& a, Options& options) {
  if (a.config.empty()) return;
  auto c = read_json_file(a.config);
  if (a.model.empty() && c.contains("model")) a.model = c["model"].get<std::string>();
  if (c.contains("split")) a.split = c["split"].get<std::string>();
  if (c.contains("metric")) a.metric = c["metric"].get<std::string>();
  if (c.contains("options")) options.merge_json(c["options"]);
  if (c.contains("grid"))
    for (const auto& [key, values] : c["grid"].items()) {
      std::string list;
      for (const auto& v : values)
        list += (list.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
      a.grid.insert(a.grid.begin(), key + "=" + list);
    }
}

int run_train(TrainArgs& a, const GlobalFlags& flags) {
  Options base;
  apply_config(a, base);
  for (const auto& s : a.sets) base.set(s);  // the command line wins over the config file
  if (a.model.empty())
    LMREC_THROW(ConfigError, "no model given (--model or \"model\" in --config)");
  if (a.data.empty() == a.store.empty()) LMREC_THROW(ConfigError, "give one of --data or --store");
  auto progress = flags.make_progress();
  std::unique_ptr<Store> store = a.store.empty() ? nullptr : open_store(a.store);
  ModelRun run =
      store ? ModelRun(read_snapshot(*store), a.store, a.split) : ModelRun(a.data, a.split);
  std::vector<Options> grid = expand_grid(base, a.grid);
  // Without validation rows every trial scores NaN and the first would win unexamined.
  if (grid.size() > 1 && !run.has_validation())
    LMREC_THROW(ConfigError, "--grid chooses among " + std::to_string(grid.size()) +
                                 " option sets on validation rows, but split '" + a.split +
                                 "' has none; use a split with a validation part (loo, "
                                 "last:V:T, temporal:V:T or random:V:T with V > 0)");
  TrainOutcome best;
  nlohmann::json trials = nlohmann::json::array();
  for (const Options& options : grid) {
    TrainOutcome t = run.train(a.model, options, a.metric, *progress);
    trials.push_back({{"options", t.model->options().to_json()},
                      {a.metric, t.valid_metric},
                      {"fit_seconds", t.fit_seconds}});
    if (!best.model || t.valid_metric > best.valid_metric) best = std::move(t);
  }
  nlohmann::json extra = run.describe();
  extra["fit_seconds"] = best.fit_seconds;
  extra["selection_metric"] = a.metric;
  extra["valid_" + a.metric] = best.valid_metric;
  if (trials.size() > 1) extra["grid"] = trials;
  save_model(*best.model, a.out, extra);
  write_item_ids(a.out, run.data().items);  // what a server maps raw ids through
  if (store)
    store->activate_model(
        store->register_model(a.model, std::filesystem::absolute(a.out).string()));
  if (a.json) {
    std::printf("%s\n", extra.dump(2).c_str());
  } else {
    std::printf("trained %s on %s (split %s) in %.2fs; validation %s = %.4f -> %s\n",
                a.model.c_str(), (a.data.empty() ? a.store : a.data).c_str(), a.split.c_str(),
                best.fit_seconds, a.metric.c_str(), best.valid_metric, a.out.c_str());
    for (const auto& t : trials.size() > 1 ? trials : nlohmann::json::array())
      std::printf("  %s %s = %.4f\n", t["options"].dump().c_str(), a.metric.c_str(),
                  t[a.metric].get<double>());
  }
  return 0;
}

}  // namespace

Command add_train(CLI::App& root, const GlobalFlags& flags) {
  auto args = std::make_shared<TrainArgs>();
  auto* app = root.add_subcommand("train", "fit a model and write a model folder");
  app->add_option("--data,-d", args->data, "dataset file from lmrec import");
  app->add_option("--store", args->store,
                  "train on a snapshot of this store and register the model there as active");
  app->add_option(
      "--model,-m", args->model, "model name: " + [] {
        std::string names;
        for (const auto& n : recommender_names()) names += (names.empty() ? "" : ", ") + n;
        return names;
      }());
  app->add_option("--out,-o", args->out, "model folder to write")->required();
  app->add_option("--split", args->split, "loo, none, last:V:T, temporal:V:T, random:V:T[:seed]")
      ->capture_default_str();
  app->add_option("--set", args->sets, "model option key=value (repeatable)");
  app->add_option("--grid", args->grid,
                  "try key=v1,v2,... and keep the best on validation (repeatable)");
  app->add_option("--metric", args->metric, "validation metric for --grid and early stopping")
      ->capture_default_str();
  app->add_option("--config,-c", args->config,
                  "JSON run description: model, split, metric, options, grid");
  app->add_flag("--json", args->json, "print the training summary as JSON");
  return {app, [args, &flags] { return run_train(*args, flags); }};
}

}  // namespace lmrec::cli
