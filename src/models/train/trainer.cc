#include "models/train/trainer.h"

#include <malloc.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/binary_io.h"
#include "core/errors.h"
#include "core/threads.h"
#include "models/train/sampling.h"
#include "models/train/tensor_io.h"

namespace lmrec {

namespace {

constexpr char kCheckpointMagic[9] = "lmrecCKP";
// 2: the count of validation checks without a new best (lr_schedule=plateau).
// 3: the fraction of the time budget used (linear and cosine schedules under time_limit).
// 4: the weights' moving average (ema_decay).
constexpr uint32_t kCheckpointVersion = 4;
constexpr const char* kCheckpointFile = "checkpoint.bin";

using Clock = std::chrono::steady_clock;

// Everything besides the weights and the optimiser that a resumed run needs.
struct LoopState {
  int64_t epochs_done = 0, step = 0, best_epoch = 0, misses = 0;
  int64_t plateaus = 0;  // checks without a new best over the whole run; misses resets
  double time_used = 0;  // of the run's time budget, as the schedule reads it
  double best = -std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_weights;
  std::vector<torch::Tensor> average;  // ema_decay > 0: the weights' moving average
};

uint64_t double_bits(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

double bits_double(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<torch::Tensor>& params,
                                                        const TrainOptions& o) {
  if (o.optimizer == "adamw")
    return std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(o.learning_rate).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::Adam>(
      params, torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// Best-epoch or averaged weights in parameter order, with their shapes (checked on load).
void write_tensor_list(BinaryWriter& out, const std::vector<torch::Tensor>& tensors) {
  out.u64(tensors.size());
  for (const auto& t0 : tensors) {
    torch::Tensor t = t0.to(torch::kCPU).contiguous();
    out.array(t.sizes().vec());
    out.array(std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel()));
  }
}

std::vector<torch::Tensor> read_tensor_list(BinaryReader& in, const torch::nn::Module& net,
                                            const std::string& path) {
  auto params = net.parameters();
  uint64_t n = in.u64();
  if (n != 0 && n != params.size())
    LMREC_THROW(FormatError, path + ": saved weights do not match the model");
  std::vector<torch::Tensor> tensors;
  for (uint64_t k = 0; k < n; ++k) {
    auto shape = in.array<int64_t>();
    auto data = in.array<float>();
    if (shape != params[k].sizes().vec() || static_cast<int64_t>(data.size()) != params[k].numel())
      LMREC_THROW(FormatError, path + ": saved weights do not match the model");
    tensors.push_back(torch::from_blob(data.data(), params[k].sizes(), torch::kFloat32)
                          .clone()
                          .to(params[k].device()));
  }
  return tensors;
}

void save_checkpoint(const std::string& dir, const std::string& signature, TrainTask& task,
                     torch::optim::Optimizer& optimizer, const LoopState& s) {
  std::filesystem::create_directories(dir);
  BinaryWriter out(dir + "/" + kCheckpointFile, kCheckpointMagic, kCheckpointVersion);
  out.str(signature);
  for (int64_t v : {s.epochs_done, s.step, s.best_epoch, s.misses})
    out.u64(static_cast<uint64_t>(v));
  out.u64(double_bits(s.best));
  out.u64(static_cast<uint64_t>(s.plateaus));
  out.u64(double_bits(s.time_used));
  write_parameters(out, task.net());
  write_tensor_list(out, s.best_weights);
  write_tensor_list(out, s.average);
  out.str(optimizer_bytes(optimizer));
  out.commit();
}

// Restores a checkpoint when `dir` holds one; returns false otherwise.
bool load_checkpoint(const std::string& dir, const std::string& signature, TrainTask& task,
                     torch::optim::Optimizer& optimizer, LoopState& s) {
  std::string path = dir + "/" + kCheckpointFile;
  if (dir.empty() || !std::filesystem::exists(path)) return false;
  BinaryReader in(path, kCheckpointMagic, kCheckpointVersion, "training checkpoint", 1);
  if (in.str() != signature)
    LMREC_THROW(ConfigError, "checkpoint " + path +
                                 " was written by another model configuration or dataset; "
                                 "remove it or choose another checkpoint_dir");
  s.epochs_done = static_cast<int64_t>(in.u64());
  s.step = static_cast<int64_t>(in.u64());
  s.best_epoch = static_cast<int64_t>(in.u64());
  s.misses = static_cast<int64_t>(in.u64());
  s.best = bits_double(in.u64());
  s.plateaus = in.version() >= 2 ? static_cast<int64_t>(in.u64()) : 0;
  s.time_used = in.version() >= 3 ? bits_double(in.u64()) : 0;
  read_parameters(in, task.net(), path);
  s.best_weights = read_tensor_list(in, task.net(), path);
  if (in.version() >= 4) s.average = read_tensor_list(in, task.net(), path);
  load_optimizer_bytes(optimizer, in.str(), path);
  in.expect_end();
  return true;
}

class EpochLogFile {
 public:
  EpochLogFile(const std::string& path, bool append) {
    if (path.empty()) return;
    out_.open(path, append ? std::ios::app : std::ios::trunc);
    if (!out_) LMREC_THROW(IoError, "cannot write training log " + path);
  }
  void write(const EpochRecord& r) {
    if (!out_.is_open()) return;
    nlohmann::json line = {{"epoch", r.epoch},
                           {"loss", r.loss},
                           {"valid", r.validated ? nlohmann::json(r.valid) : nlohmann::json()},
                           {"samples_per_s", r.samples_per_s},
                           {"seconds", r.seconds},
                           {"learning_rate", r.learning_rate}};
    out_ << line.dump() << "\n";
    out_.flush();
  }

 private:
  std::ofstream out_;
};

std::string status_line(const EpochRecord& r, int64_t epochs, double running_loss) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "epoch %lld/%lld loss %.4f", static_cast<long long>(r.epoch),
                static_cast<long long>(epochs), running_loss);
  std::string s = buf;
  if (r.validated) {
    std::snprintf(buf, sizeof buf, " valid %.4f", r.valid);
    s += buf;
  }
  return s;
}

// The part of a run's time budget used, for the schedule. A resumed call has a budget of its
// own (time_limit counts per call), in which it anneals the part its predecessors left.
class TimeBudget {
 public:
  TimeBudget(double limit, double used_before)
      : limit_(limit), before_(used_before), started_(Clock::now()) {}
  double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }
  bool spent() const { return limit_ > 0 && seconds() >= limit_; }
  double used() const {
    if (limit_ <= 0) return before_;
    return std::min(1.0, before_ + (1 - before_) * seconds() / limit_);
  }

