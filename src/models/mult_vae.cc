#include "models/mult_vae.h"

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

constexpr char kVaeMagic[9] = "lmrecMVA";
constexpr char kDaeMagic[9] = "lmrecMDA";
constexpr uint32_t kVersion = 1;
constexpr size_t kScoreChunk = 64;  // users per forward pass when scoring
constexpr uint64_t kNoiseStream = 0x5EED0F;

struct RowTensors {
  torch::Tensor items, offsets, weights;
};

RowTensors to_tensors(const RowBatch& b, torch::Device device) {
  return {to_tensor(b.items, device), to_tensor(b.offsets, device), to_tensor(b.weights, device)};
}

}  // namespace

struct AutoencoderRecommender::Net : torch::nn::Module {
  bool variational;
  int64_t latent;
  torch::Tensor enc_bag, enc_b, dec_w, dec_b;    // first and last layers
  torch::Tensor enc2_w, enc2_b, dec1_w, dec1_b;  // around the hidden layer, when there is one

  Net(const AutoencoderOptions& o, int64_t n_items) : variational(o.variational), latent(o.latent) {
    at::Generator gen = make_generator(static_cast<uint64_t>(o.train.seed));
    // Xavier-uniform weights (as in the paper's code), small Gaussian biases.
    auto weight = [&](const char* name, int64_t out, int64_t in) {
      double a = std::sqrt(6.0 / static_cast<double>(in + out));
      return register_parameter(name, torch::empty({out, in}).uniform_(-a, a, gen));
    };
    auto bias = [&](const char* name, int64_t n) {
      return register_parameter(name, torch::empty({n}).normal_(0, 0.001, gen));
    };
    int64_t code = variational ? 2 * latent : latent;
    int64_t first = o.hidden > 0 ? o.hidden : code;
    enc_bag = weight("enc_bag", n_items, first);  // rows are items: an embedding bag
    enc_b = bias("enc_b", first);
    if (o.hidden > 0) {
      enc2_w = weight("enc2_w", code, o.hidden), enc2_b = bias("enc2_b", code);
      dec1_w = weight("dec1_w", o.hidden, latent), dec1_b = bias("dec1_b", o.hidden);
    }
    dec_w = weight("dec_w", n_items, o.hidden > 0 ? o.hidden : latent);
    dec_b = bias("dec_b", n_items);
  }

  // Logits [B × n_items]; with `noise` (training, VAE) z is sampled and μ, log σ² returned.
  torch::Tensor forward(const RowTensors& x, at::Generator* noise, torch::Tensor* mu,
                        torch::Tensor* logvar) const {
    namespace F = torch::nn::functional;
    auto h = F::embedding_bag(x.items, enc_bag,
                              F::EmbeddingBagFuncOptions()
                                  .offsets(x.offsets)
                                  .mode(torch::kSum)
                                  .per_sample_weights(x.weights)) +
             enc_b;
    if (enc2_w.defined()) h = torch::addmm(enc2_b, torch::tanh(h), enc2_w.t());
    torch::Tensor z;
    if (variational) {
      auto m = h.narrow(1, 0, latent), lv = h.narrow(1, latent, latent);
      z = m;
      if (noise) z = m + torch::randn(m.sizes(), *noise, m.options()) * torch::exp(0.5 * lv);
      if (mu) *mu = m, *logvar = lv;
    } else {
      z = torch::tanh(h);
    }
    if (dec1_w.defined()) z = torch::tanh(torch::addmm(dec1_b, z, dec1_w.t()));
    return torch::addmm(dec_b, z, dec_w.t());
  }
};

