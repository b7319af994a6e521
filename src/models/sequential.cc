#include "models/sequential.h"

#include <cblas.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sequence_augment.h"
#include "models/train/sequence_batches.h"
#include "models/train/sequence_net.h"
#include "models/train/sequence_task.h"
#include "models/train/tensor_io.h"
#include "models/train/trainer.h"

namespace lmrec {

namespace {

// What is left of a time limit (0 = none) begun at `started`; a spent limit leaves a moment, so
// the next run stops after its first batch instead of running unlimited.
double time_left(double limit, std::chrono::steady_clock::time_point started) {
  if (limit <= 0) return limit;
  auto used = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::max(limit - used, 1e-6);
}

constexpr char kMagic[9] = "lmrecSEQ";
// 2: item content in the weights; 3: item text, and positions may count from the oldest input
// (a version 2 model counts from the newest); 4: whether training read prefixes.
constexpr uint32_t kVersion = 4;
// Rows of the HSTU time bias: log2 buckets of seconds, 2^63 s and beyond in the last.
constexpr int64_t kTimeBuckets = 64;

std::vector<float> log_popularity(const Dataset& data) {
  std::vector<float> counts(static_cast<size_t>(data.n_items()), 0.0f);
  for (int32_t u = 0; u < data.n_users(); ++u)
    for (int32_t item : data.user_items(u)) counts[static_cast<size_t>(item)] += 1.0f;
  for (float& c : counts) c = std::log1p(c);
  return counts;
}

// samples=auto: prefixes where the encoding work they add (every target re-reads up to max_len
// items, ~12·hidden² multiply-adds per item and layer) is at most twice the softmax work of the
// targets (n_items·hidden each): short histories over large catalogues, as in Amazon's data.
bool prefixes_pay(const Dataset& data, const SequentialOptions& o) {
  double extra = 0, targets = 0;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    int64_t n = data.user_count(u);
    for (int64_t k = 1; k < n; ++k, ++targets) extra += static_cast<double>(std::min(k, o.max_len));
    extra -= static_cast<double>(std::max<int64_t>(n - 1, 0));  // what windows read anyway
  }
  auto encode = extra * static_cast<double>(o.layers) * 12.0 * static_cast<double>(o.hidden);
  return targets > 0 && encode <= 2.0 * targets * static_cast<double>(data.n_items());
}

ItemContent item_content(const Dataset& data, const std::string& model) {
  ItemContent c;
  c.n_categories = data.catalogue.category_names.size();
  c.offsets.push_back(0);
  for (int32_t i = 0; i < data.n_items(); ++i) {
    if (static_cast<size_t>(i) < data.catalogue.categories.size())
      for (int32_t cat : data.catalogue.categories[static_cast<size_t>(i)]) c.ids.push_back(cat);
    c.offsets.push_back(static_cast<int64_t>(c.ids.size()));
  }
  if (c.ids.empty())
    LMREC_THROW(ConfigError, model + ": content=true, but the data has no item categories");
  return c;
}

bool valid_content(const ItemContent& c, uint64_t items) {
  if (c.offsets.size() != items + 1 || c.offsets.front() != 0) return false;
  if (c.offsets.back() != static_cast<int64_t>(c.ids.size())) return false;
  for (size_t k = 1; k < c.offsets.size(); ++k)
    if (c.offsets[k] < c.offsets[k - 1]) return false;
  for (int64_t id : c.ids)
    if (id < 0 || id >= c.n_categories) return false;
  return true;
}

}  // namespace

TrainOptions SequentialOptions::default_train() {
  TrainOptions t;
  t.epochs = 200;
  t.batch_size = 128;
  t.learning_rate = 1e-3;
  t.patience = 5;
  t.eval_every = 2;
  return t;
}