 private:
  double limit_, before_;
  Clock::time_point started_;
};

// Parts each take one torch thread for the epoch; validation after it gets them all back.
class OneTorchThreadPerPart {
 public:
  explicit OneTorchThreadPerPart(bool parts) : before_(parts ? torch::get_num_threads() : 0) {
    if (before_ > 0) torch::set_num_threads(1);
  }
  ~OneTorchThreadPerPart() {
    if (before_ > 0) torch::set_num_threads(before_);
  }

 private:
  int before_;
};

// Moves the weights' average towards `params` after optimiser step `step` (0-based); the
// first step starts it.
void update_average(std::vector<torch::Tensor>& average, const std::vector<torch::Tensor>& params,
                    double decay, int64_t step) {
  torch::NoGradGuard no_grad;
  if (average.empty()) {
    for (const auto& p : params) average.push_back(p.detach().clone());
    return;
  }
  double d =
      std::min(decay, (1.0 + static_cast<double>(step)) / (10.0 + static_cast<double>(step)));
  for (size_t k = 0; k < params.size(); ++k) average[k].mul_(d).add_(params[k].detach(), 1 - d);
}

// The weights' moving average, when there is one, stands in the network while this lives
// (validation scores it); the trained weights come back after, even when validation throws.
class AverageInNet {
 public:
  AverageInNet(torch::nn::Module& net, std::vector<torch::Tensor>& average)
      : net_(net), average_(average) {
    swap();
  }
  ~AverageInNet() { swap(); }

