// The torch-free pieces of the neural training core: options, learning-rate schedule,
// sampling.
#include "models/train/train_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/errors.h"
#include "models/sparse_matrix.h"
#include "models/train/sampling.h"

namespace lmrec {
namespace {

TrainOptions schedule(const std::string& kind, int64_t warmup, double decay = 1.0) {
  Options o;
  o.set("lr_schedule", kind);
  o.set("warmup_steps", std::to_string(warmup));
  o.set("lr_decay", std::to_string(decay));
  o.set("learning_rate", "0.1");
  o.set("patience", "1");
  return TrainOptions::parse(o, "test", {});
}

TEST(LearningRate, WarmsUpLinearlyThenFollowsTheSchedule) {
  auto o = schedule("constant", 4);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 0, 100, 0), 0.1 * 1 / 5);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 3, 100, 0), 0.1 * 4 / 5);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 4, 100, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 99, 100, 9), 0.1);

  auto linear = schedule("linear", 0);
  EXPECT_DOUBLE_EQ(learning_rate_at(linear, 0, 100, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(linear, 50, 100, 5), 0.05);
  auto cosine = schedule("cosine", 10);
  EXPECT_DOUBLE_EQ(learning_rate_at(cosine, 10, 110, 0), 0.1);
  EXPECT_NEAR(learning_rate_at(cosine, 60, 110, 0), 0.05, 1e-12);
  EXPECT_NEAR(learning_rate_at(cosine, 110, 110, 0), 0.0, 1e-12);
  auto exponential = schedule("exponential", 0, 0.5);
  EXPECT_DOUBLE_EQ(learning_rate_at(exponential, 7, 100, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(exponential, 70, 100, 3), 0.1 * 0.125);
  auto plateau = schedule("plateau", 0, 0.5);
  EXPECT_DOUBLE_EQ(learning_rate_at(plateau, 70, 100, 3), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate_at(plateau, 70, 100, 3, 2), 0.1 * 0.25);
}

TEST(LearningRate, PlateauNeedsADecayButNotEarlyStopping) {
  Options o;
  o.set("lr_schedule", "plateau");
  o.set("lr_decay", "0.5");
  EXPECT_NO_THROW(TrainOptions::parse(o, "test", {}));  // patience 0: no checks, constant rate
  o.set("lr_decay", "1");
  EXPECT_THROW(TrainOptions::parse(o, "test", {}), ConfigError);
}

TEST(TrainOptions, RoundTripsAndRejectsBadValues) {
  Options in;
  in.set("optimizer", "adamw");
  in.set("clip_norm", "5");
  in.set("ema_decay", "0.99");
  in.set("checkpoint_dir", "/tmp/x");
  auto o = TrainOptions::parse(in, "test", {});
  Options out;
  o.write(out);
  EXPECT_EQ(out.values().at("optimizer"), "adamw");
  EXPECT_EQ(TrainOptions::parse(out, "test", {}).clip_norm, 5.0);
  EXPECT_EQ(TrainOptions::parse(out, "test", {}).ema_decay, 0.99);
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"optimizer", "sgd"},
                                                        {"device", "tpu"},
                                                        {"epochs", "0"},
                                                        {"lr_schedule", "step"},
                                                        {"weight_decay", "-1"},
                                                        {"ema_decay", "1"},
                                                        {"ema_decay", "-0.1"}}) {
    Options bad;
    bad.set(key, value);
    EXPECT_THROW(TrainOptions::parse(bad, "test", {}), ConfigError) << key;
  }
}

TEST(Sampling, NegativesAreUniformOverTheMissingItems) {
  std::vector<int32_t> history = {0, 2, 3, 7};
  SampleRng rng(1);
  std::vector<int> counts(10, 0);
  for (int k = 0; k < 60000; ++k) ++counts[sample_negative(history, 10, rng)];
  for (int32_t i : history) EXPECT_EQ(counts[i], 0);
  for (int32_t i : {1, 4, 5, 6, 8, 9}) EXPECT_NEAR(counts[i], 10000, 400) << i;
  std::vector<int32_t> all = {0, 1, 2};
  EXPECT_EQ(sample_negative(all, 3, rng), -1);
}

SparseRows two_rows() {
  SparseRows x;
  x.indptr = {0, 2, 5};
  x.index = {1, 3, 0, 2, 4};
  x.value = {1, 1, 1, 1, 1};
  return x;
}

TEST(Sampling, PairSamplesHoldEveryPositiveAndTheirNegatives) {
  auto x = two_rows();
  SampleRng a(5), b(5);
  auto s = pair_samples(x, 6, 2, false, a);
  EXPECT_EQ(s.size(), 15);
  auto t = pair_samples(x, 6, 2, false, b);
  EXPECT_EQ(s.items, t.items);
  std::set<std::pair<int64_t, int64_t>> positives;
  for (int64_t k = 0; k < s.size(); ++k) {
    auto row = x.row_index(static_cast<int32_t>(s.users[k]));
    bool seen = std::find(row.begin(), row.end(), s.items[k]) != row.end();
    EXPECT_EQ(seen, s.targets[k] == 1.0f);
    if (seen) positives.insert({s.users[k], s.items[k]});
  }
  EXPECT_EQ(positives.size(), 5u);
}

TEST(Sampling, NormalisedRowsDropEntriesAndRescale) {
  auto x = two_rows();
  std::vector<int64_t> rows = {1, 0};
  SampleRng rng(3);
  auto full = normalised_rows(x, rows, 0.0, rng);
  EXPECT_EQ(full.offsets, (std::vector<int64_t>{0, 3}));
  EXPECT_FLOAT_EQ(full.weights[0], static_cast<float>(1 / std::sqrt(3.0)));
  int64_t kept = 0;
  for (int k = 0; k < 2000; ++k) {
    auto dropped = normalised_rows(x, rows, 0.5, rng);
    kept += static_cast<int64_t>(dropped.items.size());
    for (float w : dropped.weights)
      EXPECT_TRUE(w == static_cast<float>(2 / std::sqrt(3.0)) ||
                  w == static_cast<float>(2 / std::sqrt(2.0)));
  }
  EXPECT_NEAR(kept / 2000.0, 2.5, 0.1);
}

TEST(Sampling, PermutationIsDeterministicPerSeed) {
  SampleRng a(9), b(9), c(10);
  auto p = permutation(50, a);
  EXPECT_EQ(p, permutation(50, b));
  EXPECT_NE(p, permutation(50, c));
  std::sort(p.begin(), p.end());
  for (int64_t k = 0; k < 50; ++k) EXPECT_EQ(p[k], k);
  EXPECT_NE(stream_seed(1, 0), stream_seed(1, 1));
}

}  // namespace
}  // namespace lmrec
