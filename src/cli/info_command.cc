// lmrec info: what is in a dataset file or a model folder.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/model_run.h"
#include "core/errors.h"
#include "data/dataset_file.h"
#include "models/recommender.h"

namespace lmrec::cli {
namespace {

struct InfoArgs {
  std::string data, model;
  bool json = false;
};

nlohmann::json dataset_info(const Dataset& d) {
  std::vector<int64_t> lengths(static_cast<size_t>(d.n_users()));
  for (int32_t u = 0; u < d.n_users(); ++u) lengths[u] = d.user_count(u);
  std::sort(lengths.begin(), lengths.end());
  auto pct = [&](double q) {
    return lengths.empty() ? 0 : lengths[static_cast<size_t>(q * (lengths.size() - 1))];
  };
  int64_t titled = std::count_if(d.catalogue.title.begin(), d.catalogue.title.end(),
                                 [](auto& t) { return !t.empty(); });
  double cells = static_cast<double>(d.n_users()) * d.n_items();
  return {{"users", d.n_users()},
          {"items", d.n_items()},
          {"interactions", d.n_interactions()},
          {"density", cells > 0 ? d.n_interactions() / cells : 0.0},
          {"explicit_values", d.explicit_values},
          {"timestamps", d.has_times},
          {"event_types", d.event_types.names()},
          {"history_length",
           {{"min", pct(0)}, {"median", pct(0.5)}, {"p90", pct(0.9)}, {"max", pct(1)}}},
          {"items_with_title", titled},
          {"categories", d.catalogue.category_names.size()},
          {"fingerprint", hex64(d.fingerprint())}};
}

int run_info(const InfoArgs& a) {
  if (a.data.empty() && a.model.empty()) LMREC_THROW(ConfigError, "give --data and/or --model");
  nlohmann::json out;
  if (!a.data.empty()) out["data"] = dataset_info(load_dataset(a.data));
  if (!a.model.empty()) {
    nlohmann::json config;
    load_model(a.model, &config);
    out["model"] = config;
  }
  if (a.json) {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  for (const auto& [section, fields] : out.items()) {
    std::printf("%s\n", section.c_str());
    for (const auto& [key, value] : fields.items())
      std::printf("  %-22s %s\n", key.c_str(), value.dump().c_str());
  }
  return 0;
}

}  // namespace

Command add_info(CLI::App& root, const GlobalFlags&) {
  auto args = std::make_shared<InfoArgs>();
  auto* app = root.add_subcommand("info", "describe a dataset file or a model folder");
  app->add_option("--data,-d", args->data, "dataset file");
  app->add_option("--model,-m", args->model, "model folder");
  app->add_flag("--json", args->json, "JSON output");
  return {app, [args] { return run_info(*args); }};
}

}  // namespace lmrec::cli
