// lmrec recommend: top-k for one known user (their whole history), an ad-hoc history or a
// free-text query (models that read text, e.g. semantic), alone or with a history.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/factor_access.h"
#include "cli/model_run.h"
#include "core/errors.h"
#include "data/dataset_file.h"
#include "models/explanation.h"

namespace lmrec::cli {
namespace {

struct RecommendArgs {
  std::string data, model, user, items, query;
  int k = 10, ef = 64;
  bool json = false, include_seen = false, ann = false, no_reasons = false;
};

UserContext context_for(const Dataset& data, const RecommendArgs& a) {
  UserContext ctx =
      !a.user.empty() ? known_user(data, a.user, a.data) : items_history(data, a.items, a.data);
  ctx.text = a.query;
  return ctx;
}

int run_recommend(const RecommendArgs& a) {
  if (!a.user.empty() && !a.items.empty())
    LMREC_THROW(ConfigError, "give at most one of --user or --items");
  if (a.user.empty() && a.items.empty() && a.query.empty())
    LMREC_THROW(ConfigError, "give --user, --items or --query");
  if (a.k <= 0) LMREC_THROW(ConfigError, "-k must be positive");
  auto [data, model] = load_model_with_data(a.model, a.data);
  // A model that reads no text would rank as if no query had been given.
  if (!a.query.empty() && !model->reads_text())
    LMREC_THROW(ConfigError, "--query: model " + model->name() + " (" + a.model +
                                 ") does not read text; use a model that does, e.g. semantic");
  UserContext ctx = context_for(data, a);
  auto top = a.ann ? ann_recommend(*model, a.model, ctx, a.k, a.ef, !a.include_seen)
                   : model->recommend(ctx, a.k, {}, !a.include_seen);
  std::vector<int32_t> ids;
  for (const auto& t : top) ids.push_back(t.item);
  std::vector<Explanation> why;
  if (!a.no_reasons) why = explain(*model, ctx, ids, ExplainOptions{});
  auto name = [&](int32_t i) { return data.items.name(i); };
  nlohmann::json list = nlohmann::json::array();
  for (size_t r = 0; r < top.size(); ++r) {
    list.push_back({{"rank", r + 1},
                    {"item", name(top[r].item)},
                    {"score", top[r].score},
                    {"title", data.catalogue.title[top[r].item]}});
    if (!why.empty()) list.back()["reasons"] = explanation_json(why[r], name);
  }
  if (a.json) {
    std::printf("%s\n",
                nlohmann::json{{"user", a.user}, {"history", ctx.items.size()}, {"items", list}}
                    .dump(2)
                    .c_str());
    return 0;
  }
  std::printf("%-5s %-12s %-10s %s\n", "rank", "item", "score", "title");
  for (const auto& row : list) {
    std::printf("%-5d %-12s %-10.4f %s\n", row["rank"].get<int>(),
                row["item"].get<std::string>().c_str(), row["score"].get<double>(),
                row["title"].get<std::string>().c_str());
    if (row.contains("reasons"))
      std::printf("      why: %s\n", row["reasons"]["text"].get<std::string>().c_str());
  }
  return 0;
}

}  // namespace

Command add_recommend(CLI::App& root, const GlobalFlags&) {
  auto args = std::make_shared<RecommendArgs>();
  auto* app = root.add_subcommand("recommend", "top-k recommendations for a user or a history");
  app->add_option("--model,-m", args->model, "model folder")->required();
  app->add_option("--data,-d", args->data, "dataset file (ids, titles, histories)")->required();
  app->add_option("--user,-u", args->user,
                  "user id as in the raw data; history = all their events");
  app->add_option("--items", args->items, "comma-separated item ids as a history (a new user)");
  app->add_option("--query,-q", args->query,
                  "free text describing what to recommend (semantic model); with --user or "
                  "--items, it joins the history");
  app->add_option("-k", args->k, "list length")->capture_default_str();
  app->add_flag("--include-seen", args->include_seen, "allow items already in the history");
  app->add_flag("--ann", args->ann,
                "search the model's ANN index (lmrec index) instead of all items");
  app->add_option("--ef", args->ef, "ANN search breadth: recall and time grow with it")
      ->capture_default_str();
  app->add_flag("--no-reasons", args->no_reasons,
                "skip the reasons (channels, ranker contributions, history items that moved "
                "each item: one scoring pass per recent history item)");
  app->add_flag("--json", args->json, "JSON output");
  return {app, [args] { return run_recommend(*args); }};
}

}  // namespace lmrec::cli
