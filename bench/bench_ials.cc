// iALS training speed on a synthetic data set shaped like MovieLens-20M: 138,493 users, 26,744
// items, about 20M interactions, power-law item popularity and heavy-tailed user activity
// (20 + log-normal events per user: median about 68, mean about 144, as in ML-20M). Times
// each fit iteration (one user and one item half step) on all cores and prints one JSON object
// per configuration.
//
// Usage: bench_ials [scale=1] [iterations=3] [configs=cg:64,cg:128,cholesky:64]
// `scale` shrinks users and interactions for a quick run.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>

#include "core/errors.h"
#include "core/progress.h"
#include "core/threads.h"
#include "models/ials.h"

namespace lmrec {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int32_t kUsers = 138'493, kItems = 26'744;
constexpr int64_t kInteractions = 20'000'263;
constexpr int32_t kMinPerUser = 20, kMaxPerUser = 9'000;
// Item i (by popularity rank) is drawn with weight (i + kOffset)^-1: the most popular item
// then reaches about a third of a percent of all events, as in ML-20M.
constexpr double kOffset = 50.0;

// Events per user: 20 + log-normal(ln 48, 1.38), scaled to the wanted total.
std::vector<int32_t> user_counts(int32_t n_users, int64_t total, std::mt19937_64& rng) {
  std::lognormal_distribution<double> extra(std::log(48.0), 1.38);
  std::vector<double> raw(static_cast<size_t>(n_users));
  for (auto& r : raw) r = extra(rng);
  double sum = std::accumulate(raw.begin(), raw.end(), 0.0);
  double scale = static_cast<double>(total - int64_t{kMinPerUser} * n_users) / sum;
  std::vector<int32_t> counts(raw.size());
  for (size_t u = 0; u < raw.size(); ++u)
    counts[u] = std::min<int32_t>(kMaxPerUser, kMinPerUser + static_cast<int32_t>(raw[u] * scale));
  return counts;
}

// Distinct items per user drawn from the power law; item ids are a random permutation of the
// popularity ranks so popular items are spread over the id range.
Dataset synthetic(double scale, uint64_t seed) {
  auto n_users = static_cast<int32_t>(kUsers * scale);
  auto total = static_cast<int64_t>(static_cast<double>(kInteractions) * scale);
  std::mt19937_64 rng(seed);
  auto counts = user_counts(n_users, total, rng);
  std::vector<double> cdf(kItems);
  double acc = 0;
  for (int32_t i = 0; i < kItems; ++i) cdf[i] = acc += 1.0 / (i + kOffset);
  std::vector<int32_t> id_of_rank(kItems);
  std::iota(id_of_rank.begin(), id_of_rank.end(), 0);
  std::shuffle(id_of_rank.begin(), id_of_rank.end(), rng);

  std::vector<std::vector<int32_t>> items(static_cast<size_t>(n_users));
#pragma omp parallel
  {
    std::vector<int32_t> taken(kItems, -1);
#pragma omp for schedule(dynamic, 256)
    for (int32_t u = 0; u < n_users; ++u) {
      std::mt19937_64 user_rng(seed ^ (0x9E3779B97F4A7C15ull * (u + 1)));
      std::uniform_real_distribution<double> uniform(0.0, acc);
      auto& mine = items[static_cast<size_t>(u)];
      while (static_cast<int32_t>(mine.size()) < counts[static_cast<size_t>(u)]) {
        auto rank = std::upper_bound(cdf.begin(), cdf.end(), uniform(user_rng)) - cdf.begin();
        int32_t item = id_of_rank[static_cast<size_t>(std::min<ptrdiff_t>(rank, kItems - 1))];
        if (taken[item] == u) continue;
        taken[item] = u;
        mine.push_back(item);
      }
    }
  }
  Dataset d;
  for (int32_t u = 0; u < n_users; ++u) d.users.intern("u" + std::to_string(u));
  for (int32_t i = 0; i < kItems; ++i) d.items.intern("i" + std::to_string(i));
  d.rows.reserve(static_cast<size_t>(total));
  for (int32_t u = 0; u < n_users; ++u) {
    int64_t t = 0;
    for (int32_t i : items[static_cast<size_t>(u)]) d.rows.push(u, i, 1.0f, ++t);
    std::vector<int32_t>().swap(items[static_cast<size_t>(u)]);
  }
  d.finalize();
  return d;
}

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Records the wall-clock and CPU (all threads) seconds of each iteration. CPU time shows the
// cost per core when other work shares the machine.
class IterationClock : public Progress {
 public:
  void start(const std::string&, int64_t, const std::string&) override {
    last_ = Clock::now();
    last_cpu_ = cpu_seconds();
  }
  void advance(int64_t) override {
    auto now = Clock::now();
    double cpu = cpu_seconds();
    seconds.push_back(std::chrono::duration<double>(now - last_).count());
    cpu_times.push_back(cpu - last_cpu_);
    last_ = now;
    last_cpu_ = cpu;
  }
  void status(const std::string&) override {}
  void finish() override {}
  std::vector<double> seconds, cpu_times;

 private:
  Clock::time_point last_;
  double last_cpu_ = 0;
};

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double v = -1;
  in >> v;
  return v;
}

std::map<std::string, std::string> parse_args(int argc, char** argv) {
  std::map<std::string, std::string> args = {
      {"scale", "1"}, {"iterations", "3"}, {"configs", "cg:64,cg:128,cholesky:64"}};
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto eq = a.find('=');
    if (eq == std::string::npos || !args.count(a.substr(0, eq)))
      LMREC_THROW(ConfigError,
                  "unknown argument '" + a + "'; expected scale=, iterations=, configs=");
    args[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return args;
}

int run(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  std::string command = argv[0];
  for (int k = 1; k < argc; ++k) command += std::string(" ") + argv[k];
  int cores = set_threads(0);
  auto t0 = Clock::now();
  Dataset data = synthetic(std::stod(args["scale"]), 20);
  double generate_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::stringstream configs(args["configs"]);
  for (std::string config; std::getline(configs, config, ',');) {
    auto colon = config.find(':');
    Options options;
    options.set("solver", config.substr(0, colon));
    options.set("factors", config.substr(colon + 1));
    options.set("iterations", args["iterations"]);
    IalsRecommender model(IalsOptions::parse(options));
    IterationClock clock;
    FitContext ctx;
    ctx.progress = &clock;
    auto start = Clock::now();
    model.fit(data, ctx);
    double fit = std::chrono::duration<double>(Clock::now() - start).count();
    double sum = std::accumulate(clock.seconds.begin(), clock.seconds.end(), 0.0);
    nlohmann::json out = {{"benchmark", "ials_iteration"},
                          {"command", command},
                          {"data", "synthetic ML-20M shape, seed 20"},
                          {"factors", model.factors()},
                          {"solver", config.substr(0, colon)},
                          {"cg_steps", IalsOptions::parse(options).cg_steps},
                          {"seconds_per_iteration", mean(clock.seconds)},
                          {"cpu_seconds_per_iteration", mean(clock.cpu_times)},
                          {"iteration_seconds", clock.seconds},
                          {"setup_seconds", fit - sum},
                          {"generate_seconds", generate_seconds},
                          {"users", data.n_users()},
                          {"items", data.n_items()},
                          {"interactions", data.n_interactions()},
                          {"cores", cores},
                          {"load_average", load_average()}};
    std::printf("%s\n", out.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  try {
    return lmrec::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ials: %s\n", e.what());
    return 1;
  }
}