SequentialOptions SequentialOptions::parse(const Options& options, const std::string& model,
                                           bool masked, SequentialOptions o) {
  auto known = TrainOptions::keys();
  known.insert({"hidden", "layers", "heads", "max_len", "dropout"});
  known.insert("mask_probability");
  known.insert({"content", "positions", "filter_alpha", "filter_cutoff", "filter_span", "norm"});
  known.insert("attention_dropout");
  known.insert({"text", "text_id_dropout", "encoder", "model_dir", "cache"});
  if (model == "hstu") known.insert("time_bias");
  if (!masked)
    known.insert({"loss", "negatives", "sampler", "samples", "empty_prefix", "pretrain_epochs",
                  "augment", "augment_max_history", "augment_weight", "augment_temperature",
                  "augment_teacher"});
  options.check_known(model, known);
  o.hidden = options.get_int("hidden", o.hidden);
  o.layers = options.get_int("layers", o.layers);
  o.heads = options.get_int("heads", o.heads);
  o.max_len = options.get_int("max_len", o.max_len);
  o.dropout = options.get_double("dropout", o.dropout);
  o.loss = options.get_string("loss", o.loss);
  o.negatives = options.get_int("negatives", o.negatives);
  o.sampler = options.get_string("sampler", o.sampler);
  o.samples = options.get_string("samples", o.samples);
  o.empty_prefix = options.get_bool("empty_prefix", o.empty_prefix);
  o.mask_probability = options.get_double("mask_probability", o.mask_probability);
  o.pretrain_epochs = options.get_int("pretrain_epochs", o.pretrain_epochs);
  o.content = options.get_bool("content", o.content);
  o.text = options.get_bool("text", o.text);
  o.text_id_dropout = options.get_double("text_id_dropout", o.text_id_dropout);
  if (!(o.text_id_dropout >= 0 && o.text_id_dropout < 1))
    LMREC_THROW(ConfigError, model + ": text_id_dropout must be in [0, 1)");
  o.text_encoder.encoder = options.get_string("encoder", o.text_encoder.encoder);
  o.text_encoder.model_dir = options.get_string("model_dir", o.text_encoder.model_dir);
  o.text_encoder.cache = options.get_string("cache", o.text_encoder.cache);
  o.positions = options.get_string("positions", o.positions);
  o.filter_alpha = options.get_double("filter_alpha", o.filter_alpha);
  o.filter_cutoff = options.get_int("filter_cutoff", o.filter_cutoff);
  o.filter_span = options.get_string("filter_span", o.filter_span);
  o.time_bias = options.get_bool("time_bias", o.time_bias);
  o.norm = options.get_string("norm", o.norm);
  o.attention_dropout = options.get_double("attention_dropout", o.attention_dropout);
  if (!(o.attention_dropout >= 0 && o.attention_dropout < 1))
    LMREC_THROW(ConfigError, model + ": attention_dropout must be in [0, 1)");
  if (!(o.filter_alpha >= 0 && o.filter_alpha <= 1))
    LMREC_THROW(ConfigError, model + ": filter_alpha must be in [0, 1]");
  if (o.filter_cutoff < 1) LMREC_THROW(ConfigError, model + ": filter_cutoff must be >= 1");
  o.augment = options.get_int("augment", o.augment);
  o.augment_max_history = options.get_int("augment_max_history", o.augment_max_history);
  o.augment_weight = options.get_double("augment_weight", o.augment_weight);
  o.augment_temperature = options.get_double("augment_temperature", o.augment_temperature);
  o.augment_teacher = options.get_string("augment_teacher", o.augment_teacher);
  if (!o.augment_teacher.empty() && o.augment == 0)
    LMREC_THROW(ConfigError, model + ": augment_teacher needs augment > 0");
  if (o.augment < 0 || o.augment_max_history < 1 || !(o.augment_weight > 0) ||
      !(o.augment_temperature > 0))
    LMREC_THROW(ConfigError, model +
                                 ": augment must be >= 0, augment_max_history >= 1, "
                                 "augment_weight and augment_temperature > 0");
  if (o.pretrain_epochs < 0) LMREC_THROW(ConfigError, model + ": pretrain_epochs must be >= 0");
  o.train = TrainOptions::parse(options, model, o.train);
  if (o.hidden <= 0 || o.layers <= 0 || o.heads <= 0 || o.max_len <= 0)
    LMREC_THROW(ConfigError, model + ": hidden, layers, heads and max_len must be > 0");
  if (o.hidden % o.heads != 0)
    LMREC_THROW(ConfigError, model + ": hidden must be a multiple of heads");
  if (!(o.dropout >= 0 && o.dropout < 1))
    LMREC_THROW(ConfigError, model + ": dropout must be in [0, 1)");
  if (!(o.mask_probability > 0 && o.mask_probability < 1))
    LMREC_THROW(ConfigError, model + ": mask_probability must be in (0, 1)");
  if (o.negatives <= 0) LMREC_THROW(ConfigError, model + ": negatives must be > 0");
  check_choice(model, "loss", o.loss, {"ce", "sampled", "bce"});
  check_choice(model, "sampler", o.sampler, {"uniform", "popularity"});
  check_choice(model, "samples", o.samples, {"auto", "windows", "prefixes"});
  check_choice(model, "positions", o.positions, {"oldest", "newest"});
  check_choice(model, "norm", o.norm, {"pre", "post"});
  check_choice(model, "filter_span", o.filter_span, {"causal", "whole", "auto"});
  return o;
}

