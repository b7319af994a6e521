// What the sequence models add to the conformance suite: order matters, masked-item
// pretraining, and the losses.
#include "models/sequential.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "models/recommender.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

constexpr int32_t kItems = 30;

// Every user walks the items in a cycle i, i+1, i+2, ... from a different start, so only the
// order (not the set) of a history says what comes next.
Dataset cycles() {
  std::vector<testing::Event> events;
  int64_t t = 0;
  for (int32_t u = 0; u < 60; ++u)
    for (int32_t k = 0; k < 8; ++k) events.push_back({u, (u + k) % kItems, t++});
  return testing::make_dataset(60, kItems, events);
}

std::unique_ptr<Recommender> fitted(const std::string& name, std::vector<std::string> extra) {
  Options o;
  for (const char* kv : {"hidden=16", "layers=1", "heads=1", "epochs=40", "learning_rate=0.01",
                         "dropout=0", "patience=0"})
    o.set(kv);
  for (const auto& kv : extra) o.set(kv);
  auto model = make_recommender(name, o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(cycles(), ctx);
  return model;
}

int hits(const Recommender& model) {
  int correct = 0;
  for (int32_t start = 0; start < kItems; ++start) {
    UserContext c;
    c.items = {start, (start + 1) % kItems, (start + 2) % kItems};
    auto top = model.recommend(c, 1);
    correct += !top.empty() && top[0].item == (start + 3) % kItems;
  }
  return correct;
}

class SequenceOrder : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(SequenceOrder, PredictsTheNextItemOfACycle) {
  auto params = GetParam();
  std::string name = params.front();
  params.erase(params.begin());
  EXPECT_GE(hits(*fitted(name, params)), 27) << name;
}

INSTANTIATE_TEST_SUITE_P(
    Models, SequenceOrder,
    ::testing::Values(
        std::vector<std::string>{"sasrec"},
        std::vector<std::string>{"sasrec", "loss=sampled", "negatives=8"},
        std::vector<std::string>{"sasrec", "loss=sampled", "negatives=8", "sampler=popularity"},
        std::vector<std::string>{"sasrec", "loss=bce", "epochs=60"},
        std::vector<std::string>{"sasrec", "pretrain_epochs=5"},
        std::vector<std::string>{"sasrec", "augment=3", "augment_max_history=8"},
        std::vector<std::string>{"sasrec", "samples=prefixes"},
        std::vector<std::string>{"sasrec", "samples=prefixes", "empty_prefix=true"},
        std::vector<std::string>{"sasrec", "norm=post", "attention_dropout=0.1",
                                 "filter_alpha=0.5"},
        std::vector<std::string>{"sasrec", "samples=prefixes", "filter_alpha=0.5",
                                 "filter_span=whole"},
        std::vector<std::string>{"hstu"}, std::vector<std::string>{"hstu", "time_bias=true"},
        std::vector<std::string>{"gru4rec"}, std::vector<std::string>{"lstm", "epochs=80"},
        std::vector<std::string>{"bert4rec", "epochs=100", "batch_size=16"}));

TEST(SequentialOptions, PretrainingNeedsAnAttentionModel) {
  EXPECT_THROW(fitted("gru4rec", {"pretrain_epochs=1"}), ConfigError);
  Options pretrain;
  pretrain.set("pretrain_epochs", "1");
  EXPECT_THROW(make_recommender("bert4rec", pretrain), ConfigError);
}

// Pretraining spends the fit's time budget: when it uses all of it, fine-tuning stops after
// its first batch instead of running its 40 epochs.
TEST(SequentialOptions, PretrainingCountsAgainstTheTimeLimit) {
  auto model = fitted("sasrec", {"pretrain_epochs=5000", "time_limit=0.2"});
  const auto& sequential = dynamic_cast<const SequentialRecommender&>(*model);
  EXPECT_EQ(sequential.epoch_losses().size(), 1u);
}

TEST(SequentialOptions, HiddenMustSplitIntoHeads) {
  Options odd;
  odd.set("hidden", "10");
  odd.set("heads", "3");
  EXPECT_THROW(make_recommender("sasrec", odd), ConfigError);
  Options hinge;
  hinge.set("loss", "hinge");
  EXPECT_THROW(make_recommender("sasrec", hinge), ConfigError);
  Options mid;
  mid.set("norm", "mid");
  EXPECT_THROW(make_recommender("sasrec", mid), ConfigError);
}

TEST(SequentialOptions, LayerNormLayoutIsForAttentionBlocks) {
  EXPECT_THROW(fitted("hstu", {"norm=post"}), ConfigError);
  EXPECT_THROW(fitted("gru4rec", {"attention_dropout=0.1"}), ConfigError);
}

TEST(SequentialOptions, WholeSpanFilterNeedsPrefixSamples) {
  EXPECT_THROW(fitted("sasrec", {"samples=windows", "filter_alpha=0.5", "filter_span=whole"}),
               ConfigError);
  Options sideways;
  sideways.set("filter_span", "sideways");
  EXPECT_THROW(make_recommender("sasrec", sideways), ConfigError);
}

TEST(SequentialOptions, EmptyPrefixNeedsPrefixSamples) {
  EXPECT_THROW(fitted("sasrec", {"samples=windows", "empty_prefix=true"}), ConfigError);
}

// Every history opens with item 29, while item 0 is the most frequent: trained on empty
// prefixes, a user with no history gets what histories open with, not what is most popular.
TEST(Sequential, EmptyPrefixScoresAnEmptyHistoryByHowHistoriesOpen) {
  std::vector<testing::Event> events;
  int64_t t = 0;
  for (int32_t u = 0; u < 60; ++u)
    for (int32_t item : {29, 0, u % 20 + 1, 0, (u + 1) % 20 + 1, 0})
      events.push_back({u, item, t++});
  auto data = testing::make_dataset(60, kItems, events);
  for (bool empty_prefix : {true, false}) {
    Options o;
    for (const char* kv : {"hidden=16", "layers=1", "heads=1", "epochs=30", "learning_rate=0.01",
                           "dropout=0", "patience=0", "samples=prefixes"})
      o.set(kv);
    o.set("empty_prefix", empty_prefix ? "true" : "false");
    auto model = make_recommender("sasrec", o);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    model->fit(data, ctx);
    auto top = model->recommend(UserContext{}, 1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].item, empty_prefix ? 29 : 0) << "empty_prefix=" << empty_prefix;
  }
}

