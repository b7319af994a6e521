// ANN retrieval for factor models: HNSW (hnswlib, biases folded in) against the exact scan
// (FactorModel::score + top_k). Per item set: index build time on all cores, then per-query
// latency p50/p99 on one core for the exact scan and for HNSW at each ef, and HNSW recall@10 /
// recall@100 against the exact lists. Every query excludes the user's history.
//
// Item sets:
//   clustered  100k × 64 factors + biases: items around 256 centres of Zipf-distributed sizes,
//              norms spread log-normally (as popularity spreads trained factor norms); users
//              are the mean of a few items of one cluster.
//   gaussian   100k × 64 i.i.d. normal factors + biases, users likewise; the easy-looking case
//              that trained factors are not.
//   real       with --real NAME: model NAME from the registry fitted on all events of
//              --real-data beauty (Amazon Beauty, default) or ml-latest-small; users = the
//              data's users (every n-th, their whole history).
//
// Usage: bench_ann [--items N] [--dim D] [--queries Q] [--ef 16,32,...] [--m 16]
//        [--ef-construction 200] [--real NAME] [--real-data beauty|ml-latest-small]
//        [--set key=value ...]
//        [--only clustered|gaussian|real]
// Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/progress.h"
#include "core/threads.h"
#include "data/reader.h"
#include "retrieval/factor_retriever.h"

namespace lmrec {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  int64_t items = 100000;
  int dim = 64, queries = 1000;
  std::string real, only, real_data = "beauty";
  HnswOptions hnsw;  // m 16, ef_construction 200
  Options real_options;
  // Past 128 for recall@100: a list of k needs a breadth of a few k.
  std::vector<int> efs = {16, 32, 64, 128, 256, 512};
};

