// The libtorch training loop on a tiny linear regression: clipping, early stopping with
// best-weight restore, seed determinism, checkpoint resume and the epoch log.
#include "models/train/trainer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/threads.h"
#include "models/train/losses.h"
#include "models/train/sampling.h"
#include "models/train/tensor_io.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

struct Linear : torch::nn::Module {
  torch::Tensor w, b;
  explicit Linear(uint64_t seed) {
    auto gen = make_generator(seed);
    w = register_parameter("w", torch::empty({4}).normal_(0, 1, gen));
    b = register_parameter("b", torch::zeros({1}));
  }
  torch::Tensor forward(const torch::Tensor& x) const { return torch::mv(x, w) + b; }
};

// y = x·(1, -2, 3, 0.5) + 1 + noise, 96 rows in batches of 16.
class RegressionTask : public TrainTask {
 public:
  explicit RegressionTask(uint64_t seed) : net_(seed) {
    auto gen = make_generator(123);
    x_ = torch::randn({96, 4}, gen);
    y_ =
        torch::mv(x_, torch::tensor({1.0f, -2.0f, 3.0f, 0.5f})) + 1 + 0.1 * torch::randn({96}, gen);
  }
  torch::nn::Module& net() override { return net_; }
  int64_t begin_epoch(int64_t, uint64_t seed) override {
    SampleRng rng(seed);
    order_ = permutation(96, rng);
    return 6;
  }
  torch::Tensor batch_loss(int64_t batch, int64_t, int64_t& samples) override {
    samples = 16;
    seen.push_back(net_.w.detach().clone());
    auto idx = to_tensor(
        std::vector<int64_t>(order_.begin() + batch * 16, order_.begin() + batch * 16 + 16),
        torch::kCPU);
    return torch::mse_loss(net_.forward(x_.index_select(0, idx)), y_.index_select(0, idx));
  }
  // Parts of a batch: its rows k, k + shards, ... (max_shards() is `parts`).
  int64_t max_shards() const override { return parts; }
  ShardLoss shard_loss(int64_t batch, int64_t, int64_t shard, int64_t shards) override {
    ++shard_calls;
    std::vector<int64_t> rows;
    for (int64_t k = shard; k < 16; k += shards) rows.push_back(order_[batch * 16 + k]);
    auto idx = to_tensor(rows, torch::kCPU);
    auto error = net_.forward(x_.index_select(0, idx)) - y_.index_select(0, idx);
    auto n = static_cast<int64_t>(rows.size());
    return {error.square().sum(), static_cast<double>(n), n};
  }
  int64_t epoch_samples() const override { return 96; }
  double full_loss() {
    torch::NoGradGuard no_grad;
    return torch::mse_loss(net_.forward(x_), y_).item<double>();
  }
  Linear net_;
  int64_t parts = 1;
  std::atomic<int> shard_calls = 0;
  std::vector<torch::Tensor> seen;  // the weights each batch_loss call trained from

 private:
  torch::Tensor x_, y_;
  std::vector<int64_t> order_;
};

class NoModel : public Recommender {
 public:
  std::string name() const override { return "none"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return 0; }
  void score(std::span<const UserContext>, float*) const override {}
  void save_weights(const std::string&) const override {}
  void load_weights(const std::string&) override {}
};

TrainOptions options(std::initializer_list<std::pair<const char*, std::string>> set) {
  Options o;
  o.set("learning_rate", "0.05");
  o.set("epochs", "6");
  for (const auto& [k, v] : set) o.set(k, v);
  return TrainOptions::parse(o, "test", {});
}