 private:
  void swap() {
    if (average_.empty()) return;
    auto trained = copy_parameters(net_);
    restore_parameters(net_, average_);
    average_ = std::move(trained);
  }
  torch::nn::Module& net_;
  std::vector<torch::Tensor>& average_;
};

// Runs the `shards` parts of batch `batch` at once, one thread each, and sets every
// parameter's gradient to the sum of theirs over the batch's total weight. The sum is taken in
// part order, so it does not depend on which part finishes first. Returns the batch's mean loss.
double sharded_step(TrainTask& task, const std::vector<torch::Tensor>& params, int64_t batch,
                    int64_t step, int64_t shards, int64_t& samples) {
  std::vector<ShardLoss> parts(static_cast<size_t>(shards));
  std::vector<std::vector<torch::Tensor>> grads(parts.size());
  std::vector<std::exception_ptr> errors(parts.size());
  auto work = [&](size_t k) {
    try {
      at::init_num_threads();  // this thread's OpenMP (and BLAS) width: torch's, here 1
      parts[k] = task.shard_loss(batch, step, static_cast<int64_t>(k), shards);
      if (parts[k].sum.defined())
        grads[k] = torch::autograd::grad({parts[k].sum}, params, {}, false, false, true);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (size_t k = 1; k < parts.size(); ++k) threads.emplace_back(work, k);
  work(0);
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  double weight = 0, sum = 0;
  samples = 0;
  for (const auto& part : parts) {
    weight += part.weight, samples += part.samples;
    if (part.sum.defined()) sum += part.sum.item<double>();
  }
  torch::NoGradGuard no_grad;
  for (size_t p = 0; p < params.size(); ++p) {
    torch::Tensor total;
    for (const auto& g : grads)
      if (!g.empty() && g[p].defined()) total = total.defined() ? total + g[p] : g[p];
    if (total.defined()) params[p].mutable_grad() = total / weight;
  }
  return sum / std::max(weight, 1e-12);
}

// One pass over the epoch's batches, cut short when the time budget runs out (a schedule that
// anneals by time has reached rate 0 there); fills loss, rate and time of `r`.
void run_epoch(TrainTask& task, torch::optim::Optimizer& optimizer, const TrainOptions& o,
               int64_t n_batches, int64_t total_steps, const TimeBudget& budget, LoopState& s,
               EpochRecord& r, Progress& progress) {
  auto params = task.net().parameters();
  int64_t shards = std::min<int64_t>(task.max_shards(), thread_count());
  OneTorchThreadPerPart width(shards > 1);
  auto start = Clock::now();
  double loss_sum = 0;
  int64_t samples = 0;
  task.net().train();
  for (int64_t b = 0; b < n_batches && !(b > 0 && budget.spent()); ++b, ++s.step) {
    s.time_used = budget.used();
    r.learning_rate =
        learning_rate_at(o, s.step, total_steps, r.epoch - 1, s.plateaus, s.time_used);
    set_learning_rate(optimizer, r.learning_rate);
    optimizer.zero_grad();
    int64_t n = 0;
    double loss = 0;
    if (shards > 1) {
      loss = sharded_step(task, params, b, s.step, shards, n);
    } else {
      torch::Tensor mean = task.batch_loss(b, s.step, n);
      mean.backward();
      loss = mean.item<double>();
    }
    if (o.clip_norm > 0) clip_gradients(params, o.clip_norm);
    optimizer.step();
    if (o.ema_decay > 0) update_average(s.average, params, o.ema_decay, s.step);
    loss_sum += loss * static_cast<double>(n);
    samples += n;
    progress.advance(n);
    if (b % 16 == 0 || b + 1 == n_batches)
      progress.status(status_line(r, o.epochs, loss_sum / std::max<int64_t>(samples, 1)));
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.loss = loss_sum / std::max<int64_t>(samples, 1);
  r.samples_per_s = static_cast<double>(samples) / std::max(r.seconds, 1e-9);
}

// Validates after the epoch when due; returns true when patience has run out.
// `last` forces the check (the run is ending early for another reason).
bool early_stopping_step(TrainTask& task, const TrainOptions& o, const FitContext& ctx,
                         const Recommender& model, LoopState& s, EpochRecord& r, bool last) {
  if (r.epoch % o.eval_every != 0 && r.epoch != o.epochs && !last) return false;
  task.net().eval();
  AverageInNet averaged(task.net(), s.average);
  task.weights_changed();
  r.valid = ctx.validate(model);
  r.validated = true;
  if (r.valid > s.best) {
    s.best = r.valid, s.best_epoch = r.epoch, s.misses = 0;
    s.best_weights = copy_parameters(task.net());
    return false;
  }
  ++s.plateaus;
  return ++s.misses >= o.patience;
}

}  // namespace

ShardLoss TrainTask::shard_loss(int64_t, int64_t, int64_t, int64_t) {
  LMREC_THROW(ConfigError, "this training task does not run in parts (max_shards() is 1)");
}

double clip_gradients(const std::vector<torch::Tensor>& params, double max_norm) {
  return torch::nn::utils::clip_grad_norm_(params, max_norm);
}

namespace {

// A step allocates and frees tensors of megabytes (the logits over all items). glibc hands
// blocks that large back to the kernel at every free, and the page faults of taking them back,
// from several threads at once, cost a Beauty epoch in parts 20% of its time. Keeping them in
// the heap removes that.
void keep_freed_tensor_memory() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  });
}

}  // namespace