Options SequentialOptions::to_options(bool masked) const {
  Options o;
  o.set("hidden", std::to_string(hidden));
  o.set("layers", std::to_string(layers));
  o.set("heads", std::to_string(heads));
  o.set("max_len", std::to_string(max_len));
  o.set("dropout", format_option(dropout));
  o.set("mask_probability", format_option(mask_probability));
  o.set("content", format_option(content));
  o.set("text", format_option(text));
  o.set("text_id_dropout", format_option(text_id_dropout));
  o.set("encoder", text_encoder.encoder);
  o.set("model_dir", text_encoder.model_dir);
  o.set("cache", text_encoder.cache);
  o.set("positions", positions);
  o.set("filter_alpha", format_option(filter_alpha));
  o.set("filter_cutoff", std::to_string(filter_cutoff));
  o.set("filter_span", filter_span);
  o.set("norm", norm);
  o.set("attention_dropout", format_option(attention_dropout));
  if (time_bias) o.set("time_bias", format_option(time_bias));
  if (!masked) {
    o.set("pretrain_epochs", std::to_string(pretrain_epochs));
    o.set("augment", std::to_string(augment));
    o.set("augment_max_history", std::to_string(augment_max_history));
    o.set("augment_weight", format_option(augment_weight));
    o.set("augment_temperature", format_option(augment_temperature));
    o.set("augment_teacher", augment_teacher);
    o.set("loss", loss);
    o.set("negatives", std::to_string(negatives));
    o.set("sampler", sampler);
    o.set("samples", samples);
    o.set("empty_prefix", format_option(empty_prefix));
  }
  train.write(o);
  return o;
}

SequentialRecommender::SequentialRecommender(std::string name, SequentialOptions options,
                                             bool masked)
    : name_(std::move(name)), options_(std::move(options)), masked_(masked) {}
SequentialRecommender::~SequentialRecommender() = default;

void SequentialRecommender::fit(const Dataset& data, const FitContext& ctx) {
  net_.reset();
  n_items_ = 0;
  content_ = options_.content ? item_content(data, name_) : ItemContent{};
  text_ = options_.text ? item_text(data, options_.text_encoder, ctx, name_) : ItemText{};
  popularity_ = log_popularity(data);
  prefixes_ = !masked_ && (options_.samples == "prefixes" ||
                           (options_.samples == "auto" && prefixes_pay(data, options_)));
  if (options_.filter_span == "whole" && !filter_whole())
    LMREC_THROW(ConfigError, name_ +
                                 ": filter_span=whole needs samples=prefixes: a window trains "
                                 "every position, and the whole input holds their targets");
  if (options_.empty_prefix && !prefixes_)
    LMREC_THROW(ConfigError, name_ +
                                 ": empty_prefix needs prefix samples (samples=prefixes, or "
                                 "auto where it picks them)");
  // Prefix samples are cut from whole histories, so each target keeps max_len items of context.
  int64_t window = options_.max_len + (masked_ ? 0 : 1);
  auto windows =
      sequence_windows(data, prefixes_ ? std::numeric_limits<int32_t>::max() : window - 1);
  try {
    auto teacher = augment_teacher(data);
    if (!teacher) fit_windows(data, windows, ctx, "");
    if (options_.augment > 0) {
      AugmentOptions a{options_.augment,        options_.augment_max_history,
                       options_.augment_weight, options_.augment_temperature,
                       options_.max_len,        static_cast<uint64_t>(options_.train.seed)};
      append_windows(windows, generated_continuations(teacher ? *teacher : *this, data, a));
      fit_windows(data, windows, ctx, teacher ? "" : "augmented");
    }
  } catch (...) {
    net_.reset();
    n_items_ = 0;
    throw;
  }
}

std::unique_ptr<Recommender> SequentialRecommender::augment_teacher(const Dataset& data) const {
  if (options_.augment_teacher.empty()) return nullptr;
  auto teacher = load_model(options_.augment_teacher);
  if (teacher->n_items() != data.n_items())
    LMREC_THROW(ConfigError, name_ + ": augment_teacher " + options_.augment_teacher + " has " +
                                 std::to_string(teacher->n_items()) + " items, the data " +
                                 std::to_string(data.n_items()));
  return teacher;
}

