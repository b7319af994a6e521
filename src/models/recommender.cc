#include "models/recommender.h"

#include <filesystem>
#include <fstream>
#include <limits>

#include "core/errors.h"
#include "core/json_depth.h"

namespace lmrec {

namespace {
constexpr int kModelFormat = 1;
}

std::vector<ScoredItem> Recommender::recommend(const UserContext& user, int k,
                                               std::span<const int32_t> exclude,
                                               bool exclude_seen) const {
  std::vector<float> scores(static_cast<size_t>(n_items()));
  score(std::span<const UserContext>(&user, 1), scores.data());
  constexpr float kExcluded = -std::numeric_limits<float>::infinity();
  auto mask = [&](int32_t i) {
    if (i >= 0 && i < n_items()) scores[static_cast<size_t>(i)] = kExcluded;
  };
  for (int32_t i : exclude) mask(i);
  if (exclude_seen)
    for (int32_t i : user.items) mask(i);
  return top_k(scores, k);
}

void save_model(const Recommender& model, const std::string& dir, const nlohmann::json& extra) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) LMREC_THROW(IoError, "cannot create model folder " + dir + ": " + ec.message());
  nlohmann::json config = extra;
  config["name"] = model.name();
  config["format"] = kModelFormat;
  config["options"] = model.options().to_json();
  config["n_items"] = model.n_items();
  model.save_weights(dir);
  std::ofstream out(dir + "/config.json");
  out << config.dump(2) << "\n";
  if (!out) LMREC_THROW(IoError, "cannot write " + dir + "/config.json");
}

std::unique_ptr<Recommender> load_model(const std::string& dir, nlohmann::json* config_out) {
  std::string path = dir + "/config.json";
  if (!std::ifstream(path))
    LMREC_THROW(IoError, "cannot open model " + path + " (is " + dir + " a model folder?)");
  nlohmann::json config;
  try {
    config = parse_json_file_bounded(path);  // FormatError when nested too deeply
  } catch (const nlohmann::json::exception& e) {
    LMREC_THROW(FormatError, path + ": not valid JSON: " + e.what());
  }
  if (!config.contains("name") || !config.contains("format") || !config.contains("options"))
    LMREC_THROW(FormatError, path + ": missing name, format or options");
  if (config["format"] != kModelFormat)
    LMREC_THROW(FormatError, path + ": model format " + config["format"].dump() +
                                 ", this build reads format " + std::to_string(kModelFormat));
  if (!config["name"].is_string()) LMREC_THROW(FormatError, path + ": name is not a string");
  // An unknown name or option means the folder was written by another model or build.
  std::unique_ptr<Recommender> model;
  try {
    Options options;
    options.merge_json(config["options"]);
    model = make_recommender(config["name"].get<std::string>(), options);
  } catch (const ConfigError& e) {
    LMREC_THROW(FormatError, path + ": " + e.what());
  }
  model->load_weights(dir);
  if (config.contains("n_items") && config["n_items"] != model->n_items())
    LMREC_THROW(FormatError, path + ": config says " + config["n_items"].dump() +
                                 " items, weights have " + std::to_string(model->n_items()));
  if (config_out) *config_out = std::move(config);
  return model;
}

}  // namespace lmrec
