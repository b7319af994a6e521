// lmrec eval: full-ranking evaluation of a model folder on the validation and test parts of
// the split it was trained with.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_run.h"
#include "cli/rerank_sweep.h"
#include "core/errors.h"
#include "eval/channel_recall.h"
#include "eval/evaluator.h"
#include "eval/report.h"

namespace lmrec::cli {
namespace {

struct EvalArgs {
  std::string data, model, split, ks = "5,10,20", phases = "valid,test";
  int64_t max_users = 0;
  bool json = false, include_history = false;
  RerankSweepArgs sweep;
};

int run_sweep(const EvalArgs& a, const Recommender& model, const ModelRun& run,
              const GlobalFlags& flags) {
  RerankSweepArgs sweep = a.sweep;
  sweep.exclude_history = !a.include_history;
  sweep.max_users = a.max_users;
  auto progress = flags.make_progress();
  nlohmann::json rows = rerank_sweep(model, run, sweep, progress.get());
  if (a.json)
    std::printf("%s\n", rows.dump(2).c_str());
  else
    std::printf("%s %s on %s, test phase, %s reranking the top %d\n\n%s", model.name().c_str(),
                a.model.c_str(), a.data.c_str(), sweep.reranker.c_str(), sweep.candidates,
                sweep_table(rows).c_str());
  return 0;
}

int run_eval(const EvalArgs& a, const GlobalFlags& flags) {
  nlohmann::json config;
  auto model = load_model(a.model, &config);
  std::string split = a.split.empty() ? config.value("split", std::string("loo")) : a.split;
  ModelRun run(a.data, split);
  run.check_model_matches(config, a.model);
  if (!a.sweep.reranker.empty()) return run_sweep(a, *model, run, flags);
  EvalOptions options;
  options.ks = parse_int_list(a.ks, "--k");
  options.exclude_history = !a.include_history;
  options.max_users = a.max_users;
  auto progress = flags.make_progress();
  nlohmann::json out = {
      {"model", a.model}, {"name", model->name()}, {"data", a.data}, {"split", split}};
  std::string tables;
  for (auto [phase, role] : {std::pair{"valid", Role::kValid}, std::pair{"test", Role::kTest}}) {
    if (a.phases.find(phase) == std::string::npos) continue;
    EvalResult result = evaluate(*model, run.data(), run.split(), role, options, progress.get());
    nlohmann::json j = to_json(result);
    out[phase] = j["overall"];
    out[std::string(phase) + "_details"] = j;
    tables += std::string(phase) + " (" + std::to_string(result.overall.users) + " users)\n" +
              to_table(result) + "\n";
    if (const auto* pipeline = dynamic_cast<const PipelineRecommender*>(model.get())) {
      ChannelRecall recall = channel_recall(*pipeline, run.data(), run.split(), role, a.max_users);
      out[std::string(phase) + "_channels"] = recall.to_json();
      tables +=
          std::string(phase) + " channels (mean union size in N)\n" + recall.to_table() + "\n";
    }
  }
  if (a.json)
    std::printf("%s\n", out.dump(2).c_str());
  else
    std::printf("%s %s on %s, split %s\n\n%s", model->name().c_str(), a.model.c_str(),
                a.data.c_str(), split.c_str(), tables.c_str());
  return 0;
}

}  // namespace

Command add_eval(CLI::App& root, const GlobalFlags& flags) {
  auto args = std::make_shared<EvalArgs>();
  auto* app = root.add_subcommand("eval", "full-ranking evaluation of a model (all items ranked)");
  app->add_option("--data,-d", args->data, "dataset file the model was trained on")->required();
  app->add_option("--model,-m", args->model, "model folder")->required();
  app->add_option("--split", args->split, "override the split recorded in the model");
  app->add_option("--k", args->ks, "cut-offs, e.g. 5,10,20")->capture_default_str();
  app->add_option("--phases", args->phases, "valid, test or valid,test")->capture_default_str();
  app->add_option("--max-users", args->max_users,
                  "evaluate N users spread evenly over the id range (0 = all)");
  app->add_flag("--include-history", args->include_history,
                "rank the user's own history items too (default: excluded)");
  app->add_flag("--json", args->json,
                "JSON with `valid` and `test` metric objects (with --rerank-sweep: one object "
                "per lambda)");
  app->add_option("--rerank-sweep", args->sweep.reranker,
                  "mmr or dpp: test-phase metrics of the top-10 reranked at lambda 0..0.9");
  app->add_option("--rerank-set", args->sweep.options,
                  "reranker option key=value (repeatable), e.g. similarity=categories");
  app->add_option("--rerank-candidates", args->sweep.candidates,
                  "candidates the reranker chooses from")
      ->capture_default_str();
  return {app, [args, &flags] { return run_eval(*args, flags); }};
}

}  // namespace lmrec::cli
