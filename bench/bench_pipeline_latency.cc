// Latency of one live request to a trained model folder (a pipeline with every channel on, or
// any model): the top k for one user of the dataset from their whole history, one user per
// call as a server makes it, optionally with the reasons a server adds (channels and ranker
// contributions; with reasons=full also the leave-one-out history influence over the last 20).
// Prints one JSON object with p50/p99/mean in milliseconds.
//
// Usage: bench_pipeline_latency model=DIR data=D.lmd [k=10] [calls=1000] [threads=1]
//                               [reasons=none|fast|full]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "core/options.h"
#include "core/threads.h"
#include "data/dataset_file.h"
#include "data/user_context.h"
#include "models/explanation.h"
#include "models/recommender.h"

namespace lmrec {
namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json measure(const Options& args) {
  std::string dir = args.get_string("model", ""), path = args.get_string("data", "");
  auto model = load_model(dir);
  Dataset data = load_dataset(path);
  int k = static_cast<int>(args.get_int("k", 10));
  int calls = static_cast<int>(args.get_int("calls", 1000));
  std::string reasons = args.get_string("reasons", "none");
  ExplainOptions why;
  why.history_window = reasons == "full" ? 20 : 0;
  std::mt19937_64 rng(1);
  std::vector<double> ms;
  for (int c = 0; c < calls + 20; ++c) {
    auto u = static_cast<int32_t>(rng() % static_cast<uint64_t>(data.n_users()));
    UserContext user = make_context(data, u);
    auto start = Clock::now();
    auto top = model->recommend(user, k);
    if (reasons != "none") {
      std::vector<int32_t> items;
      for (const auto& s : top) items.push_back(s.item);
      explain(*model, user, items, why);
    }
    auto stop = Clock::now();
    if (c >= 20) ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double mean = 0;
  for (double m : ms) mean += m / static_cast<double>(ms.size());
  auto at = [&](double q) {
    return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))];
  };
  return {{"benchmark", "pipeline_latency"},
          {"model", dir},
          {"name", model->name()},
          {"data", path},
          {"items", data.n_items()},
          {"k", k},
          {"reasons", reasons},
          {"calls", calls},
          {"threads", thread_count()},
          {"p50_ms", at(0.5)},
          {"p99_ms", at(0.99)},
          {"mean_ms", mean}};
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  lmrec::Options args;
  for (int i = 1; i < argc; ++i) args.set(argv[i]);
  if (!args.has("model") || !args.has("data")) {
    std::fprintf(stderr,
                 "usage: bench_pipeline_latency model=DIR data=D.lmd [k=10] [calls=1000] "
                 "[threads=1] [reasons=none|fast|full]\n");
    return 64;
  }
  lmrec::set_threads(static_cast<int>(args.get_int("threads", 1)));
  try {
    std::printf("%s\n", lmrec::measure(args).dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_pipeline_latency: %s\n", e.what());
    return 1;
  }
  return 0;
}