// filter_span=auto resolves by the samples a fit used; a loaded model must resolve it alike.
// Two layers: the newest row gets the same filter either way, the earlier rows do not.
TEST(Sequential, WholeSpanFilterSurvivesSaveLoad) {
  auto model = fitted("sasrec", {"samples=prefixes", "filter_alpha=0.5", "filter_span=auto",
                                 "epochs=5", "layers=2"});
  std::string dir = testing::temp_dir("sasrec-whole-filter");
  save_model(*model, dir, {});
  auto loaded = load_model(dir);
  UserContext c;
  c.items = {1, 2, 3, 4};
  std::vector<float> a(kItems), b(kItems);
  model->score({&c, 1}, a.data());
  loaded->score({&c, 1}, b.data());
  EXPECT_EQ(a, b);
}

TEST(Sequential, ContentTowerNeedsCategoriesAndSurvivesSaveLoad) {
  EXPECT_THROW(fitted("lstm", {"content=true"}), ConfigError);
  Dataset data = cycles();
  for (int32_t i = 0; i < kItems; ++i)
    data.catalogue.categories[i] = {data.catalogue.category_names.intern(i % 3 ? "odd" : "three")};
  Options o;
  for (const char* kv :
       {"hidden=16", "epochs=20", "learning_rate=0.01", "dropout=0", "content=true"})
    o.set(kv);
  auto model = make_recommender("lstm", o);
  NullProgress quiet;
  FitContext ctx;
  ctx.progress = &quiet;
  model->fit(data, ctx);
  std::string dir = testing::temp_dir("lstm-content");
  save_model(*model, dir, {});
  auto loaded = load_model(dir);
  UserContext c;
  c.items = {1, 2, 3};
  std::vector<float> a(kItems), b(kItems);
  model->score({&c, 1}, a.data());
  loaded->score({&c, 1}, b.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(loaded->options().get_string("content", ""), "true");
}

// Item 0 (a visit's start), an item b, then the target: item 10 when b came within a minute of
// the start, item 11 when it came a day later. The items alone cannot tell the two apart; the
// time between them can.
constexpr int64_t kShortGap = 10, kLongGap = 86'400;
Dataset time_decides() {
  std::vector<testing::Event> events;
  int64_t t = 1'000'000;
  for (int32_t u = 0; u < 400; ++u, t += 1'000'000) {
    int32_t b = 1 + u % 9;
    bool soon = (u / 9) % 2 == 0;
    int64_t gap = soon ? kShortGap : kLongGap;
    events.push_back({u, 0, t});
    events.push_back({u, b, t + gap});
    events.push_back({u, soon ? 10 : 11, t + gap + 5});
  }
  return testing::make_dataset(400, 12, events);
}

int time_hits(const Recommender& model) {
  int correct = 0;
  for (int32_t b = 1; b < 10; ++b)
    for (int64_t gap : {kShortGap, kLongGap}) {
      UserContext c;
      c.items = {0, b};
      c.times = {500, 500 + gap};
      auto top = model.recommend(c, 1);
      correct += !top.empty() && top[0].item == (gap == kShortGap ? 10 : 11);
    }
  return correct;
}

TEST(Hstu, TimeBiasReadsTheGapsBetweenEventsAndSurvivesSaveLoad) {
  std::unique_ptr<Recommender> models[2];
  for (bool time : {false, true}) {
    Options o;
    for (const char* kv : {"hidden=16", "layers=1", "heads=1", "epochs=40", "learning_rate=0.01",
                           "batch_size=32", "dropout=0", "patience=0"})
      o.set(kv);
    o.set("time_bias", time ? "true" : "false");
    models[time] = make_recommender("hstu", o);
    NullProgress quiet;
    FitContext ctx;
    ctx.progress = &quiet;
    models[time]->fit(time_decides(), ctx);
  }
  EXPECT_LE(time_hits(*models[0]), 9);  // the same items give the same answer for both gaps
  EXPECT_GE(time_hits(*models[1]), 17);
  std::string dir = testing::temp_dir("hstu-time");
  save_model(*models[1], dir, {});
  auto loaded = load_model(dir);
  EXPECT_EQ(loaded->options().get_string("time_bias", ""), "true");
  EXPECT_EQ(time_hits(*loaded), time_hits(*models[1]));
  Options sasrec;
  sasrec.set("time_bias", "true");
  EXPECT_THROW(make_recommender("sasrec", sasrec), ConfigError);
}

TEST(Sequential, EncodedUsersTimesItemVectorsAreTheScores) {
  auto model = fitted("sasrec", {});
  const auto& seq = dynamic_cast<const SequentialRecommender&>(*model);
  UserContext c;
  c.items = {4, 5, 6};
  std::vector<float> h(16), scores(kItems);
  seq.encode_users({&c, 1}, h.data());
  model->score({&c, 1}, scores.data());
  for (int32_t i = 0; i < kItems; ++i) {
    float dot = 0;
    for (int k = 0; k < 16; ++k) dot += h[k] * seq.item_vectors()[i * 16 + k];
    EXPECT_NEAR(scores[i], dot, 1e-4);
  }
}

}  // namespace
}  // namespace lmrec
