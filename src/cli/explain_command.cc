// lmrec explain: why a model ranks an item for a user (channels, ranker contributions, the
// history items that moved it), or with --audit, how often removing the history items an
// explanation names lowers the item's score.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "cli/command.h"
#include "cli/model_run.h"
#include "core/errors.h"
#include "models/explanation.h"

namespace lmrec::cli {
namespace {

struct ExplainArgs {
  std::string data, model, user, item;
  int k = 10;
  int64_t audit = 0;
  uint64_t seed = 1;
  ExplainOptions options;
  bool json = false;
};

int run_audit(const ExplainArgs& a, const LoadedModel& m) {
  std::vector<int32_t> users(static_cast<size_t>(m.data.n_users()));
  std::iota(users.begin(), users.end(), 0);
  std::mt19937_64 rng(a.seed);
  std::shuffle(users.begin(), users.end(), rng);
  users.resize(std::min(users.size(), static_cast<size_t>(a.audit)));
  std::vector<UserContext> contexts;
  for (int32_t u : users) contexts.push_back(make_context(m.data, u));
  auto audit = audit_explanations(*m.model, contexts, a.options);
  nlohmann::json out = {{"model", m.model->name()},
                        {"sampled_users", contexts.size()},
                        {"cases", audit.cases},
                        {"lowered", audit.lowered},
                        {"fraction", audit.fraction()}};
  if (a.json) {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf(
      "%s: removing the named history items lowered the top item's score in %lld of "
      "%lld cases (%.1f%%); %zu users sampled\n",
      m.model->name().c_str(), static_cast<long long>(audit.lowered),
      static_cast<long long>(audit.cases), 100.0 * audit.fraction(), contexts.size());
  return 0;
}

int run_explain(const ExplainArgs& a) {
  if (a.k <= 0) LMREC_THROW(ConfigError, "-k must be positive");
  if (a.audit < 0) LMREC_THROW(ConfigError, "--audit must be >= 0");
  if (a.audit == 0 && a.user.empty()) LMREC_THROW(ConfigError, "give --user (or --audit N)");
  LoadedModel m = load_model_with_data(a.model, a.data);
  if (a.audit > 0) return run_audit(a, m);
  UserContext ctx = known_user(m.data, a.user, a.data);
  std::vector<int32_t> items;
  if (!a.item.empty())
    items.push_back(known_item(m.data, a.item, a.data));
  else
    for (const auto& s : m.model->recommend(ctx, a.k, {}, true)) items.push_back(s.item);
  auto name = [&](int32_t i) { return m.data.items.name(i); };
  auto why = explain(*m.model, ctx, items, a.options);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : why) list.push_back(explanation_json(e, name));
  if (a.json) {
    std::printf("%s\n", nlohmann::json{{"user", a.user},
                                       {"model", m.model->name()},
                                       {"history", ctx.items.size()},
                                       {"items", list}}
                            .dump(2)
                            .c_str());
    return 0;
  }
  for (size_t r = 0; r < why.size(); ++r) {
    std::printf("%s %s (score %.4g): %s\n", name(why[r].item).c_str(),
                m.data.catalogue.title[why[r].item].c_str(), why[r].score,
                explanation_text(why[r], name).c_str());
    for (const auto& h : why[r].history)
      std::printf("    without %-12s %s  score -%.4g\n", name(h.item).c_str(),
                  m.data.catalogue.title[h.item].c_str(), h.drop);
  }
  return 0;
}

}  // namespace

Command add_explain(CLI::App& root, const GlobalFlags&) {
  auto args = std::make_shared<ExplainArgs>();
  auto* app = root.add_subcommand("explain", "why a model recommends an item to a user");
  app->add_option("--model,-m", args->model, "model folder")->required();
  app->add_option("--data,-d", args->data, "dataset file (ids, titles, histories)")->required();
  app->add_option("--user,-u", args->user, "user id as in the raw data");
  app->add_option("--item,-i", args->item, "item id to explain (default: the user's top k)");
  app->add_option("-k", args->k, "items explained without --item")->capture_default_str();
  app->add_option("--top", args->options.top, "reasons of each kind kept per item")
      ->capture_default_str();
  app->add_option("--history-window", args->options.history_window,
                  "most recent history items left out in turn to measure their influence")
      ->capture_default_str();
  app->add_option("--audit", args->audit,
                  "sample N users: how often removing the named history items lowers the top "
                  "item's score");
  app->add_option("--seed", args->seed, "user sample of --audit")->capture_default_str();
  app->add_flag("--json", args->json, "JSON output");
  return {app, [args] { return run_explain(*args); }};
}

}  // namespace lmrec::cli