// Fixed item factors; a user's vector is the mean of their history's item factors.
class SyntheticFactors : public FactorModel {
 public:
  SyntheticFactors(int32_t n, int f, std::vector<float> factors, std::vector<float> biases) {
    n_items_ = n;
    factors_ = f;
    item_factors_ = std::move(factors);
    item_biases_ = std::move(biases);
  }
  std::string name() const override { return "synthetic"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
  float user_vector(const UserContext& user, float* out) const override {
    std::fill(out, out + factors_, 0.0f);
    for (int32_t i : user.items)
      for (int f = 0; f < factors_; ++f) out[f] += item_factors_[size_t(i) * factors_ + f];
    for (int f = 0; f < factors_ && !user.items.empty(); ++f) out[f] /= user.items.size();
    return 0.0f;
  }
};

struct ItemSet {
  std::string name;
  std::unique_ptr<Recommender> owner;
  const FactorModel* model = nullptr;
  std::vector<UserContext> users;
  nlohmann::json about;
};

ItemSet synthetic(const BenchArgs& a, bool clustered, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int clusters = 256;
  const float scale = 1.0f / std::sqrt(static_cast<float>(a.dim));
  std::vector<float> centres(size_t(clusters) * a.dim);
  for (float& x : centres) x = normal(rng) * scale;
  // Zipf-like cluster sizes: cluster c is drawn with weight 1 / (c + 1).
  std::vector<double> weights(clusters);
  for (int c = 0; c < clusters; ++c) weights[c] = 1.0 / (c + 1);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::lognormal_distribution<float> norm(0.0f, 0.5f);
  std::vector<float> factors(size_t(a.items) * a.dim), biases(size_t(a.items));
  std::vector<std::vector<int32_t>> members(clusters);
  for (int64_t i = 0; i < a.items; ++i) {
    int c = pick(rng);
    members[c].push_back(static_cast<int32_t>(i));
    float s = clustered ? norm(rng) : 1.0f;
    for (int d = 0; d < a.dim; ++d) {
      float noise = normal(rng) * scale;
      factors[size_t(i) * a.dim + d] =
          clustered ? s * (centres[size_t(c) * a.dim + d] + 0.5f * noise) : noise;
    }
    biases[i] = 0.3f * normal(rng);
  }
  ItemSet set;
  set.name = clustered ? "clustered" : "gaussian";
  auto model = std::make_unique<SyntheticFactors>(static_cast<int32_t>(a.items), a.dim,
                                                  std::move(factors), std::move(biases));
  std::uniform_int_distribution<int32_t> any(0, static_cast<int32_t>(a.items - 1));
  for (int q = 0; q < a.queries; ++q) {
    UserContext u;
    const auto& m = members[pick(rng)];
    for (int j = 0; j < 5; ++j)
      u.items.push_back(clustered && !m.empty() ? m[rng() % m.size()] : any(rng));
    set.users.push_back(std::move(u));
  }
  set.model = model.get();
  set.owner = std::move(model);
  set.about = {{"source", "synthetic, seed " + std::to_string(seed)},
               {"clusters", clustered ? clusters : 0},
               {"history_per_user", 5}};
  return set;
}

ItemSet real_set(const BenchArgs& a) {
  ReadOptions read;
  if (a.real_data == "beauty") {
    read.input = std::string(LMREC_SHARED_DATA) + "/amazon/beauty.txt";
    read.format = "s3rec";
  } else if (a.real_data == "ml-latest-small") {
    read.input = std::string(LMREC_SHARED_DATA) + "/ml-latest-small";
    read.format = "movielens";
  } else {
    LMREC_THROW(ConfigError, "--real-data must be beauty or ml-latest-small");
  }
  if (!std::filesystem::exists(read.input)) LMREC_THROW(IoError, read.input + " not found");
  NullProgress quiet;
  Dataset data = read_dataset(read, quiet);
  ItemSet set;
  set.name = "real";
  set.owner = make_recommender(a.real, a.real_options);
  set.model = dynamic_cast<const FactorModel*>(set.owner.get());
  if (!set.model) LMREC_THROW(ConfigError, a.real + " is not a factor model");
  set_threads(2);
  auto start = Clock::now();
  set.owner->fit(data, FitContext{&quiet, {}});
  double fit = std::chrono::duration<double>(Clock::now() - start).count();
  int32_t step = std::max<int32_t>(1, data.n_users() / a.queries);
  for (int32_t u = 0; u < data.n_users() && int(set.users.size()) < a.queries; u += step)
    set.users.push_back(make_context(data, u));
  set.about = {{"source", read.input + ", all events"},
               {"model", a.real},
               {"options", set.owner->options().to_json()},
               {"fit_seconds", fit}};
  return set;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}

// Runs every query through `r` with list length k; returns the lists and per-query latencies.
std::vector<std::vector<ScoredItem>> run_queries(const Retriever& r, const ItemSet& set, int k,
                                                 std::vector<double>& ms) {
  std::vector<std::vector<ScoredItem>> lists;
  ms.clear();
  for (const auto& u : set.users) {
    auto start = Clock::now();
    lists.push_back(r.retrieve(u, k, u.items));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return lists;
}

double recall(const std::vector<std::vector<ScoredItem>>& truth,
              const std::vector<std::vector<ScoredItem>>& got) {
  double found = 0, wanted = 0;
  for (size_t q = 0; q < truth.size(); ++q) {
    std::set<int32_t> t;
    for (const auto& s : truth[q]) t.insert(s.item);
    for (const auto& s : got[q]) found += t.count(s.item);
    wanted += static_cast<double>(t.size());
  }
  return wanted > 0 ? found / wanted : 1.0;
}

nlohmann::json latency(const std::vector<double>& ms) {
  return {{"p50_ms", percentile(ms, 0.5)}, {"p99_ms", percentile(ms, 0.99)}};
}

nlohmann::json measure(ItemSet& set, const BenchArgs& a) {
  const FactorModel& model = *set.model;
  const HnswOptions& options = a.hnsw;
  int build_threads = set_threads(2);
  auto start = Clock::now();
  HnswIndex index = build_factor_index(model, options);
  double build = std::chrono::duration<double>(Clock::now() - start).count();
  set_threads(1);
  FactorRetriever exact(model), ann(model, std::move(index));
  std::vector<double> ms;
  run_queries(exact, set, 10, ms);  // warm-up: pages, caches, BLAS buffers
  auto truth10 = run_queries(exact, set, 10, ms);
  nlohmann::json exact_json = latency(ms);
  auto truth100 = run_queries(exact, set, 100, ms);
  exact_json["p50_ms_k100"] = percentile(ms, 0.5);
  nlohmann::json rows = nlohmann::json::array();
  for (int ef : a.efs) {
    ann.set_ef(ef);
    run_queries(ann, set, 10, ms);  // warm-up
    auto got10 = run_queries(ann, set, 10, ms);
    nlohmann::json row = latency(ms);
    auto got100 = run_queries(ann, set, 100, ms);
    row["ef"] = ef;
    row["recall@10"] = recall(truth10, got10);
    row["recall@100"] = recall(truth100, got100);
    row["p50_ms_k100"] = percentile(ms, 0.5);
    rows.push_back(row);
  }
  nlohmann::json out = set.about;
  out.update({{"set", set.name},
              {"items", model.n_items()},
              {"factors", model.factors()},
              {"biases", !model.item_biases().empty()},
              {"queries", set.users.size()},
              {"hnsw", {{"m", options.m}, {"ef_construction", options.ef_construction}}},
              {"build_seconds", build},
              {"build_threads", build_threads},
              {"query_threads", 1},
              {"exact", exact_json},
              {"hnsw_by_ef", rows}});
  return out;
}

// Other work on the machine shows in the tail latencies; the load average says how much.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::vector<int> parse_efs(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) out.push_back(std::stoi(part));
  return out;
}

BenchArgs parse(int argc, char** argv) {
  BenchArgs a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) LMREC_THROW(ConfigError, flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--items")
      a.items = std::stoll(value);
    else if (flag == "--dim")
      a.dim = std::stoi(value);
    else if (flag == "--queries")
      a.queries = std::stoi(value);
    else if (flag == "--real")
      a.real = value;
    else if (flag == "--real-data")
      a.real_data = value;
    else if (flag == "--only")
      a.only = value;
    else if (flag == "--ef")
      a.efs = parse_efs(value);
    else if (flag == "--m")
      a.hnsw.m = std::stoi(value);
    else if (flag == "--ef-construction")
      a.hnsw.ef_construction = std::stoi(value);
    else if (flag == "--set")
      a.real_options.set(value);
    else
      LMREC_THROW(ConfigError, "unknown flag " + flag);
  }
  return a;
}

