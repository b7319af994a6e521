#include "models/ncf.h"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "core/binary_io.h"
#include "core/errors.h"
#include "models/model_options.h"
#include "models/sparse_matrix.h"
#include "models/train/losses.h"
#include "models/train/sampling.h"
#include "models/train/tensor_io.h"
#include "models/train/trainer.h"

namespace lmrec {

namespace {

constexpr char kMagic[9] = "lmrecNCF";
constexpr uint32_t kVersion = 1;
constexpr uint64_t kFoldInStream = 0xF01D1Full;
constexpr double kEmbeddingInit = 0.01;  // the paper's N(0, 0.01) initialisation

// The tensors of the model, either the registered parameters (training) or detached views
// of them (scoring, fold-in), so that the same forward code serves both.
struct Weights {
  torch::Tensor user_gmf, item_gmf, user_mlp, item_mlp, out_w, out_b;
  std::vector<torch::Tensor> w, b;  // MLP layers: w[k] is [out × in]

  Weights detached() const {
    Weights d;
    auto det = [](const torch::Tensor& t) { return t.defined() ? t.detach() : t; };
    d.user_gmf = det(user_gmf), d.item_gmf = det(item_gmf);
    d.user_mlp = det(user_mlp), d.item_mlp = det(item_mlp);
    d.out_w = det(out_w), d.out_b = det(out_b);
    for (const auto& t : w) d.w.push_back(t.detach());
    for (const auto& t : b) d.b.push_back(t.detach());
    return d;
  }
};

}  // namespace

struct NcfRecommender::Net : torch::nn::Module {
  bool gmf = false, mlp = false;
  Weights params, frozen;
  // Derived by refresh(): the item half of the first MLP layer with its bias [n_items × h1],
  // and the mean user embeddings (the start of a fold-in).
  torch::Tensor item_first, mean_gmf, mean_mlp;

  Net(const NcfOptions& o, int64_t n_users, int64_t n_items) {
    gmf = o.variant == "neumf" || o.variant == "gmf";
    mlp = o.variant != "gmf";
    at::Generator gen = make_generator(static_cast<uint64_t>(o.train.seed));
    auto normal = [&](const char* name, int64_t rows, int64_t cols) {
      return register_parameter(name, torch::empty({rows, cols}).normal_(0, kEmbeddingInit, gen));
    };
    auto uniform = [&](const std::string& name, std::vector<int64_t> shape, int64_t fan_in) {
      double a = 1.0 / std::sqrt(static_cast<double>(fan_in));
      return register_parameter(name, torch::empty(shape).uniform_(-a, a, gen));
    };
    int64_t features = 0;
    if (gmf) {
      params.user_gmf = normal("user_gmf", n_users, o.factors);
      params.item_gmf = normal("item_gmf", n_items, o.factors);
      features += o.factors;
    }
    if (mlp) {
      auto sizes = o.layer_sizes();
      params.user_mlp = normal("user_mlp", n_users, sizes[0] / 2);
      params.item_mlp = normal("item_mlp", n_items, sizes[0] / 2);
      int64_t in = sizes[0] / 2 * 2;
      for (size_t k = 0; k < sizes.size(); ++k) {
        params.w.push_back(uniform("mlp_w" + std::to_string(k), {sizes[k], in}, in));
        params.b.push_back(uniform("mlp_b" + std::to_string(k), {sizes[k]}, in));
        in = sizes[k];
      }
      features += in;
    }
    params.out_w = uniform("out_w", {1, features}, features);
    params.out_b = uniform("out_b", {1}, features);
  }

  // Logits (or predicted values) for pairs: user embeddings [B × d] and item ids [B].
  static torch::Tensor pairs(const Weights& m, const torch::Tensor& user_gmf,
                             const torch::Tensor& user_mlp, const torch::Tensor& items) {
    std::vector<torch::Tensor> features;
    if (user_gmf.defined()) features.push_back(user_gmf * m.item_gmf.index_select(0, items));
    if (user_mlp.defined()) {
      auto h = torch::cat({user_mlp, m.item_mlp.index_select(0, items)}, 1);
      for (size_t k = 0; k < m.w.size(); ++k) h = torch::relu(torch::addmm(m.b[k], h, m.w[k].t()));
      features.push_back(h);
    }
    auto f = features.size() == 1 ? features[0] : torch::cat(features, 1);
    return torch::addmm(m.out_b, f, m.out_w.t()).squeeze(1);
  }