namespace {

class AutoencoderTask : public TrainTask {
 public:
  AutoencoderTask(AutoencoderRecommender::Net& net, SparseRows x, const AutoencoderOptions& o,
                  torch::Device device)
      : net_(net), x_(std::move(x)), o_(o), device_(device), noise_(make_generator(0)) {
    for (int32_t u = 0; u < x_.n_rows(); ++u)
      if (x_.indptr[u + 1] > x_.indptr[u]) active_.push_back(u);
  }
  torch::nn::Module& net() override { return net_; }
  int64_t begin_epoch(int64_t, uint64_t seed) override {
    rng_ = SampleRng(seed);
    noise_ = make_generator(stream_seed(seed, kNoiseStream));
    auto order = permutation(static_cast<int64_t>(active_.size()), rng_);
    order_.resize(order.size());
    for (size_t k = 0; k < order.size(); ++k) order_[k] = active_[order[k]];
    return (static_cast<int64_t>(order_.size()) + o_.train.batch_size - 1) / o_.train.batch_size;
  }
  torch::Tensor batch_loss(int64_t batch, int64_t step, int64_t& samples) override {
    int64_t begin = batch * o_.train.batch_size;
    samples = std::min<int64_t>(o_.train.batch_size, static_cast<int64_t>(order_.size()) - begin);
    std::span<const int64_t> rows(order_.data() + begin, static_cast<size_t>(samples));
    RowBatch input = normalised_rows(x_, rows, o_.dropout, rng_);
    auto x = to_tensors(input, device_);
    std::vector<int64_t> target_rows, target_items;
    for (int64_t r = 0; r < samples; ++r)
      for (int32_t item : x_.row_index(static_cast<int32_t>(rows[r])))
        target_rows.push_back(r), target_items.push_back(item);
    auto n = static_cast<int64_t>(target_rows.size());
    auto t_rows = to_tensor(target_rows, device_), t_items = to_tensor(target_items, device_);
    torch::Tensor mu, logvar;
    auto logits = net_.forward(x, o_.variational ? &noise_ : nullptr, &mu, &logvar);
    auto loss = softmax_loss(logits, t_rows, t_items, torch::ones({n}, logits.options()));
    if (!o_.variational) return loss;
    double beta = std::min(o_.anneal_cap,
                           static_cast<double>(step) / static_cast<double>(o_.total_anneal_steps));
    return loss + beta * gaussian_kl(mu, logvar);
  }
  int64_t epoch_samples() const override { return static_cast<int64_t>(active_.size()); }

 private:
  AutoencoderRecommender::Net& net_;
  SparseRows x_;
  const AutoencoderOptions& o_;
  torch::Device device_;
  std::vector<int64_t> active_, order_;  // users with a history; this epoch's order
  SampleRng rng_{0};
  at::Generator noise_;
};

}  // namespace

TrainOptions AutoencoderOptions::default_train() {
  TrainOptions t;
  t.epochs = 200;
  t.batch_size = 500;
  t.learning_rate = 1e-3;
  return t;
}

void AutoencoderOptions::parse_into(const Options& options, const std::string& model) {
  auto known = TrainOptions::keys();
  known.insert({"hidden", "latent", "dropout"});
  if (variational) known.insert({"total_anneal_steps", "anneal_cap"});
  options.check_known(model, known);
  hidden = options.get_int("hidden", hidden);
  latent = options.get_int("latent", latent);
  dropout = options.get_double("dropout", dropout);
  total_anneal_steps = options.get_int("total_anneal_steps", total_anneal_steps);
  anneal_cap = options.get_double("anneal_cap", anneal_cap);
  train = TrainOptions::parse(options, model, default_train());
  if (hidden < 0) LMREC_THROW(ConfigError, model + ": hidden must be >= 0");
  if (latent <= 0) LMREC_THROW(ConfigError, model + ": latent must be > 0");
  if (!(dropout >= 0 && dropout < 1))
    LMREC_THROW(ConfigError, model + ": dropout must be in [0, 1)");
  if (total_anneal_steps <= 0) LMREC_THROW(ConfigError, model + ": total_anneal_steps must be > 0");
  if (!(anneal_cap >= 0)) LMREC_THROW(ConfigError, model + ": anneal_cap must be >= 0");
}