int run(int argc, char** argv) {
  BenchArgs a = parse(argc, argv);
  std::string load_before = load_average();
  nlohmann::json sets = nlohmann::json::array();
  auto wanted = [&](const std::string& name) { return a.only.empty() || a.only == name; };
  for (bool clustered : {true, false}) {
    if (!wanted(clustered ? "clustered" : "gaussian")) continue;
    ItemSet set = synthetic(a, clustered, 42);
    sets.push_back(measure(set, a));
  }
  if (!a.real.empty() && wanted("real")) {
    try {
      ItemSet set = real_set(a);
      sets.push_back(measure(set, a));
    } catch (const Error& e) {
      sets.push_back({{"set", "real"}, {"skipped", e.what()}});
    }
  }
  std::string cmd;
  for (int i = 0; i < argc; ++i) cmd += (i ? " " : "") + std::string(argv[i]);
  nlohmann::json out = {{"benchmark", "ann"},
                        {"command", cmd},
                        {"machine",
                         {{"cpu", cpu_name()},
                          {"hardware_threads", set_threads(0)},
                          {"load_average_before", load_before},
                          {"load_average_after", load_average()}}},
                        {"note",
                         "build on 2 threads, queries on 1; latency per single query "
                         "(k = 10 unless _k100), history excluded"},
                        {"sets", sets}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace
}  // namespace lmrec

int main(int argc, char** argv) {
  try {
    return lmrec::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ann: %s\n", e.what());
    return 1;
  }
}