  torch::Tensor pairs_by_user(const torch::Tensor& users, const torch::Tensor& items) const {
    torch::Tensor ug, um;
    if (gmf) ug = params.user_gmf.index_select(0, users);
    if (mlp) um = params.user_mlp.index_select(0, users);
    return pairs(params, ug, um, items);
  }

  // Scores of every item for one user's embeddings (1-D), from the frozen weights.
  torch::Tensor all_items(const torch::Tensor& user_gmf, const torch::Tensor& user_mlp) const {
    std::vector<torch::Tensor> features;
    if (gmf) features.push_back(frozen.item_gmf * user_gmf);
    if (mlp) {
      int64_t d = user_mlp.size(0);
      auto user_part = torch::mv(frozen.w[0].narrow(1, 0, d), user_mlp);
      auto h = torch::relu(item_first + user_part);
      for (size_t k = 1; k < frozen.w.size(); ++k)
        h = torch::relu(torch::addmm(frozen.b[k], h, frozen.w[k].t()));
      features.push_back(h);
    }
    auto f = features.size() == 1 ? features[0] : torch::cat(features, 1);
    return torch::addmm(frozen.out_b, f, frozen.out_w.t()).squeeze(1);
  }

  void refresh() {
    torch::NoGradGuard no_grad;
    frozen = params.detached();
    if (gmf) mean_gmf = frozen.user_gmf.mean(0);
    if (mlp) {
      int64_t d = frozen.item_mlp.size(1);
      item_first = torch::addmm(frozen.b[0], frozen.item_mlp, frozen.w[0].narrow(1, d, d).t());
      mean_mlp = frozen.user_mlp.mean(0);
    }
  }
};

namespace {

class NcfTask : public TrainTask {
 public:
  NcfTask(NcfRecommender::Net& net, SparseRows x, int32_t n_items, const NcfOptions& o,
          torch::Device device)
      : net_(net), x_(std::move(x)), n_items_(n_items), o_(o), device_(device) {
    mse_ = o.variant == "concat-mse";
  }
  torch::nn::Module& net() override { return net_; }
  int64_t begin_epoch(int64_t, uint64_t seed) override {
    SampleRng rng(seed);
    samples_ = pair_samples(x_, n_items_, mse_ ? 0 : static_cast<int>(o_.negatives), mse_, rng);
    return (samples_.size() + o_.train.batch_size - 1) / o_.train.batch_size;
  }
  torch::Tensor batch_loss(int64_t batch, int64_t, int64_t& samples) override {
    int64_t begin = batch * o_.train.batch_size;
    samples = std::min(o_.train.batch_size, samples_.size() - begin);
    auto users = slice(samples_.users.data() + begin, samples, torch::kLong);
    auto items = slice(samples_.items.data() + begin, samples, torch::kLong);
    auto target = slice(samples_.targets.data() + begin, samples, torch::kFloat32);
    auto out = net_.pairs_by_user(users, items);
    return mse_ ? squared_loss(out, target) : logistic_loss(out, target);
  }
  int64_t epoch_samples() const override {
    return static_cast<int64_t>(x_.index.size()) * (mse_ ? 1 : 1 + o_.negatives);
  }
  void weights_changed() override { net_.refresh(); }