void SequentialRecommender::fit_windows(const Dataset& data, const SequenceWindows& windows,
                                        const FitContext& ctx, const std::string& stage) {
  auto device = resolve_device(options_.train.device, name_);
  losses_.clear();
  auto net = make_net(data.n_items());
  net->to(device);
  net_ = net;  // validation scores through this object from here on
  n_items_ = data.n_items();
  auto started = std::chrono::steady_clock::now();
  if (options_.pretrain_epochs > 0) pretrain(*net, data, ctx);
  SequenceTask task(
      *net, options_, masked_, prefixes_,
      prefixes_ ? prefix_windows(windows, options_.max_len, options_.empty_prefix) : windows,
      popularity_, device, [this] { refresh_item_vectors(); });
  TrainOptions o = options_.train;
  o.time_limit = time_left(o.time_limit, started);
  if (!stage.empty() && !o.checkpoint_dir.empty()) o.checkpoint_dir += "/" + stage;
  if (!stage.empty() && !o.log_path.empty()) {  // run.log -> run.augmented.log
    std::filesystem::path log(o.log_path);
    o.log_path = log.replace_extension("." + stage + log.extension().string()).string();
  }
  auto run = stage.empty() ? name_ : name_ + " " + stage;
  auto result = train(task, o, ctx, *this, run, run_signature(run, options(), data.fingerprint()));
  for (const auto& r : result.log) losses_.push_back(r.loss);
  refresh_item_vectors();
}

void SequentialRecommender::pretrain(SequenceNet& net, const Dataset& data, const FitContext& ctx) {
  if (!net.set_causal(false))
    LMREC_THROW(ConfigError, name_ + ": pretrain_epochs needs an attention model");
  TrainOptions o = options_.train;
  o.epochs = options_.pretrain_epochs;
  o.patience = 0;  // the time limit stays: pretraining spends the fit's budget
  o.checkpoint_dir.clear(), o.log_path.clear();
  FitContext quiet = ctx;
  quiet.validate = nullptr;  // scoring is next-item; the masked task has no validation here
  SequenceTask task(net, options_, true, false, sequence_windows(data, options_.max_len - 1),
                    popularity_, net.table.device(), [] {});
  train(task, o, quiet, *this, name_ + " pretraining",
        run_signature(name_ + "-pretrain", options(), data.fingerprint()));
  net.set_causal(true);
}

SequenceNetShape SequentialRecommender::shape(int64_t n_items) const {
  const auto& o = options_;
  SequenceNetShape s{n_items,
                     o.hidden,
                     o.layers,
                     o.heads,
                     o.max_len + 1,
                     o.dropout,
                     o.norm == "post",
                     o.attention_dropout,
                     o.filter_alpha,
                     o.filter_cutoff,
                     filter_whole(),
                     o.time_bias ? kTimeBuckets : 0,
                     static_cast<uint64_t>(o.train.seed),
                     content_,
                     text_};
  return s;
}

bool SequentialRecommender::filter_whole() const {
  const auto& span = options_.filter_span;
  return (span == "whole" || span == "auto") && (masked_ || prefixes_);
}

void SequentialRecommender::refresh_item_vectors() {
  torch::NoGradGuard no_grad;
  auto m = net_->item_matrix().to(torch::kCPU).contiguous();
  item_vectors_.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
}