// One thread for the test's duration: bit-identical results need it.
class Trainer : public ::testing::Test {
 protected:
  void SetUp() override { threads_ = thread_count(), set_threads(1); }
  void TearDown() override {
    set_threads(threads_);
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  std::string dir(const std::string& name) {
    dirs_.push_back(testing::temp_dir("trainer-" + name));
    return dirs_.back();
  }
  TrainResult run(RegressionTask& task, const TrainOptions& o,
                  std::function<double(const Recommender&)> validate = {}) {
    FitContext ctx;
    ctx.progress = &quiet_;
    ctx.validate = std::move(validate);
    return train(task, o, ctx, model_, "test", "regression");
  }
  int threads_ = 1;
  NullProgress quiet_;
  NoModel model_;
  std::vector<std::string> dirs_;
};

TEST_F(Trainer, ClipsTheGlobalGradientNorm) {
  auto a = torch::zeros({2}, torch::requires_grad()), b = torch::zeros({1}, torch::requires_grad());
  a.mutable_grad() = torch::tensor({3.0f, 0.0f});
  b.mutable_grad() = torch::tensor({4.0f});
  EXPECT_NEAR(clip_gradients({a, b}, 1.0), 5.0, 1e-6);
  EXPECT_NEAR(a.grad()[0].item<float>(), 0.6f, 1e-6);
  EXPECT_NEAR(b.grad()[0].item<float>(), 0.8f, 1e-6);
  EXPECT_NEAR(clip_gradients({a, b}, 10.0), 1.0, 1e-5);  // under the cap: unchanged
  EXPECT_NEAR(b.grad()[0].item<float>(), 0.8f, 1e-6);
}

TEST_F(Trainer, LearnsAndIsDeterministicForASeed) {
  RegressionTask a(1), b(1), c(2);
  double before = a.full_loss();
  auto o = options({{"optimizer", "adamw"},
                    {"weight_decay", "0.01"},
                    {"clip_norm", "10"},
                    {"epochs", "20"},
                    {"learning_rate", "0.1"}});
  auto result = run(a, o);
  run(b, o);
  run(c, o);
  EXPECT_EQ(result.log.size(), 20u);
  EXPECT_LT(a.full_loss(), before / 10);
  EXPECT_LT(result.log.back().loss, result.log.front().loss);
  EXPECT_TRUE(torch::equal(a.net_.w, b.net_.w));
  EXPECT_FALSE(torch::equal(a.net_.w, c.net_.w));
}

TEST_F(Trainer, BatchesInPartsOnThreadsTrainAsWholeBatches) {
  set_threads(3);  // three parts of 16 rows: 6, 5 and 5
  RegressionTask whole(1), parts(1), again(1);
  parts.parts = again.parts = 4;  // more than the threads: the trainer takes three
  auto o = options({{"epochs", "4"}, {"learning_rate", "0.1"}});
  double before = parts.full_loss();
  run(parts, o);
  run(again, o);
  whole.parts = 1;
  run(whole, o);
  EXPECT_EQ(parts.shard_calls, 4 * 6 * 3);
  EXPECT_EQ(whole.shard_calls, 0);
  EXPECT_LT(parts.full_loss(), before / 10);
  EXPECT_TRUE(torch::equal(parts.net_.w, again.net_.w));  // the same sums in the same order
  EXPECT_TRUE(torch::allclose(parts.net_.w, whole.net_.w, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(parts.net_.b, whole.net_.b, 1e-4, 1e-5));
}

TEST_F(Trainer, ValidationScoresAndTheRunKeepsTheWeightsMovingAverage) {
  RegressionTask task(1);
  std::vector<double> figures = {0.2, 0.5, 0.3};
  std::vector<torch::Tensor> validated;
  auto result = run(task, options({{"epochs", "3"}, {"patience", "5"}, {"ema_decay", "0.5"}}),
                    [&](const Recommender&) {
                      validated.push_back(task.net_.w.detach().clone());
                      return figures[validated.size() - 1];
                    });
  ASSERT_EQ(task.seen.size(), 18u);  // seen[t] is the weights after step t - 1
  ASSERT_EQ(validated.size(), 3u);
  torch::Tensor average = task.seen[1].clone();
  for (int64_t t = 1; t <= 11; ++t) {
    double d = std::min(0.5, (1.0 + t) / (10.0 + t));
    average = d * average + (1 - d) * task.seen[t + 1];
    if (t == 5) {
      EXPECT_TRUE(torch::allclose(validated[0], average, 1e-5, 1e-6));
    }
  }
  EXPECT_TRUE(torch::allclose(validated[1], average, 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(task.seen[12], average));  // training goes on from its own
  EXPECT_EQ(result.best_epoch, 2);
  EXPECT_TRUE(torch::equal(task.net_.w, validated[1]));
}

TEST_F(Trainer, EarlyStoppingRestoresTheBestEpoch) {
  RegressionTask task(1);
  std::vector<double> figures = {0.1, 0.5, 0.3, 0.2, 0.4, 0.9};
  size_t calls = 0;
  torch::Tensor at_best;
  auto result = run(task, options({{"patience", "2"}}), [&](const Recommender&) {
    if (calls == 1) at_best = task.net_.w.detach().clone();
    return figures[calls++];
  });
  EXPECT_EQ(calls, 4u);  // epochs 3 and 4 miss, patience 2 stops after epoch 4
  EXPECT_EQ(result.best_epoch, 2);
  ASSERT_EQ(result.log.size(), 4u);
  EXPECT_TRUE(result.log[1].validated);
  EXPECT_TRUE(torch::equal(task.net_.w, at_best));
}

TEST_F(Trainer, PlateauScheduleHalvesTheRateAfterEachCheckWithoutANewBest) {
  RegressionTask task(1);
  std::vector<double> figures = {0.1, 0.5, 0.3, 0.6, 0.2, 0.1};
  size_t calls = 0;
  auto result =
      run(task, options({{"patience", "3"}, {"lr_schedule", "plateau"}, {"lr_decay", "0.5"}}),
          [&](const Recommender&) { return figures[calls++]; });
  ASSERT_EQ(result.log.size(), 6u);
  std::vector<double> expected = {1, 1, 1, 0.5, 0.5, 0.25};  // misses after epochs 3 and 5
  for (size_t e = 0; e < 6; ++e)
    EXPECT_DOUBLE_EQ(result.log[e].learning_rate, result.log[0].learning_rate * expected[e])
        << "epoch " << e + 1;
}

TEST_F(Trainer, PlateauScheduleWithoutEarlyStoppingKeepsTheRate) {
  RegressionTask task(1);
  std::vector<double> figures = {0.5, 0.1, 0.1, 0.1, 0.1, 0.1};
  size_t calls = 0;
  auto result = run(task, options({{"lr_schedule", "plateau"}, {"lr_decay", "0.5"}}),
                    [&](const Recommender&) { return figures[calls++ % figures.size()]; });
  ASSERT_EQ(result.log.size(), 6u);
  for (const auto& epoch : result.log)
    EXPECT_DOUBLE_EQ(epoch.learning_rate, result.log[0].learning_rate);
}

TEST_F(Trainer, AnnealingSchedulesEndWhenTheTimeLimitDoes) {
  // A nanosecond's budget is spent before the first step: a linear schedule starts at its
  // end, rate 0, while a constant one still trains at its rate.
  RegressionTask linear(1), constant(1);
  auto before = linear.net_.w.detach().clone();
  auto o = options({{"lr_schedule", "linear"}, {"time_limit", "1e-9"}});
  auto annealed = run(linear, o);
  ASSERT_EQ(annealed.log.size(), 1u);  // the run ends within its first epoch,
  const auto& epoch = annealed.log[0];
  EXPECT_NEAR(epoch.samples_per_s * epoch.seconds, 16.0, 1e-6);  // after one batch of 16
  EXPECT_EQ(epoch.learning_rate, 0.0);
  EXPECT_TRUE(torch::equal(linear.net_.w, before));
  o.lr_schedule = "constant";
  EXPECT_DOUBLE_EQ(run(constant, o).log[0].learning_rate, o.learning_rate);
  EXPECT_FALSE(torch::equal(constant.net_.w, before));
}

TEST_F(Trainer, ResumedRunKeepsTheTimeBudgetItUsed) {
  auto o = options({{"lr_schedule", "cosine"}, {"time_limit", "1e-9"}});
  o.checkpoint_dir = dir("resume-budget");
  RegressionTask first(1);
  run(first, o);  // one epoch, the whole budget
  auto after_first = first.net_.w.detach().clone();
  o.time_limit = 0;  // the resumed call has no limit, but its schedule has already ended
  RegressionTask second(7);
  auto result = run(second, o);
  ASSERT_EQ(result.resumed_after, 1);
  ASSERT_EQ(result.log.size(), 5u);
  for (const auto& epoch : result.log) EXPECT_EQ(epoch.learning_rate, 0.0);
  EXPECT_TRUE(torch::equal(second.net_.w, after_first));
}

TEST_F(Trainer, ResumedRunContinuesExactlyAsAnUninterruptedOne) {
  auto base = options({{"patience", "10"},
                       {"warmup_steps", "5"},
                       {"lr_schedule", "cosine"},
                       {"clip_norm", "3"},
                       {"ema_decay", "0.9"}});
  RegressionTask whole(1);
  run(whole, base, [&](const Recommender&) { return -whole.full_loss(); });

  auto o = base;
  o.checkpoint_dir = dir("resume");
  o.log_path = o.checkpoint_dir + "/log.jsonl";
  RegressionTask first(1);
  int calls = 0;
  EXPECT_THROW(run(first, o,
                   [&](const Recommender&) -> double {
                     if (++calls == 3) throw IoError("interrupted", __FILE__, __LINE__);
                     return -first.full_loss();
                   }),
               IoError);
  RegressionTask second(7);  // other initial weights: all must come from the checkpoint
  auto result = run(second, o, [&](const Recommender&) { return -second.full_loss(); });
  EXPECT_EQ(result.resumed_after, 2);
  EXPECT_EQ(result.log.size(), 4u);
  EXPECT_TRUE(torch::equal(whole.net_.w, second.net_.w));
  EXPECT_TRUE(torch::equal(whole.net_.b, second.net_.b));

  std::ifstream log(o.log_path);
  std::string line;
  int lines = 0;
  while (std::getline(log, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["epoch"], ++lines);
    for (const char* key : {"loss", "valid", "samples_per_s", "seconds"})
      EXPECT_TRUE(j.contains(key));
  }
  EXPECT_EQ(lines, 6);
}

TEST_F(Trainer, ResumedPlateauRunKeepsItsCountOfMissedChecks) {
  auto base = options({{"patience", "10"}, {"lr_schedule", "plateau"}, {"lr_decay", "0.5"}});
  std::vector<double> figures = {0.5, 0.1, 0.2, 0.6, 0.3, 0.1};  // misses after epochs 2, 3, 5
  RegressionTask whole(1);
  size_t epoch = 0;
  auto uninterrupted = run(whole, base, [&](const Recommender&) { return figures[epoch++]; });

  auto o = base;
  o.checkpoint_dir = dir("resume-plateau");
  RegressionTask first(1);
  epoch = 0;
  EXPECT_THROW(run(first, o,
                   [&](const Recommender&) -> double {
                     if (epoch == 3) throw IoError("interrupted", __FILE__, __LINE__);
                     return figures[epoch++];
                   }),
               IoError);
  RegressionTask second(7);
  auto result = run(second, o, [&](const Recommender&) { return figures[epoch++]; });
  ASSERT_EQ(result.resumed_after, 3);
  ASSERT_EQ(result.log.size(), 3u);
  // Two misses before the interruption: the resumed epoch 4 runs at a quarter of the rate.
  EXPECT_DOUBLE_EQ(result.log[0].learning_rate, uninterrupted.log[0].learning_rate * 0.25);
  EXPECT_TRUE(torch::equal(whole.net_.w, second.net_.w));
}

TEST_F(Trainer, RefusesACheckpointOfAnotherConfiguration) {
  auto o = options({{"epochs", "1"}});
  o.checkpoint_dir = dir("foreign");
  RegressionTask a(1);
  run(a, o);
  FitContext ctx;
  ctx.progress = &quiet_;
  EXPECT_THROW(train(a, o, ctx, model_, "test", "another"), ConfigError);
}

TEST(Losses, MatchTheirDefinitions) {
  auto pos = torch::tensor({2.0f, 0.0f}), neg = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}});
  double bpr = 0, sampled = 0;
  for (auto [p, n] : std::vector<std::pair<float, float>>{{2, 1}, {2, 0}, {0, 0}, {0, 1}})
    bpr += std::log1p(std::exp(-(p - n))) / 4;
  EXPECT_NEAR(bpr_loss(pos, neg).item<double>(), bpr, 1e-6);
  sampled = (std::log(std::exp(2.0) + std::exp(1.0) + 1) - 2 + std::log(1 + 1 + std::exp(1.0))) / 2;
  EXPECT_NEAR(sampled_softmax_loss(pos, neg).item<double>(), sampled, 1e-6);
  // Softmax over all items of two rows; row 0 has items 0 and 2, row 1 item 1.
  auto logits = torch::tensor({{1.0f, 2.0f, 3.0f}, {0.0f, 0.0f, 0.0f}});
  auto rows = torch::tensor({0, 0, 1}, torch::kLong),
       items = torch::tensor({0, 2, 1}, torch::kLong);
  double z = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  double expected = ((z - 1) + (z - 3) + std::log(3.0)) / 2;
  EXPECT_NEAR(softmax_loss(logits, rows, items, torch::ones({3})).item<double>(), expected, 1e-6);
  auto mu = torch::zeros({2, 3}), logvar = torch::zeros({2, 3});
  EXPECT_NEAR(gaussian_kl(mu, logvar).item<double>(), 0.0, 1e-9);
  EXPECT_NEAR(
      gaussian_kl(torch::ones({1, 2}), logvar.narrow(0, 0, 1).narrow(1, 0, 2)).item<double>(), 1.0,
      1e-6);
}

TEST_F(Trainer, CudaWithoutCudaIsAConfigError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "CUDA present";
  EXPECT_THROW(resolve_device("cuda", "test"), ConfigError);
  EXPECT_EQ(resolve_device("cpu", "test").type(), torch::kCPU);
}

}  // namespace
}  // namespace lmrec
