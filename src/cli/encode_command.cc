// lmrec encode: sentence embeddings of text lines (a file or stdin), as NumPy .npy [lines × dim]
// or JSON lines ({"text": ..., "embedding": [...]}, streamed).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/errors.h"
#include "models/factor_model.h"
#include "text/cached_encoder.h"
#include "text/text_encoder.h"

namespace lmrec::cli {
namespace {

struct EncodeArgs {
  std::string input = "-", out, format, encoder = "use-lite", model_dir, cache;
  int64_t chunk = 4096;
};

std::string output_format(const EncodeArgs& a) {
  std::string f = a.format;
  if (f.empty()) f = a.out.size() >= 4 && a.out.ends_with(".npy") ? "npy" : "jsonl";
  if (f != "npy" && f != "jsonl") LMREC_THROW(ConfigError, "--format must be npy or jsonl");
  if (f == "npy" && a.out.empty()) LMREC_THROW(ConfigError, "--format npy needs --out FILE");
  return f;
}

int run_encode(const EncodeArgs& a, const GlobalFlags& flags) {
  const std::string format = output_format(a);
  if (a.chunk < 1) LMREC_THROW(ConfigError, "--chunk must be >= 1");
  Options options;
  if (!a.model_dir.empty()) options.set("model_dir", a.model_dir);
  std::shared_ptr<const TextEncoder> encoder = make_text_encoder(a.encoder, options);
  std::shared_ptr<CachedEncoder> cache;
  if (!a.cache.empty()) encoder = cache = std::make_shared<CachedEncoder>(encoder, a.cache);

  std::ifstream file;
  if (a.input != "-") {
    file.open(a.input, std::ios::binary);
    if (!file) LMREC_THROW(IoError, "cannot open " + a.input);
  }
  std::istream& in = a.input == "-" ? std::cin : file;
  std::ofstream out_file;
  if (format == "jsonl" && !a.out.empty()) {
    out_file.open(a.out, std::ios::binary | std::ios::trunc);
    if (!out_file) LMREC_THROW(IoError, "cannot write " + a.out);
  }
  std::ostream& out = out_file.is_open() ? out_file : std::cout;

  auto progress = flags.make_progress();
  progress->start("encode", 0, "texts");
  const size_t dim = static_cast<size_t>(encoder->dim());
  std::vector<float> all;  // .npy needs the row count up front, so it is written at the end
  int64_t rows = 0;
  std::vector<std::string> lines;
  for (std::string line;;) {
    lines.clear();
    while (lines.size() < static_cast<size_t>(a.chunk) && std::getline(in, line))
      lines.push_back(line.ends_with('\r') ? line.substr(0, line.size() - 1) : line);
    if (lines.empty()) break;
    std::vector<float> v = encoder->encode(lines);
    if (format == "npy") {
      all.insert(all.end(), v.begin(), v.end());
    } else {
      for (size_t i = 0; i < lines.size(); ++i) {
        nlohmann::json row = {
            {"text", lines[i]},
            {"embedding", std::vector<float>(v.begin() + i * dim, v.begin() + (i + 1) * dim)}};
        out << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      }
      if (!out) LMREC_THROW(IoError, "cannot write " + (a.out.empty() ? "stdout" : a.out));
    }
    rows += static_cast<int64_t>(lines.size());
    progress->advance(static_cast<int64_t>(lines.size()));
  }
  progress->finish();
  if (a.input != "-" && file.bad()) LMREC_THROW(IoError, "cannot read " + a.input);
  if (format == "npy") write_npy(a.out, all, rows, static_cast<int64_t>(dim));
  if (cache) cache->save();
  if (!a.out.empty())
    std::fprintf(stderr, "encoded %lld texts with %s (%zu-d) into %s%s\n",
                 static_cast<long long>(rows), encoder->name().c_str(), dim, a.out.c_str(),
                 cache ? (", " + std::to_string(cache->misses()) + " newly encoded").c_str() : "");
  return 0;
}

}  // namespace

Command add_encode(CLI::App& root, const GlobalFlags& flags) {
  auto args = std::make_shared<EncodeArgs>();
  auto* app = root.add_subcommand("encode", "embed lines of text with a sentence encoder");
  app->add_option("--input,-i", args->input, "text file, one text per line ('-' = stdin)")
      ->capture_default_str();
  app->add_option("--out,-o", args->out, "output file (.npy or JSON lines; default stdout)");
  app->add_option("--format", args->format, "npy or jsonl (default: from --out's extension)");
  app->add_option("--encoder", args->encoder, "text encoder")->capture_default_str();
  app->add_option(
      "--model-dir", args->model_dir,
      "model folder (default: $LMREC_USE_LITE, else cache/use-lite of the source tree)");
  app->add_option("--cache", args->cache,
                  "embedding cache file: texts already in it are not encoded again");
  app->add_option("--chunk", args->chunk, "texts read and encoded at a time")
      ->capture_default_str();
  return {app, [args, &flags] { return run_encode(*args, flags); }};
}

}  // namespace lmrec::cli