Options AutoencoderOptions::to_options() const {
  Options o;
  o.set("hidden", std::to_string(hidden));
  o.set("latent", std::to_string(latent));
  o.set("dropout", format_option(dropout));
  if (variational) {
    o.set("total_anneal_steps", std::to_string(total_anneal_steps));
    o.set("anneal_cap", format_option(anneal_cap));
  }
  train.write(o);
  return o;
}

MultVaeOptions MultVaeOptions::parse(const Options& options) {
  MultVaeOptions o;
  o.parse_into(options, "multvae");
  return o;
}

MultDaeOptions MultDaeOptions::parse(const Options& options) {
  MultDaeOptions o;
  o.parse_into(options, "multdae");
  return o;
}

AutoencoderRecommender::AutoencoderRecommender(AutoencoderOptions options)
    : options_(std::move(options)) {}
AutoencoderRecommender::~AutoencoderRecommender() = default;

void AutoencoderRecommender::fit(const Dataset& data, const FitContext& ctx) {
  auto device = resolve_device(options_.train.device, name());
  net_.reset();
  n_items_ = 0;
  losses_.clear();
  auto net = std::make_shared<Net>(options_, data.n_items());
  net->to(device);
  // Validation during training scores through this object, so it is live from here on.
  net_ = net;
  n_items_ = data.n_items();
  AutoencoderTask task(*net, user_item_matrix(data, true), options_, device);
  try {
    auto result = train(task, options_.train, ctx, *this, name(),
                        run_signature(name(), options_.to_options(), data.fingerprint()));
    for (const auto& r : result.log) losses_.push_back(r.loss);
  } catch (...) {
    net_.reset();
    n_items_ = 0;
    throw;
  }
}

void AutoencoderRecommender::score(std::span<const UserContext> users, float* scores) const {
  LMREC_CHECK(net_, UsageError, name() + ": score() before fit() or load");
  auto rows = history_rows(users, n_items_, true, name());
  torch::NoGradGuard no_grad;
  auto device = net_->dec_w.device();
  auto n = static_cast<size_t>(n_items_);
  // Every forward pass has exactly kScoreChunk rows (the last one padded with empty histories):
  // BLAS picks its kernel by shape, so a user's scores would otherwise depend on how many
  // users were scored with it.
  for (size_t begin = 0; begin < rows.size(); begin += kScoreChunk) {
    size_t end = std::min(rows.size(), begin + static_cast<size_t>(kScoreChunk));
    std::vector<std::vector<WeightedItem>> chunk(kScoreChunk);
    std::move(rows.begin() + static_cast<ptrdiff_t>(begin),
              rows.begin() + static_cast<ptrdiff_t>(end), chunk.begin());
    RowBatch batch = normalised_rows(chunk);
    auto logits = net_->forward(to_tensors(batch, device), nullptr, nullptr, nullptr)
                      .narrow(0, 0, static_cast<int64_t>(end - begin))
                      .to(torch::kCPU)
                      .contiguous();
    std::memcpy(scores + begin * n, logits.data_ptr<float>(), (end - begin) * n * sizeof(float));
  }
}

void AutoencoderRecommender::save_weights(const std::string& dir) const {
  LMREC_CHECK(net_, UsageError, name() + ": save before fit()");
  BinaryWriter out(dir + "/weights.bin", options_.variational ? kVaeMagic : kDaeMagic, kVersion);
  out.u64(static_cast<uint64_t>(n_items_));
  write_parameters(out, *net_);
  out.commit();
}

void AutoencoderRecommender::load_weights(const std::string& dir) {
  std::string path = dir + "/weights.bin";
  BinaryReader in(path, options_.variational ? kVaeMagic : kDaeMagic, kVersion,
                  name() + " weights file");
  uint64_t items = in.u64();
  if (items > INT32_MAX) LMREC_THROW(FormatError, path + ": implausible item count");
  auto net = std::make_shared<Net>(options_, static_cast<int64_t>(items));
  read_parameters(in, *net, path);
  in.expect_end();
  net->to(resolve_device(options_.train.device, name()));
  net_ = net;
  n_items_ = static_cast<int32_t>(items);
}

}  // namespace lmrec