 private:
  template <typename T>
  torch::Tensor slice(T* data, int64_t n, torch::ScalarType type) const {
    return torch::from_blob(data, {n}, type).to(device_);
  }
  NcfRecommender::Net& net_;
  SparseRows x_;
  int32_t n_items_;
  const NcfOptions& o_;
  torch::Device device_;
  bool mse_ = false;
  PairSamples samples_;
};

// Adam on the user embeddings of one history with the item weights fixed.
void fold_in(const NcfRecommender::Net& net, const NcfOptions& o,
             const std::vector<WeightedItem>& row, int32_t n_items, torch::Tensor& user_gmf,
             torch::Tensor& user_mlp) {
  bool mse = o.variant == "concat-mse";
  std::vector<int64_t> items;
  std::vector<float> targets;
  std::vector<int32_t> sorted;
  for (const auto& e : row) sorted.push_back(e.item);
  SampleRng rng(stream_seed(static_cast<uint64_t>(o.train.seed), kFoldInStream));
  for (const auto& e : row) {
    items.push_back(e.item), targets.push_back(mse ? e.weight : 1.0f);
    for (int64_t j = 0; !mse && j < o.negatives; ++j) {
      int32_t neg = sample_negative(sorted, n_items, rng);
      if (neg >= 0) items.push_back(neg), targets.push_back(0.0f);
    }
  }
  auto device = net.frozen.out_w.device();
  auto item_t = to_tensor(items, device), target_t = to_tensor(targets, device);
  std::vector<torch::Tensor> vars;
  if (user_gmf.defined()) vars.push_back(user_gmf.clone());
  if (user_mlp.defined()) vars.push_back(user_mlp.clone());
  std::vector<torch::Tensor> m1, m2;
  for (const auto& v : vars) m1.push_back(torch::zeros_like(v)), m2.push_back(torch::zeros_like(v));
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  torch::AutoGradMode grad_on(true);
  auto n = static_cast<int64_t>(items.size());
  for (int64_t t = 1; t <= o.fold_in_steps; ++t) {
    for (auto& v : vars) v = v.detach().requires_grad_(true);
    torch::Tensor ug, um;
    size_t k = 0;
    if (user_gmf.defined()) ug = vars[k++].expand({n, -1});
    if (user_mlp.defined()) um = vars[k++].expand({n, -1});
    auto out = NcfRecommender::Net::pairs(net.frozen, ug, um, item_t);
    auto loss = mse ? squared_loss(out, target_t) : logistic_loss(out, target_t);
    auto grads = torch::autograd::grad(torch::autograd::variable_list{loss}, vars);
    torch::NoGradGuard no_grad;
    double c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    for (size_t j = 0; j < vars.size(); ++j) {
      m1[j].mul_(b1).add_(grads[j], 1 - b1);
      m2[j].mul_(b2).addcmul_(grads[j], grads[j], 1 - b2);
      vars[j] =
          vars[j].detach() - o.fold_in_learning_rate * (m1[j] / c1) / ((m2[j] / c2).sqrt() + eps);
    }
  }
  size_t k = 0;
  if (user_gmf.defined()) user_gmf = vars[k++].detach();
  if (user_mlp.defined()) user_mlp = vars[k++].detach();
}

}  // namespace

TrainOptions NcfOptions::default_train() {
  TrainOptions t;
  t.epochs = 20;
  t.batch_size = 1024;
  t.learning_rate = 1e-3;
  return t;
}

std::vector<int64_t> NcfOptions::layer_sizes() const {
  std::vector<int64_t> sizes;
  std::stringstream in(layers);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      size_t used = 0;
      int64_t v = std::stoll(part, &used);
      if (used != part.size() || v <= 0) throw std::invalid_argument(part);
      sizes.push_back(v);
    } catch (const std::exception&) {
      LMREC_THROW(ConfigError, "ncf: layers '" + layers + "' (expected widths like 64,32,16)");
    }
  }
  if (sizes.empty() || sizes[0] < 2)
    LMREC_THROW(ConfigError, "ncf: layers '" + layers + "' needs a first width of at least 2");
  return sizes;
}

NcfOptions NcfOptions::parse(const Options& options) {
  auto known = TrainOptions::keys();
  known.insert(
      {"variant", "factors", "layers", "negatives", "fold_in_steps", "fold_in_learning_rate"});
  options.check_known("ncf", known);
  NcfOptions o;
  o.variant = options.get_string("variant", o.variant);
  o.factors = options.get_int("factors", o.factors);
  o.layers = options.get_string("layers", o.layers);
  o.negatives = options.get_int("negatives", o.negatives);
  o.fold_in_steps = options.get_int("fold_in_steps", o.fold_in_steps);
  o.fold_in_learning_rate = options.get_double("fold_in_learning_rate", o.fold_in_learning_rate);
  o.train = TrainOptions::parse(options, "ncf", default_train());
  if (o.variant != "neumf" && o.variant != "gmf" && o.variant != "mlp" && o.variant != "concat-mse")
    LMREC_THROW(ConfigError,
                "ncf: variant '" + o.variant + "' (expected neumf|gmf|mlp|concat-mse)");
  if (o.factors <= 0) LMREC_THROW(ConfigError, "ncf: factors must be > 0");
  if (o.negatives < 0) LMREC_THROW(ConfigError, "ncf: negatives must be >= 0");
  if (o.fold_in_steps < 0) LMREC_THROW(ConfigError, "ncf: fold_in_steps must be >= 0");
  if (!(o.fold_in_learning_rate > 0))
    LMREC_THROW(ConfigError, "ncf: fold_in_learning_rate must be > 0");
  o.layer_sizes();
  return o;
}

