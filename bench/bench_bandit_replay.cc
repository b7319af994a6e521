// Offline replay of the exploration slot (serve/bandit.h) on ml-latest-small: iALS is fitted
// on the first 80% of events by time; for every later event, the candidates are the model's
// top-20 for the user's history so far, and each policy picks one. A step counts when the pick
// is the logged item (the replay method); its reward is rating >= 4. Policies: the model's
// top item (greedy), a uniform pick, and Thompson sampling. The log was not collected at
// random, so the figures compare policies; they do not predict online click rates.
// Prints one JSON object.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <thread>

#include "data/reader.h"
#include "models/recommender.h"
#include "serve/bandit.h"

using namespace lmrec;

struct Replay {
  int64_t matched = 0;
  double reward = 0;
  void step(int32_t pick, int32_t logged, double r) {
    if (pick != logged) return;
    ++matched;
    reward += r;
  }
  nlohmann::json json() const {
    return {{"matched", matched}, {"reward_rate", matched ? reward / matched : 0.0}};
  }
};

int main() {
  std::string path = std::string(LMREC_SHARED_DATA) + "/ml-latest-small";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "skipped: no data at %s\n", path.c_str());
    return 0;
  }
  ReadOptions read;
  read.input = path;
  read.format = "movielens";
  NullProgress progress;
  Dataset data = read_dataset(read, progress);
  std::vector<int64_t> order(static_cast<size_t>(data.n_interactions()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return data.rows.time[a] < data.rows.time[b]; });
  size_t cut = order.size() * 8 / 10;
  std::vector<uint8_t> train_mask(order.size(), 0);
  for (size_t k = 0; k < cut; ++k) train_mask[order[k]] = 1;
  Dataset train = data.subset(train_mask);
  auto model = make_recommender("ials", Options());
  FitContext ctx;
  ctx.progress = &progress;
  model->fit(train, ctx);

  std::vector<std::vector<int32_t>> history(static_cast<size_t>(data.n_users()));
  for (int64_t r = 0; r < train.n_interactions(); ++r)
    history[train.rows.user[r]].push_back(train.rows.item[r]);
  const int pool_size = 20;
  std::mt19937_64 rng(42);
  ThompsonBandit bandit;
  Replay greedy, uniform, thompson;
  int64_t steps = 0, in_pool = 0;
  for (size_t k = cut; k < order.size(); ++k) {
    int64_t row = order[k];
    int32_t u = data.rows.user[row], logged = data.rows.item[row];
    double reward = data.rows.value[row] >= 4.0f ? 1.0 : 0.0;
    UserContext user;
    user.items = history[u];
    auto top = model->recommend(user, pool_size);
    std::vector<int32_t> pool;
    for (const auto& s : top) pool.push_back(s.item);
    history[u].push_back(logged);
    ++steps;
    if (pool.empty()) continue;
    in_pool += std::count(pool.begin(), pool.end(), logged);
    greedy.step(pool[0], logged, reward);
    uniform.step(pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)], logged,
                 reward);
    int32_t pick = bandit.choose(pool, 1, rng)[0];
    thompson.step(pick, logged, reward);
    if (pick == logged) {
      bandit.shown("replay", pick);
      if (reward > 0) bandit.clicked("replay", pick);
    }
  }
  nlohmann::json out = {
      {"benchmark", "bandit_replay"},
      {"data", "ml-latest-small"},
      {"model", "ials"},
      {"train", "first 80% of events by time"},
      {"pool", pool_size},
      {"steps", steps},
      {"logged_item_in_pool", in_pool},
      {"cores", std::thread::hardware_concurrency()},
      {"policies",
       {{"greedy", greedy.json()}, {"uniform", uniform.json()}, {"thompson", thompson.json()}}}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
