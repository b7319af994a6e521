// Import speed on a MovieLens-shaped ratings.csv: 10M lines by default (the first argument
// changes it), generated once with a fixed seed under $TMPDIR (or /tmp) and reused. Times
// read_dataset, finalize included, best of 3 with the file in the page cache, and prints one
// JSON object.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/progress.h"
#include "data/reader.h"

namespace {

namespace fs = std::filesystem;
using namespace lmrec;

constexpr int kItems = 27000;

// Writes users in order, each with a log-normal number of ratings of Zipf-popular items sorted by
// movie id (as in the real file), ratings in 0.5 steps and unix times.
void generate(const std::string& path, int64_t n_lines) {
  std::mt19937_64 rng(42);
  std::vector<int32_t> movie_id(kItems);  // popularity rank -> sparse movie id, like ML-25M's
  for (int k = 0; k < kItems; ++k) movie_id[k] = 1 + k * 7;
  std::shuffle(movie_id.begin(), movie_id.end(), rng);
  std::vector<double> weight(kItems);
  for (int k = 0; k < kItems; ++k) weight[k] = 1.0 / std::pow(k + 1.0, 0.9);
  std::discrete_distribution<int> item(weight.begin(), weight.end());
  std::discrete_distribution<int> half_stars({1, 2, 2, 4, 6, 12, 18, 26, 14, 15});
  std::lognormal_distribution<double> per_user(std::log(70.0) - 0.5, 1.0);
  std::uniform_int_distribution<int64_t> start(946684800, 1577836800), gap(1, 86400 * 30);

  std::string tmp = path + ".partial";
  FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) throw std::runtime_error("cannot write " + tmp);
  std::string buf = "userId,movieId,rating,timestamp\n";
  std::vector<int32_t> movies;
  char num[32];
  auto put = [&](auto v) { buf.append(num, std::to_chars(num, num + sizeof num, v).ptr); };
  for (int64_t written = 0, user = 1; written < n_lines; ++user) {
    auto n = std::min<int64_t>(n_lines - written, 1 + static_cast<int64_t>(per_user(rng)));
    movies.clear();
    for (int64_t k = 0; k < n; ++k) movies.push_back(movie_id[item(rng)]);
    std::sort(movies.begin(), movies.end());
    int64_t t = start(rng);
    for (int32_t m : movies) {
      int stars = half_stars(rng) + 1;
      put(user), buf += ',', put(m), buf += ',', put(stars / 2), buf += stars % 2 ? ".5," : ".0,";
      put(t += gap(rng) % 5000), buf += '\n';
    }
    written += n;
    if (buf.size() > (1 << 22)) std::fwrite(buf.data(), 1, buf.size(), out), buf.clear();
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (std::fclose(out) != 0) throw std::runtime_error("cannot write " + tmp);
  fs::rename(tmp, path);
}

std::string data_path(int64_t n_lines) {
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir =
      fs::path(tmp && *tmp ? tmp : "/tmp") / ("lmrec-bench-import-" + std::to_string(n_lines));
  fs::create_directories(dir);
  return (dir / "ratings.csv").string();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n_lines = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  std::string path = data_path(n_lines);
  if (!fs::exists(path)) generate(path, n_lines);

  NullProgress quiet;
  ReadOptions options;
  options.input = path;
  ReadReport report;
  double best = 1e30;
  int32_t users = 0, items = 0;
  for (int repeat = 0; repeat < 3; ++repeat) {
    auto t0 = std::chrono::steady_clock::now();
    Dataset data = read_dataset(options, quiet, &report);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    users = data.n_users();
    items = data.n_items();
  }
  std::string command = argv[0];
  for (int k = 1; k < argc; ++k) command += std::string(" ") + argv[k];
  nlohmann::json out = {{"benchmark", "import"},
                        {"command", command},
                        {"file", path},
                        {"format", report.format},
                        {"lines", report.lines},
                        {"users", users},
                        {"items", items},
                        {"seconds", best},
                        {"lines_per_second", static_cast<double>(report.lines) / best},
                        {"cores", std::thread::hardware_concurrency()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
