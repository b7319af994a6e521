// lmrec export: a factor model's item vectors as files other tools read: NumPy .npy (default) or
// raw little-endian float32 (.bin), with a manifest (export.json) giving shapes and the scoring
// formula, and with --data the raw item id of each row (items.txt).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/factor_access.h"
#include "core/errors.h"
#include "data/dataset_file.h"

namespace lmrec::cli {
namespace {

struct ExportArgs {
  std::string model, out, format = "npy", data;
  bool json = false;
};

void write_raw(const std::string& path, std::span<const float> data) {
  std::ofstream out(path, std::ios::binary);
  if (!out) LMREC_THROW(IoError, "cannot write " + path);
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size_bytes()));
  if (!out) LMREC_THROW(IoError, "cannot write " + path + ": disk full or I/O error");
}

// Writes one array and returns its manifest entry.
nlohmann::json write_array(const ExportArgs& a, const std::string& stem,
                           std::span<const float> data, std::vector<int64_t> shape) {
  std::string file = stem + "." + a.format;
  std::string path = a.out + "/" + file;
  if (a.format == "bin")
    write_raw(path, data);
  else if (shape.size() == 1)
    write_npy(path, data);
  else
    write_npy(path, data, shape[0], shape[1]);
  return {{"file", file}, {"shape", shape}};
}

void write_item_ids(const ExportArgs& a, const FactorModel& model, nlohmann::json& manifest) {
  Dataset data = load_dataset(a.data);
  if (data.n_items() != model.n_items())
    LMREC_THROW(FormatError, "model " + a.model + " knows " + std::to_string(model.n_items()) +
                                 " items, dataset " + a.data + " has " +
                                 std::to_string(data.n_items()));
  std::ofstream out(a.out + "/items.txt");
  for (int32_t i = 0; i < data.n_items(); ++i) out << data.items.name(i) << '\n';
  if (!out) LMREC_THROW(IoError, "cannot write " + a.out + "/items.txt");
  manifest["item_ids"] = {{"file", "items.txt"}, {"rows", data.n_items()}};
}

int run_export(const ExportArgs& a) {
  if (a.format != "npy" && a.format != "bin")
    LMREC_THROW(ConfigError, "--format must be npy or bin, got '" + a.format + "'");
  auto loaded = load_model(a.model);
  const FactorModel& model = factor_model(*loaded, a.model, "lmrec export");
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) LMREC_THROW(IoError, "cannot create " + a.out + ": " + ec.message());
  nlohmann::json manifest = {
      {"model", model.name()},
      {"source", a.model},
      {"items", model.n_items()},
      {"factors", model.factors()},
      {"format", a.format},
      {"dtype", "float32, little-endian, row-major"},
      {"score", "offset(user) + item_biases[i] + dot(user_vector, item_factors[i])"}};
  manifest["item_factors"] =
      write_array(a, "item_factors", model.item_factors(), {model.n_items(), model.factors()});
  if (!model.item_biases().empty())
    manifest["item_biases"] = write_array(a, "item_biases", model.item_biases(), {model.n_items()});
  if (!a.data.empty()) write_item_ids(a, model, manifest);
  std::ofstream out(a.out + "/export.json");
  out << manifest.dump(2) << "\n";
  if (!out) LMREC_THROW(IoError, "cannot write " + a.out + "/export.json");
  if (a.json)
    std::printf("%s\n", manifest.dump(2).c_str());
  else
    std::printf("exported %d items × %d factors of %s to %s\n", model.n_items(), model.factors(),
                model.name().c_str(), a.out.c_str());
  return 0;
}

}  // namespace

Command add_export(CLI::App& root, const GlobalFlags&) {
  auto args = std::make_shared<ExportArgs>();
  auto* app = root.add_subcommand("export", "write a factor model's item factors and biases");
  app->add_option("--model,-m", args->model, "model folder (a factor model)")->required();
  app->add_option("--out,-o", args->out, "output folder")->required();
  app->add_option("--format", args->format, "npy (NumPy) or bin (raw float32)")
      ->capture_default_str();
  app->add_option("--data,-d", args->data, "dataset file: also write the raw item ids (items.txt)");
  app->add_flag("--json", args->json, "print the manifest as JSON");
  return {app, [args] { return run_export(*args); }};
}

}  // namespace lmrec::cli
