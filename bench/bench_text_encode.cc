// Sentence-encoding speed of USE-Lite on catalogue-like text: MovieLens latest-small titles and
// genres ("Toy Story (1995). Adventure, Animation, ...") from ../shared/data when present, else
// generated sentences. Writes the sentences it timed to $TMPDIR/lmrec-bench-text/sentences.txt
// so scripts/use-lite-bench.mjs can time the JavaScript runtime on exactly the same ones.
// Best of 3 encodes of all sentences after a warm-up; prints one JSON object.
//   bench_text_encode [--n N] [--threads T] [--sentences FILE] [--model-dir DIR]
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
  for (const auto& s : sentences)
    tokens += std::min<int64_t>(UseLiteEncoder::kMaxTokens, encoder->tokenizer().encode(s).size());
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
                        {"cores", std::thread::hardware_concurrency()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
