// Sentence-encoding speed of USE-Lite on catalogue-like text: MovieLens latest-small titles and
// genres ("Toy Story (1995). Adventure, Animation, ...") from ../shared/data when present, else
// generated sentences. Writes the sentences it timed to $TMPDIR/lmrec-bench-text/sentences.txt
// so scripts/use-lite-bench.mjs can time the JavaScript runtime on exactly the same ones.
// Best of 3 encodes of all sentences after a warm-up; prints one JSON object. It also reports
// the arithmetic rate the encoder reached and, for scale, what BLAS reaches on the encoder's
// largest product alone with the same threads: the ceiling an exact fp32 port can approach.
//   bench_text_encode [--n N] [--threads T] [--sentences FILE] [--model-dir DIR]
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/threads.h"
#include "text/cached_encoder.h"
#include "text/use_lite.h"

namespace {

namespace fs = std::filesystem;
using namespace lmrec;

// "Toy Story (1995),Adventure|Animation" rows of movies.csv as one sentence each.
std::vector<std::string> movie_sentences(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto first = line.find(','), last = line.rfind(',');
    if (first == std::string::npos || last <= first) continue;
    std::string title = line.substr(first + 1, last - first - 1), genres = line.substr(last + 1);
    if (title.size() > 1 && title.front() == '"') title = title.substr(1, title.size() - 2);
    std::replace(genres.begin(), genres.end(), '|', ',');
    out.push_back(title + ". " + genres);
  }
  return out;
}

std::vector<std::string> generated_sentences(int n) {
  const std::vector<std::string> words = {
      "a",     "gripping", "story", "about", "the",    "detective", "who",   "loves",  "music",
      "in",    "Paris",    "with",  "her",   "friend", "comedy",    "drama", "action", "family",
      "space", "war",      "1995",  "old",   "new",    "dark",      "city",  "night",  "love"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(4, 24), word(0, static_cast<int>(words.size()) - 1);
  std::vector<std::string> out(n);
  for (auto& s : out)
    for (int k = length(rng); k > 0; --k) s += words[word(rng)] + (k > 1 ? " " : ".");
  return out;
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int k = 1; k + 1 < argc; ++k)
    if (argv[k] == name) return argv[k + 1];
  return fallback;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Multiply-adds of one encode: per token the projections of both layers (the first widens
// 256 to 512 through its residual projection) and the first layer's feed-forward layer; per
// text the last feed-forward output projection and the tanh layer; attention's len² terms.
double encoder_flops(const std::vector<int64_t>& lengths) {
  constexpr double kE = 256, kD = 512, kH = 1536;
  constexpr double per_token =
      kE * 3 * kE + kE * kD + kE * kD + 2 * kD * kH + kD * 3 * kD + kD * kD + kD * kH;
  double macs = 0;
  for (int64_t n : lengths)
    macs += n * per_token + kH * kD + kD * kD + double(n * n) * 2 * (kE + kD);
  return 2 * macs;
}

// GFLOP/s of `threads` threads each multiplying [rows × 512] by [512 × 1536] at once (after
// one warm-up product each).
double gemm_gflops(int threads, int rows) {
  constexpr int kK = 512, kN = 1536, kRepeats = 40;
  std::vector<std::vector<float>> a(threads, std::vector<float>(size_t(rows) * kK, 0.5f)),
      b(threads, std::vector<float>(size_t(kK) * kN, 0.25f)),
      c(threads, std::vector<float>(size_t(rows) * kN));
  auto multiply = [&](int t, int repeats) {
    for (int r = 0; r < repeats; ++r)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, kN, kK, 1.0f, a[t].data(), kK,
                  b[t].data(), kN, 0.0f, c[t].data(), kN);
  };
#pragma omp parallel num_threads(threads)
  multiply(omp_get_thread_num(), 1);
  auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
  multiply(omp_get_thread_num(), kRepeats);
  return 2.0 * rows * kK * kN * kRepeats * threads / seconds_since(t0) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int n = std::atoi(arg(argc, argv, "--n", "2000").c_str());
  int threads = set_threads(std::atoi(arg(argc, argv, "--threads", "0").c_str()));
  std::string source = arg(argc, argv, "--sentences", "");
  std::string movies = std::string(LMREC_SHARED_DATA) + "/ml-latest-small/movies.csv";
  std::vector<std::string> sentences;
  if (!source.empty()) {
    std::ifstream in(source);
    for (std::string line; std::getline(in, line);) sentences.push_back(line);
  } else if (fs::exists(movies)) {
    source = movies;
    sentences = movie_sentences(movies);
  } else {
    source = "generated";
    sentences = generated_sentences(n);
  }
  if (static_cast<int>(sentences.size()) > n) sentences.resize(n);
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir = fs::path(tmp && *tmp ? tmp : "/tmp") / "lmrec-bench-text";
  fs::create_directories(dir);
  std::ofstream((dir / "sentences.txt").string()) << [&] {
    std::string all;
    for (const auto& s : sentences) all += s + "\n";
    return all;
  }();

  UseLiteOptions options;
  options.model_dir = arg(argc, argv, "--model-dir", "");
  auto encoder = std::make_shared<UseLiteEncoder>(options);
  int64_t tokens = 0;
  std::vector<int64_t> lengths;
  for (const auto& s : sentences) {
    lengths.push_back(
        std::min<int64_t>(UseLiteEncoder::kMaxTokens, encoder->tokenizer().encode(s).size()));
    tokens += lengths.back();
  }
  encoder->encode(std::span(sentences).first(std::min<size_t>(100, sentences.size())));
  double best = 1e30;
  for (int repeat = 0; repeat < 3; ++repeat) {
    auto t0 = std::chrono::steady_clock::now();
    auto v = encoder->encode(sentences);
    best = std::min(best, seconds_since(t0));
  }
  // The same texts again through the cache: what an unchanged catalogue costs.
  CachedEncoder cached(encoder);
  cached.encode(sentences);
  auto t0 = std::chrono::steady_clock::now();
  cached.encode(sentences);
  double cached_seconds = seconds_since(t0);

  std::string command = argv[0];
  for (int k = 1; k < argc; ++k) command += std::string(" ") + argv[k];
  nlohmann::json out = {{"benchmark", "text_encode"},
                        {"command", command},
                        {"encoder", encoder->name()},
                        {"sentences_from", source},
                        {"sentences_file", (dir / "sentences.txt").string()},
                        {"sentences", sentences.size()},
                        {"mean_tokens", static_cast<double>(tokens) / sentences.size()},
                        {"batch_tokens", options.batch_tokens},
                        {"threads", threads},
                        {"seconds", best},
                        {"sentences_per_second", sentences.size() / best},
                        {"tokens_per_second", tokens / best},
                        {"cached_sentences_per_second", sentences.size() / cached_seconds},
                        {"encoder_gflops", encoder_flops(lengths) / best / 1e9},
                        {"gemm_gflops", gemm_gflops(threads, int(options.batch_tokens))},
                        {"cores", std::thread::hardware_concurrency()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
