#include "cli/model_run.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/errors.h"
#include "data/dataset_file.h"
#include "eval/cases.h"
#include "eval/evaluator.h"

namespace lmrec::cli {

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

namespace {

// "NDCG@10" -> its K, so validation evaluates only the list length it needs.
int metric_k(const std::string& metric) {
  auto at = metric.find('@');
  if (at == std::string::npos) return 10;
  try {
    return std::stoi(metric.substr(at + 1));
  } catch (const std::exception&) {
    LMREC_THROW(ConfigError, "metric '" + metric + "': expected NAME@K, e.g. NDCG@10");
  }
}
}  // namespace

ModelRun::ModelRun(const std::string& data_path, const std::string& split_method)
    : ModelRun(load_dataset(data_path), data_path, split_method) {}

ModelRun::ModelRun(Dataset data, const std::string& label, const std::string& split_method)
    : path_(label), data_(std::move(data)), split_(make_split(data_, split_method)) {
  for (uint8_t r : split_.role) has_valid_ |= r == static_cast<uint8_t>(Role::kValid);
  train_ = data_.subset(split_.mask(Role::kTrain));
  if (has_valid_) valid_cases_ = validation_cases(data_, split_);
}

double ModelRun::validate(const Recommender& model, const std::string& metric) const {
  if (!has_valid_) return std::numeric_limits<double>::quiet_NaN();
  EvalOptions options;
  options.ks = {metric_k(metric)};
  EvalResult result = evaluate(model, data_, split_, Role::kValid, options);
  auto it = result.overall.values.find(metric);
  if (it == result.overall.values.end())
    LMREC_THROW(ConfigError,
                "unknown validation metric '" + metric + "' (e.g. NDCG@10, HR@10, Recall@20)");
  return it->second;
}

TrainOutcome ModelRun::train(const std::string& model_name, const Options& options,
                             const std::string& metric, Progress& progress) const {
  TrainOutcome out;
  out.model = make_recommender(model_name, options);
  FitContext ctx;
  ctx.progress = &progress;
  if (has_valid_) ctx.valid = &valid_cases_;
  if (has_valid_)
    ctx.validate = [this, metric](const Recommender& m) { return validate(m, metric); };
  auto start = std::chrono::steady_clock::now();
  out.model->fit(train_, ctx);
  out.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.valid_metric = validate(*out.model, metric);
  return out;
}

nlohmann::json ModelRun::describe() const {
  return {{"dataset", path_},
          {"dataset_fingerprint", hex64(data_.fingerprint())},
          {"split", split_.method},
          {"users", data_.n_users()},
          {"train_interactions", train_.n_interactions()}};
}

void ModelRun::check_model_matches(const nlohmann::json& config, const std::string& dir) const {
  std::string mine = hex64(data_.fingerprint());
  if (config.contains("dataset_fingerprint") && config["dataset_fingerprint"] != mine)
    LMREC_THROW(FormatError, "model " + dir + " was trained on dataset " +
                                 config.value("dataset", std::string("?")) + " (fingerprint " +
                                 config["dataset_fingerprint"].get<std::string>() + "), not on " +
                                 path_ + " (fingerprint " + mine + ")");
}

LoadedModel load_model_with_data(const std::string& model_dir, const std::string& data_path) {
  LoadedModel out;
  out.model = load_model(model_dir);
  out.data = load_dataset(data_path);
  if (out.data.n_items() != out.model->n_items())
    LMREC_THROW(FormatError, "model " + model_dir + " knows " +
                                 std::to_string(out.model->n_items()) + " items, dataset " +
                                 data_path + " has " + std::to_string(out.data.n_items()));
  return out;
}

UserContext known_user(const Dataset& data, const std::string& user, const std::string& data_path) {
  int32_t u = data.users.find(user);
  if (u < 0) LMREC_THROW(ConfigError, "unknown user '" + user + "' in " + data_path);
  return make_context(data, u);
}

int32_t known_item(const Dataset& data, const std::string& item, const std::string& data_path) {
  int32_t i = data.items.find(item);
  if (i < 0) LMREC_THROW(ConfigError, "unknown item '" + item + "' in " + data_path);
  return i;
}

UserContext items_history(const Dataset& data, const std::string& items,
                          const std::string& data_path) {
  UserContext ctx;
  std::stringstream in(items);
  for (std::string name; std::getline(in, name, ',');)
    ctx.items.push_back(known_item(data, name, data_path));
  return ctx;
}

}  // namespace lmrec::cli