void use_lmrec_threads() {
  static std::once_flag interop;
  std::call_once(interop, [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already fixed by earlier torch work in this process; it cannot change any more.
    }
  });
  torch::set_num_threads(thread_count());
}

torch::Device resolve_device(const std::string& device, const std::string& model) {
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      LMREC_THROW(ConfigError, model + ": device=cuda, but this libtorch has no usable CUDA");
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

TrainResult train(TrainTask& task, const TrainOptions& o, const FitContext& ctx,
                  const Recommender& model, const std::string& label,
                  const std::string& signature) {
  NullProgress quiet;
  Progress& progress = ctx.progress ? *ctx.progress : quiet;
  use_lmrec_threads();
  keep_freed_tensor_memory();
  auto optimizer = make_optimizer(task.net().parameters(), o);
  LoopState s;
  TrainResult result;
  bool resumed = load_checkpoint(o.checkpoint_dir, signature, task, *optimizer, s);
  result.resumed_after = s.epochs_done;
  bool early = o.patience > 0 && static_cast<bool>(ctx.validate);
  EpochLogFile log(o.log_path, resumed);
  progress.start(label, o.epochs * task.epoch_samples(), "samples");
  progress.advance(s.epochs_done * task.epoch_samples());
  bool stop = early && s.best_epoch > 0 && s.misses >= o.patience;
  TimeBudget budget(o.time_limit, s.time_used);
  for (int64_t epoch = s.epochs_done; epoch < o.epochs && !stop; ++epoch) {
    int64_t n_batches = task.begin_epoch(
        epoch, stream_seed(static_cast<uint64_t>(o.seed), static_cast<uint64_t>(epoch)));
    EpochRecord r;
    r.epoch = epoch + 1;
    run_epoch(task, *optimizer, o, n_batches, n_batches * o.epochs, budget, s, r, progress);
    bool out_of_time = budget.spent();
    if (early) stop = early_stopping_step(task, o, ctx, model, s, r, out_of_time);
    stop = stop || out_of_time;
    progress.status(status_line(r, o.epochs, r.loss));
    s.epochs_done = epoch + 1;
    log.write(r);
    result.log.push_back(r);
    if (!o.checkpoint_dir.empty())
      save_checkpoint(o.checkpoint_dir, signature, task, *optimizer, s);
  }
  if (early && !s.best_weights.empty())
    restore_parameters(task.net(), s.best_weights);
  else if (!s.average.empty())
    restore_parameters(task.net(), s.average);
  result.best_epoch = early ? s.best_epoch : 0;
  task.net().eval();
  task.weights_changed();
  progress.finish();
  return result;
}

}  // namespace lmrec
