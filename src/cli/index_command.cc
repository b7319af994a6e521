// lmrec index: builds the HNSW index over a factor model's item vectors into its folder
// (ann.hnsw), and with --data measures its recall against exact ranking on the data's users, so
// that a search breadth (--ef of recommend) can be picked from figures.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/factor_access.h"
#include "core/errors.h"
#include "core/threads.h"
#include "data/dataset_file.h"

namespace lmrec::cli {
namespace {

struct IndexArgs {
  std::string model, data, efs = "16,32,64,128";
  HnswOptions hnsw;
  int users = 500, k = 10;
  bool json = false;
};

// Mean fraction of the exact top-k (history excluded) that the index returns, per ef, over at
// most `a.users` users spread evenly over the ids.
nlohmann::json measure_recall(const FactorModel& model, HnswIndex index, const Dataset& data,
                              const IndexArgs& a, const std::vector<int>& efs) {
  FactorRetriever exact(model), ann(model, std::move(index));
  std::vector<UserContext> users;
  int64_t step = std::max<int64_t>(1, data.n_users() / std::max(1, a.users));
  for (int32_t u = 0; u < data.n_users() && static_cast<int>(users.size()) < a.users; u += step)
    users.push_back(make_context(data, u));
  std::vector<std::vector<ScoredItem>> truth;
  for (const auto& user : users) truth.push_back(exact.retrieve(user, a.k, user.items));
  nlohmann::json recall = nlohmann::json::object();
  for (int ef : efs) {
    ann.set_ef(ef);
    double found = 0, wanted = 0;
    for (size_t c = 0; c < users.size(); ++c) {
      auto got = ann.retrieve(users[c], a.k, users[c].items);
      for (const auto& t : truth[c])
        found += std::any_of(got.begin(), got.end(), [&](auto& g) { return g.item == t.item; });
      wanted += static_cast<double>(truth[c].size());
    }
    recall[std::to_string(ef)] = wanted > 0 ? found / wanted : 1.0;
  }
  return {{"users", users.size()}, {"k", a.k}, {"recall_by_ef", recall}};
}

int run_index(const IndexArgs& a) {
  auto loaded = load_model(a.model);
  const FactorModel& model = factor_model(*loaded, a.model, "lmrec index");
  if (a.hnsw.m < 2 || a.hnsw.ef_construction < 1 || a.users < 1 || a.k < 1)
    LMREC_THROW(ConfigError, "need --m >= 2, --ef-construction >= 1, --users >= 1 and -k >= 1");
  std::vector<int> efs = parse_int_list(a.efs, "--ef");
  auto start = std::chrono::steady_clock::now();
  HnswIndex index = build_factor_index(model, a.hnsw);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string path = index_path(a.model);
  index.save(path);
  nlohmann::json out = {{"index", path},
                        {"items", index.size()},
                        {"dim", index.dim()},
                        {"m", a.hnsw.m},
                        {"ef_construction", a.hnsw.ef_construction},
                        {"seed", a.hnsw.seed},
                        {"threads", thread_count()},
                        {"build_seconds", seconds},
                        {"bytes", std::filesystem::file_size(path)}};
  if (!a.data.empty()) {
    Dataset data = load_dataset(a.data);
    if (data.n_items() != model.n_items())
      LMREC_THROW(FormatError, "model " + a.model + " knows " + std::to_string(model.n_items()) +
                                   " items, dataset " + a.data + " has " +
                                   std::to_string(data.n_items()));
    // Measured on the index as read back, which also checks the files just written.
    out["recall"] = measure_recall(model, open_index(model, a.model), data, a, efs);
  }
  if (a.json) {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  for (const auto& [key, value] : out.items())
    std::printf("%-16s %s\n", key.c_str(), value.dump().c_str());
  return 0;
}

}  // namespace

Command add_index(CLI::App& root, const GlobalFlags&) {
  auto args = std::make_shared<IndexArgs>();
  auto* app = root.add_subcommand(
      "index", "build the ANN (HNSW) index of a factor model's items into its folder");
  app->add_option("--model,-m", args->model, "model folder (a factor model)")->required();
  app->add_option("--m", args->hnsw.m, "graph degree")->capture_default_str();
  app->add_option("--ef-construction", args->hnsw.ef_construction, "build breadth")
      ->capture_default_str();
  app->add_option("--seed", args->hnsw.seed, "level draws (reproducible with --threads 1)")
      ->capture_default_str();
  app->add_option("--data,-d", args->data,
                  "dataset file: also measure recall@k against exact ranking on its users");
  app->add_option("--ef", args->efs, "search breadths to measure, comma-separated")
      ->capture_default_str();
  app->add_option("--users", args->users, "users to measure recall on")->capture_default_str();
  app->add_option("-k", args->k, "list length for recall")->capture_default_str();
  app->add_flag("--json", args->json, "JSON output");
  return {app, [args] { return run_index(*args); }};
}

}  // namespace lmrec::cli
