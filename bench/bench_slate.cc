// Generated slates against plain top-k: the same fitted model ranks the test item of each user
// (leave-one-out by time, all items, history excluded) once by its scores and once by a slate
// generated slot by slot (rerank/slate.h). Prints one JSON object per method with accuracy
// (HR/NDCG@5,10) and list diversity (ILD@10 over categories where the data has them,
// Coverage@10, Novelty@10).
//
// Usage: bench_slate data=PATH.lmd model=MODEL_DIR [users=2000]
//                    [methods=topk,greedy,beam,sample] [max_per_category=0] [temperature=1]
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/options.h"
#include "core/threads.h"
#include "data/dataset_file.h"
#include "data/split.h"
#include "eval/evaluator.h"
#include "rerank/slate.h"

int main(int argc, char** argv) try {
  using namespace lmrec;
  Options args;
  for (int i = 1; i < argc; ++i) args.set(argv[i]);
  Dataset data = load_dataset(args.get_string("data", ""));
  auto model = load_model(args.get_string("model", ""));
  Split split = make_split(data, "loo");
  EvalOptions eval;
  eval.ks = {5, 10};
  eval.max_users = args.get_int("users", 2000);
  const auto* categories =
      data.catalogue.category_names.size() > 0 ? &data.catalogue.categories : nullptr;
  std::stringstream list(args.get_string("methods", "topk,greedy,beam,sample"));
  for (std::string method; std::getline(list, method, ',');) {
    auto start = std::chrono::steady_clock::now();
    EvalResult r;
    if (method == "topk") {
      r = evaluate(*model, data, split, Role::kTest, eval);
    } else {
      Options slate;
      slate.set("method", method);
      slate.set("max_per_category", args.get_string("max_per_category", "0"));
      slate.set("temperature", args.get_string("temperature", "1"));
      SlateRecommender generator(*model, SlateOptions::parse(slate), categories);
      r = evaluate(generator, data, split, Role::kTest, eval);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json out = {{"benchmark", "slate"},      {"model", model->name()},
                          {"method", method},          {"users", r.overall.users},
                          {"threads", thread_count()}, {"seconds", seconds}};
    for (const char* k :
         {"HR@5", "NDCG@5", "HR@10", "NDCG@10", "ILD@10", "Coverage@10", "Novelty@10"})
      if (r.overall.values.count(k)) out[k] = r.overall.values.at(k);
    std::printf("%s\n", out.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_slate: %s\n", e.what());
  return 1;
}