Options NcfOptions::to_options() const {
  Options o;
  o.set("variant", variant);
  o.set("factors", std::to_string(factors));
  o.set("layers", layers);
  o.set("negatives", std::to_string(negatives));
  o.set("fold_in_steps", std::to_string(fold_in_steps));
  o.set("fold_in_learning_rate", format_option(fold_in_learning_rate));
  train.write(o);
  return o;
}

NcfRecommender::NcfRecommender(NcfOptions options) : options_(std::move(options)) {}
NcfRecommender::~NcfRecommender() = default;

void NcfRecommender::fit(const Dataset& data, const FitContext& ctx) {
  auto device = resolve_device(options_.train.device, "ncf");
  net_.reset();
  n_items_ = n_users_ = 0;
  bool mse = options_.variant == "concat-mse";
  SparseRows x = user_item_matrix(data, !mse);
  auto net = std::make_shared<Net>(options_, data.n_users(), data.n_items());
  if (mse && !x.value.empty()) {
    double sum = 0;
    for (float v : x.value) sum += v;
    torch::NoGradGuard no_grad;
    net->params.out_b.fill_(sum / static_cast<double>(x.value.size()));
  }
  net->to(device);
  net->refresh();
  // Validation during training scores through this object, so it is live from here on.
  net_ = net;
  n_items_ = data.n_items();
  n_users_ = data.n_users();
  NcfTask task(*net, std::move(x), n_items_, options_, device);
  try {
    train(task, options_.train, ctx, *this, "ncf",
          run_signature("ncf", options_.to_options(), data.fingerprint()));
  } catch (...) {
    net_.reset();
    n_items_ = n_users_ = 0;
    throw;
  }
}

void NcfRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(net_, UsageError, "ncf: score() before fit() or load");
  auto rows = history_rows(users, n_items_, options_.variant != "concat-mse", name());
  const Net& net = *net_;
  auto n = static_cast<size_t>(n_items_);
  torch::NoGradGuard no_grad;
  for (size_t u = 0; u < users.size(); ++u) {
    torch::Tensor ug, um;
    int32_t id = users[u].user;
    if (id >= 0 && id < n_users_) {
      if (net.gmf) ug = net.frozen.user_gmf[id];
      if (net.mlp) um = net.frozen.user_mlp[id];
    } else {
      if (net.gmf) ug = net.mean_gmf;
      if (net.mlp) um = net.mean_mlp;
      if (!rows[u].empty()) fold_in(net, options_, rows[u], n_items_, ug, um);
    }
    auto s = net.all_items(ug, um).to(torch::kCPU).contiguous();
    std::memcpy(scores + u * n, s.data_ptr<float>(), n * sizeof(float));
  }
}

void NcfRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(net_, UsageError, "ncf: save before fit()");
  BinaryWriter out(dir + "/weights.bin", kMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_users_));
  out.u64(static_cast<uint64_t>(n_items_));
  write_parameters(out, *net_);
  out.commit();
}

void NcfRecommender::load_weights(const std::string& dir) {
  std::string path = dir + "/weights.bin";
  BinaryReader in(path, kMagic, kVersion, "ncf weights file");
  uint64_t users = in.u64(), items = in.u64();
  if (users > INT32_MAX || items > INT32_MAX)
    LMREC_THROW(FormatError, path + ": implausible user or item count");
  auto net =
      std::make_shared<Net>(options_, static_cast<int64_t>(users), static_cast<int64_t>(items));
  read_parameters(in, *net, path);
  in.expect_end();
  net->to(resolve_device(options_.train.device, "ncf"));
  net->refresh();
  net_ = net;
  n_users_ = static_cast<int32_t>(users);
  n_items_ = static_cast<int32_t>(items);
}

}  // namespace lmrec
