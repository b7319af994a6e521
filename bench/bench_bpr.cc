// BPR training throughput on Amazon Beauty (leave-one-out train part): SGD samples per second
// with one thread and with all threads, the median over the epochs of one fit, validation
// excluded. Usage: bench_bpr [key=value ...] (bpr options; default epochs=10). Prints one JSON
// object per thread count.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/progress.h"
#include "core/threads.h"
#include "data/reader.h"
#include "data/split.h"
#include "models/bpr.h"

namespace lmrec {
namespace {

// CPU time of the whole process: with other work on the machine, samples per CPU second says
// more about the code than samples per wall second.
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Samples per epoch with samples_per_epoch = 0: the distinct (user, item) pairs.
int64_t train_pairs(const Dataset& train) {
  int64_t n = 0;
  for (int32_t u = 0; u < train.n_users(); ++u) {
    auto items = train.user_items(u);
    std::vector<int32_t> sorted(items.begin(), items.end());
    std::sort(sorted.begin(), sorted.end());
    n += std::unique(sorted.begin(), sorted.end()) - sorted.begin();
  }
  return n;
}

int run(int argc, char** argv) {
  std::string path = std::string(LMREC_SHARED_DATA) + "/amazon/beauty.txt";
  if (!std::filesystem::exists(path)) {
    std::printf("bench_bpr: skipped, %s not found\n", path.c_str());
    return 0;
  }
  Options options;
  options.set("epochs", "10");
  std::string command = "bench_bpr";
  for (int a = 1; a < argc; ++a) {
    options.set(argv[a]);
    command += std::string(" ") + argv[a];
  }
  NullProgress quiet;
  ReadOptions read;
  read.input = path;
  read.format = "s3rec";
  Dataset data = read_dataset(read, quiet);
  Dataset train = data.subset(leave_one_out(data).mask(Role::kTrain));
  BprOptions parsed = BprOptions::parse(options);
  int64_t pairs = train_pairs(train);
  int64_t per_epoch = parsed.samples_per_epoch > 0 ? parsed.samples_per_epoch : pairs;
  int cores = set_threads(0);
  for (int threads : {1, cores}) {
    set_threads(threads);
    BprRecommender model(parsed);
    FitContext ctx;
    ctx.progress = &quiet;
    double cpu = cpu_seconds();
    model.fit(train, ctx);
    cpu = cpu_seconds() - cpu;
    double samples = static_cast<double>(per_epoch) * model.training_log().size();
    std::vector<double> rates;
    for (const auto& e : model.training_log()) rates.push_back(e.samples_per_s);
    std::sort(rates.begin(), rates.end());
    nlohmann::json out = {{"benchmark", "bpr_train"},
                          {"command", command},
                          {"data", "beauty"},
                          {"train_pairs", pairs},
                          {"threads", threads},
                          {"cores", cores},
                          {"epochs", rates.size()},
                          {"samples_per_s_median", rates.empty() ? 0 : rates[rates.size() / 2]},
                          {"samples_per_cpu_s", cpu > 0 ? samples / cpu : 0.0},
                          {"final_loss", rates.empty() ? 0.0 : model.training_log().back().loss},
                          {"options", model.options().to_json()}};
    std::printf("%s\n", out.dump().c_str());
    if (cores == 1) break;
  }
  return 0;
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  try {
    return lmrec::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bpr: %s\n", e.what());
    return 1;
  }
}
