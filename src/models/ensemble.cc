#include "models/ensemble.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecENS";
constexpr uint32_t kVersion = 1;

std::string member_dir(const std::string& dir, size_t k) {
  return dir + "/member" + std::to_string(k);
}

// run.log -> run.member1.log
std::string member_path(const std::string& path, int64_t k) {
  std::filesystem::path p(path);
  auto ext = p.extension().string();
  return p.replace_extension(".member" + std::to_string(k) + ext).string();
}

// Row-wise log-softmax of `row` [n], added to `into` at `weight`.
void add_log_probabilities(const float* row, int64_t n, float weight, float* into) {
  float top = *std::max_element(row, row + n);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(row[i] - top));
  auto log_z = static_cast<float>(top + std::log(sum));
  for (int64_t i = 0; i < n; ++i) into[i] += weight * (row[i] - log_z);
}

}  // namespace

EnsembleOptions EnsembleOptions::parse(const Options& options) {
  EnsembleOptions o;
  o.member = options.get_string("member", o.member);
  o.members = options.get_int("members", o.members);
  if (o.member == "ensemble") LMREC_THROW(ConfigError, "ensemble: member cannot be an ensemble");
  if (o.members < 1) LMREC_THROW(ConfigError, "ensemble: members must be >= 1");
  Options rest;
  for (const auto& [key, value] : options.values())
    if (key != "member" && key != "members") rest.set(key, value);
  o.member_options = make_recommender(o.member, rest)->options();  // checks, fills defaults
  return o;
}

Options EnsembleOptions::to_options() const {
  Options o = member_options;
  o.set("member", member);
  o.set("members", std::to_string(members));
  return o;
}

EnsembleRecommender::EnsembleRecommender(EnsembleOptions options) : options_(std::move(options)) {}

Options EnsembleRecommender::member_run(int64_t k, double time_left) const {
  Options o = options_.member_options;
  if (o.has("seed")) o.set("seed", std::to_string(o.get_int("seed", 0) + k));
  if (o.get_double("time_limit", 0) > 0)
    o.set("time_limit", format_option(std::max(time_left / double(options_.members - k), 1e-6)));
  for (const char* path : {"log_path", "checkpoint_dir"}) {
    auto value = o.get_string(path, "");
    if (!value.empty() && options_.members > 1)
      o.set(path, std::string(path) == "log_path" ? member_path(value, k)
                                                  : value + "/member" + std::to_string(k));
  }
  return o;
}

void EnsembleRecommender::fit(const Dataset& train, const FitContext& ctx) {
  members_.clear();
  auto started = std::chrono::steady_clock::now();
  double limit = options_.member_options.get_double("time_limit", 0);
  std::vector<std::unique_ptr<Recommender>> fitted;
  for (int64_t k = 0; k < options_.members; ++k) {
    std::chrono::duration<double> used = std::chrono::steady_clock::now() - started;
    auto member = make_recommender(options_.member, member_run(k, limit - used.count()));
    member->fit(train, ctx);
    fitted.push_back(std::move(member));
  }
  members_ = std::move(fitted);
}

int32_t EnsembleRecommender::n_items() const {
  return members_.empty() ? 0 : members_.front()->n_items();
}

void EnsembleRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(!members_.empty(), UsageError, "ensemble: score() before fit() or load");
  int64_t n = n_items();
  std::fill(scores, scores + static_cast<int64_t>(users.size()) * n, 0.0f);
  std::vector<float> member_scores(users.size() * static_cast<size_t>(n));
  float weight = 1.0f / static_cast<float>(members_.size());
  for (const auto& member : members_) {
    member->score(users, member_scores.data());
    for (size_t u = 0; u < users.size(); ++u)
      add_log_probabilities(member_scores.data() + u * n, n, weight, scores + u * n);
  }
}

void EnsembleRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(!members_.empty(), UsageError, "ensemble: save before fit()");
  for (size_t k = 0; k < members_.size(); ++k) {
    std::filesystem::create_directories(member_dir(dir, k));
    save_model(*members_[k], member_dir(dir, k), {});
  }
  BinaryWriter out(dir + "/ensemble.bin", kMagic, kVersion);
  out.u64(members_.size());
  for (const auto& member : members_) out.str(member->options().to_json().dump());
  out.commit();
}

void EnsembleRecommender::load_weights(const std::string& dir) {
  BinaryReader in(dir + "/ensemble.bin", kMagic, kVersion, "ensemble file");
  auto count = in.u64();
  if (count != static_cast<uint64_t>(options_.members))
    LMREC_THROW(FormatError, dir + "/ensemble.bin: " + std::to_string(count) +
                                 " members, the options say " + std::to_string(options_.members));
  std::vector<std::unique_ptr<Recommender>> loaded;
  for (uint64_t k = 0; k < count; ++k) {
    auto expected = in.str();
    auto member = load_model(member_dir(dir, k));
    if (member->name() != options_.member || member->options().to_json().dump() != expected ||
        (k > 0 && member->n_items() != loaded.front()->n_items()))
      LMREC_THROW(FormatError, member_dir(dir, k) + ": not the ensemble's member " +
                                   std::to_string(k) + " (" + options_.member + ")");
    loaded.push_back(std::move(member));
  }
  in.expect_end();
  members_ = std::move(loaded);
}

}  // namespace lmrec
