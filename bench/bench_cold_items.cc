// Cold items: how well models rank items that nobody interacted with during training. A seeded
// random `fraction` of the items loses every train and validation interaction (leave-one-out
// split by time); the test events that hit those items are the cold cases, the other test
// events the warm cases, both ranked against all items with the history (which no longer
// holds any cold item) excluded. ID-only models (popularity, ease, ials) cannot score a cold
// item above zero; text models (semantic, ials_text, sequence models with text=true) read its
// title and categories. Models train for their set epochs: there is no validation here.
//   bench_cold_items data=DATA.lmd [fraction=0.1] [seed=42] [threads=0] [cache=FILE]
//                    [models="popularity;ease;ials;semantic:half_life=1;ials_text"]
// `cache` is the text models' embedding cache. Prints one JSON object per model.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "core/options.h"
#include "core/progress.h"
#include "core/threads.h"
#include "data/dataset_file.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "models/recommender.h"

namespace {

using namespace lmrec;

// "name:key=v,key=v" -> (name, options).
std::pair<std::string, Options> parse_model(const std::string& spec) {
  auto colon = spec.find(':');
  Options options;
  if (colon != std::string::npos) {
    std::stringstream list(spec.substr(colon + 1));
    for (std::string kv; std::getline(list, kv, ',');) options.set(kv);
  }
  return {spec.substr(0, colon), options};
}

nlohmann::json metrics(const EvalResult& r) {
  nlohmann::json out = {{"cases", r.overall.users}};
  for (const char* k : {"HR@10", "NDCG@10", "HR@20", "NDCG@20", "AUC"})
    if (r.overall.values.count(k)) out[k] = r.overall.values.at(k);
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  Options args;
  for (int i = 1; i < argc; ++i) args.set(argv[i]);
  const std::string path = args.get_string("data", "");
  const double fraction = args.get_double("fraction", 0.1);
  const auto seed = static_cast<uint64_t>(args.get_int("seed", 42));
  set_threads(static_cast<int>(args.get_int("threads", 0)));
  Dataset data = load_dataset(path);
  Split split = leave_one_out(data);

  std::vector<int32_t> order(static_cast<size_t>(data.n_items()));
  for (int32_t i = 0; i < data.n_items(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  std::vector<uint8_t> cold(order.size(), 0);
  const auto n_cold = static_cast<size_t>(fraction * static_cast<double>(order.size()) + 0.5);
  for (size_t k = 0; k < n_cold; ++k) cold[order[k]] = 1;

  // Cold items keep only their test rows; everything else stays as the split has it.
  const auto test = static_cast<uint8_t>(Role::kTest), valid = static_cast<uint8_t>(Role::kValid);
  std::vector<uint8_t> keep(split.role.size());
  std::vector<uint8_t> roles;
  for (size_t r = 0; r < keep.size(); ++r) {
    keep[r] = !cold[data.rows.item[r]] || split.role[r] == test;
    if (keep[r]) roles.push_back(split.role[r]);
  }
  Dataset kept = data.subset(keep);
  if (static_cast<size_t>(kept.n_interactions()) != roles.size())
    throw std::runtime_error("subset changed the row count");
  // Test targets of the other kind become validation rows, which a test evaluation neither
  // targets nor (for those users, who are no longer cases) needs as history.
  Split cold_cases{"loo-cold", roles}, warm_cases{"loo-warm", roles};
  std::vector<uint8_t> train_mask(roles.size());
  for (size_t r = 0; r < roles.size(); ++r) {
    bool hits_cold = cold[kept.rows.item[r]];
    if (roles[r] == test) (hits_cold ? warm_cases : cold_cases).role[r] = valid;
    train_mask[r] = roles[r] == static_cast<uint8_t>(Role::kTrain);
  }
  Dataset train = kept.subset(train_mask);

  const std::string cache = args.get_string("cache", "");
  std::stringstream list(
      args.get_string("models", "popularity;ease;ials;semantic:half_life=1;ials_text"));
  for (std::string spec; std::getline(list, spec, ';');) {
    auto [name, options] = parse_model(spec);
    bool reads_text = name == "semantic" || name == "ials_text" || options.get_bool("text", false);
    if (!cache.empty() && reads_text && !options.has("cache"))
      options.set("cache", cache);
    auto model = make_recommender(name, options);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    auto start = std::chrono::steady_clock::now();
    model->fit(train, ctx);
    double fit_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EvalOptions eval;
    eval.ks = {10, 20};
    nlohmann::json out = {{"benchmark", "cold_items"},
                          {"data", path},
                          {"model", spec},
                          {"fraction", fraction},
                          {"seed", seed},
                          {"cold_items", n_cold},
                          {"fit_seconds", fit_seconds},
                          {"threads", thread_count()},
                          {"cold", metrics(evaluate(*model, kept, cold_cases, Role::kTest, eval))},
                          {"warm", metrics(evaluate(*model, kept, warm_cases, Role::kTest, eval))}};
    std::printf("%s\n", out.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_cold_items: %s\n", e.what());
  return 1;
}
