// Latency of one live request to a sequence model: scoring every item of the catalogue for one
// user from a history of `history` items (encoding the history, then one product with the item
// table), one user per call as a server makes it. The model is fitted for one epoch on a
// generated catalogue of Beauty's size (latency does not depend on the weights' values).
// Prints one JSON object per model and history length with p50/p99/mean in milliseconds.
//
// Usage: bench_seq_latency [models=sasrec,hstu,gru4rec,bert4rec] [items=12101] [calls=2000]
//                          [threads=1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/options.h"
#include "core/progress.h"
#include "core/threads.h"
#include "models/recommender.h"
#include "models/train/sampling.h"

namespace lmrec {
namespace {

using Clock = std::chrono::steady_clock;

Dataset generated(int32_t n_users, int32_t n_items, int32_t length, uint64_t seed) {
  Dataset data;
  SampleRng rng(seed);
  for (int32_t i = 0; i < n_items; ++i) data.items.intern("i" + std::to_string(i));
  for (int32_t u = 0; u < n_users; ++u) {
    int32_t user = data.users.intern("u" + std::to_string(u));
    for (int32_t k = 0; k < length; ++k)
      data.rows.push(user, static_cast<int32_t>(rng.below(static_cast<uint64_t>(n_items))), 1.0f,
                     k);
  }
  data.has_times = true;
  data.finalize();
  return data;
}

nlohmann::json measure(const std::string& name, int32_t n_items, int32_t history, int calls) {
  Options options;
  for (std::string kv :
       std::vector<std::string>{"epochs=1", "patience=0", "max_len=" + std::to_string(history)})
    options.set(kv);
  auto model = make_recommender(name, options);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(generated(200, n_items, history + 1, 1), ctx);
  SampleRng rng(2);
  std::vector<float> scores(static_cast<size_t>(n_items));
  std::vector<double> ms;
  for (int c = 0; c < calls + 20; ++c) {
    UserContext user;
    for (int32_t k = 0; k < history; ++k)
      user.items.push_back(static_cast<int32_t>(rng.below(static_cast<uint64_t>(n_items))));
    auto start = Clock::now();
    model->score({&user, 1}, scores.data());
    auto stop = Clock::now();
    if (c >= 20) ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double mean = 0;
  for (double m : ms) mean += m / static_cast<double>(ms.size());
  auto at = [&](double q) {
    return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))];
  };
  return {{"benchmark", "seq_latency"}, {"model", name},      {"items", n_items},
          {"history", history},         {"calls", calls},     {"threads", thread_count()},
          {"p50_ms", at(0.5)},          {"p99_ms", at(0.99)}, {"mean_ms", mean}};
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  lmrec::Options args;
  for (int i = 1; i < argc; ++i) args.set(argv[i]);
  std::string models = args.get_string("models", "sasrec,hstu,gru4rec,bert4rec");
  auto items = static_cast<int32_t>(args.get_int("items", 12101));
  auto calls = static_cast<int>(args.get_int("calls", 2000));
  lmrec::set_threads(static_cast<int>(args.get_int("threads", 1)));
  std::stringstream list(models);
  for (std::string name; std::getline(list, name, ',');)
    for (int32_t history : {50, 200})
      std::printf("%s\n", lmrec::measure(name, items, history, calls).dump().c_str());
  return 0;
}