void SequentialRecommender::encode_users(std::span<const UserContext> users, float* out) const {
  LMREC_CHECK(net_, UsageError, name_ + ": scoring before fit() or load");
  torch::NoGradGuard no_grad;
  auto device = net_->table.device();
  int64_t d = net_->hidden();
  for (size_t u = 0; u < users.size(); ++u) {
    const auto& items = users[u].items;
    auto keep = std::min<int64_t>(static_cast<int64_t>(items.size()), options_.max_len);
    std::vector<int64_t> inputs(items.end() - keep, items.end());
    if (masked_) inputs.push_back(net_->mask());
    if (inputs.empty() && options_.empty_prefix) inputs.push_back(net_->pad());
    auto len = static_cast<int64_t>(inputs.size());
    torch::Tensor times;  // undefined: no times given, every gap reads as 0
    if (users[u].times.size() == items.size() && keep > 0) {
      std::vector<int64_t> t(users[u].times.end() - keep, users[u].times.end());
      if (masked_) t.push_back(t.back());
      times = to_tensor(t, device).view({1, len});
    }
    if (len == 0) {
      std::fill(out + u * d, out + (u + 1) * d, 0.0f);
      continue;
    }
    std::vector<int64_t> positions(static_cast<size_t>(len));
    for (int64_t j = 0; j < len; ++j)
      positions[j] = input_position(j, len, options_.positions == "oldest");
    auto h = net_->encode_newest(to_tensor(inputs, device).view({1, len}),
                                 to_tensor(positions, device).view({1, len}),
                                 to_tensor(std::vector<int64_t>{len}, device), times, nullptr);
    auto last = h.to(torch::kCPU).contiguous();
    std::memcpy(out + u * d, last.data_ptr<float>(), static_cast<size_t>(d) * sizeof(float));
  }
}

void SequentialRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(net_, UsageError, name_ + ": score() before fit() or load");
  for (const auto& u : users)
    for (int32_t item : u.items)
      LMREC_CHECK(item >= 0 && item < n_items_, UsageError,
                  name_ + ": item id " + std::to_string(item) + " outside the model's " +
                      std::to_string(n_items_) + " items");
  auto n = static_cast<int64_t>(users.size());
  if (n == 0) return;
  int64_t d = net_->hidden();
  std::vector<float> vectors(static_cast<size_t>(n * d));
  encode_users(users, vectors.data());
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), n_items_,
              static_cast<int>(d), 1.0f, vectors.data(), static_cast<int>(d), item_vectors_.data(),
              static_cast<int>(d), 0.0f, scores, n_items_);
  for (int64_t u = 0; u < n; ++u)
    if (users[u].items.empty() && !options_.empty_prefix)  // else: what histories open with
      std::copy(popularity_.begin(), popularity_.end(), scores + u * n_items_);
}

void SequentialRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(net_, UsageError, name_ + ": save before fit()");
  BinaryWriter out(dir + "/weights.bin", kMagic, kVersion);
  out.str(name_);
  out.u64(static_cast<uint64_t>(n_items_));
  out.array(popularity_);
  out.array(content_.offsets);
  out.array(content_.ids);
  out.u64(static_cast<uint64_t>(content_.n_categories));
  out.u64(static_cast<uint64_t>(text_.dim));
  out.array(text_.vectors);
  out.array(text_.has_id);
  out.u64(prefixes_ ? 1 : 0);
  write_parameters(out, *net_);
  out.commit();
}

void SequentialRecommender::load_weights(const std::string& dir) {
  std::string path = dir + "/weights.bin";
  BinaryReader in(path, kMagic, kVersion, name_ + " weights file", 2);
  if (in.str() != name_) LMREC_THROW(FormatError, path + ": weights of another model");
  uint64_t items = in.u64();
  if (items == 0 || items > INT32_MAX) LMREC_THROW(FormatError, path + ": implausible item count");
  auto popularity = in.array<float>();
  if (popularity.size() != items) LMREC_THROW(FormatError, path + ": popularity does not match");
  ItemContent content;
  content.offsets = in.array<int64_t>();
  content.ids = in.array<int64_t>();
  content.n_categories = static_cast<int64_t>(in.u64());
  if (!content.empty() && !valid_content(content, items))
    LMREC_THROW(FormatError, path + ": item categories do not match the items");
  ItemText text;
  if (in.version() >= 3) {
    text.dim = static_cast<int64_t>(in.u64());
    text.vectors = in.array<float>();
    text.has_id = in.array<uint8_t>();
    auto dim = static_cast<uint64_t>(text.dim);
    if (dim > (1u << 20) || text.vectors.size() != items * dim ||
        (dim && text.has_id.size() != items))
      LMREC_THROW(FormatError, path + ": item text does not match the items");
  } else {
    options_.positions = "newest";  // the only layout before version 3
  }
  prefixes_ = in.version() >= 4 && in.u64() != 0;
  content_ = content;
  text_ = std::move(text);
  auto net = make_net(static_cast<int64_t>(items));
  read_parameters(in, *net, path);
  in.expect_end();
  net->to(resolve_device(options_.train.device, name_));
  net_ = net;
  n_items_ = static_cast<int32_t>(items);
  popularity_ = std::move(popularity);
  refresh_item_vectors();
}

}  // namespace lmrec
