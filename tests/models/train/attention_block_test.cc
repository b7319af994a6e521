// The attention block in both layouts: causal under a causal mask, post-norm rows leave
// normalised, the attention dropout draws only when training, and the newest-row shortcut
// matches the full encoding.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/train/sequence_net.h"
#include "models/train/sequence_nets.h"
#include "models/train/tensor_io.h"

namespace lmrec {
namespace {

AttentionBlock block(bool post_norm, double filter_alpha, double attention_dropout = 0) {
  torch::manual_seed(5);
  AttentionBlockOptions o;
  o.hidden = 8;
  o.heads = 2;
  o.inner = 16;
  o.post_norm = post_norm;
  o.attention_dropout = attention_dropout;
  o.filter_alpha = filter_alpha;
  o.period = 6;
  AttentionBlock b(o);
  torch::NoGradGuard no_grad;
  if (b->filter) b->filter->sqrt_beta.normal_();
  return b;
}

class Layouts : public ::testing::TestWithParam<std::tuple<bool, double>> {};

TEST_P(Layouts, NoPositionReadsALaterOne) {
  auto [post_norm, alpha] = GetParam();
  auto b = block(post_norm, alpha);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 6, 8});
  auto mask = causal_mask(6, torch::kCPU);
  auto before = b->forward(x, mask, 0, nullptr);
  auto changed = x.clone();
  changed.select(1, 4).add_(3.0);
  auto after = b->forward(changed, mask, 0, nullptr);
  EXPECT_TRUE(torch::allclose(before.narrow(1, 0, 4), after.narrow(1, 0, 4), 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(before.select(1, 4), after.select(1, 4)));
}

INSTANTIATE_TEST_SUITE_P(PreAndPost, Layouts,
                         ::testing::Values(std::tuple{false, 0.0}, std::tuple{false, 0.7},
                                           std::tuple{true, 0.0}, std::tuple{true, 0.7}));

TEST_P(Layouts, NewestRowsAloneMatchTheFullEncoding) {
  auto [post_norm, alpha] = GetParam();
  SequenceNetShape shape;
  shape.n_items = 20, shape.hidden = 8, shape.layers = 2, shape.heads = 2, shape.positions = 7;
  shape.post_norm = post_norm, shape.filter_alpha = alpha, shape.seed = 9;
  for (auto [causal, whole] : {std::pair{true, false}, {false, false}, {true, true}}) {
    shape.filter_whole = whole;
    auto net = make_transformer_net(shape, causal);
    torch::NoGradGuard no_grad;
    for (auto& p : net->named_parameters())  // LayerNorm gains and biases off their defaults
      if (p.value().dim() == 1) p.value().normal_();
    auto inputs = torch::randint(0, 20, {3, 6}, torch::kLong);
    auto lengths = torch::tensor({6, 2, 4}, torch::kLong);
    auto positions = torch::arange(6).repeat({3, 1});
    for (int64_t r = 0; r < 3; ++r)  // left-aligned rows, padding after each row's end
      inputs[r].narrow(0, lengths[r].item<int64_t>(), 6 - lengths[r].item<int64_t>()).fill_(20);
    auto full = net->encode(inputs, positions, lengths, {}, nullptr);
    auto newest = net->encode_newest(inputs, positions, lengths, {}, nullptr);
    for (int64_t r = 0; r < 3; ++r)
      EXPECT_TRUE(torch::allclose(newest[r], full[r][lengths[r].item<int64_t>() - 1], 1e-5, 1e-5))
          << "row " << r << (causal ? " causal" : " bidirectional") << (whole ? " whole" : "");
  }
}

TEST(FrequencyFilter, WholeSpanReadsLaterRowsButNotPaddingAndAgreesAtTheNewest) {
  torch::NoGradGuard no_grad;
  FrequencyFilter causal(8, 5, 6, false), whole(8, 5, 6, true);
  causal->sqrt_beta.normal_();
  whole->sqrt_beta.copy_(causal->sqrt_beta);
  auto x = torch::randn({2, 6, 8});
  auto lengths = torch::tensor({6, 3}, torch::kLong);
  auto valid = (torch::arange(6).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(2).to(x.dtype());
  auto newest = lengths - 1;
  EXPECT_TRUE(torch::allclose(whole->forward_at(x, newest, valid),
                              causal->forward_at(x, newest, valid), 1e-5, 1e-6));
  auto full = whole->forward(x, valid);
  EXPECT_TRUE(torch::allclose(full[1][2], whole->forward_at(x, newest, valid)[1][0], 1e-5, 1e-6));
  auto changed = x.clone();
  changed[1].narrow(0, 3, 3).normal_();  // row 1's padding
  EXPECT_TRUE(torch::allclose(whole->forward(changed, valid)[1].narrow(0, 0, 3),
                              full[1].narrow(0, 0, 3), 1e-5, 1e-6));
  changed[0][4].add_(3.0);  // a later input of row 0
  EXPECT_FALSE(torch::allclose(whole->forward(changed, valid)[0][1], full[0][1]));
  EXPECT_TRUE(torch::allclose(causal->forward(changed, valid)[0][1],
                              causal->forward(x, valid)[0][1], 1e-5, 1e-6));
}

TEST(AttentionBlock, PostNormRowsLeaveNormalisedAndPreNormRowsDoNot) {
  torch::NoGradGuard no_grad;
  auto x = 3 * torch::randn({2, 6, 8}) + 1;
  auto mask = causal_mask(6, torch::kCPU);
  auto post = block(true, 0)->forward(x, mask, 0, nullptr);
  EXPECT_TRUE(torch::allclose(post.mean(-1), torch::zeros({2, 6}), 0, 1e-5));
  EXPECT_TRUE(torch::allclose(post.var(-1, false), torch::ones({2, 6}), 0, 1e-3));
  auto pre = block(false, 0)->forward(x, mask, 0, nullptr);
  EXPECT_GT(pre.mean(-1).abs().max().item<float>(), 0.1);
}

TEST(AttentionBlock, AttentionDropoutDrawsOnlyInTraining) {
  torch::NoGradGuard no_grad;
  auto b = block(true, 0, 0.5);
  auto x = torch::randn({2, 6, 8});
  auto mask = causal_mask(6, torch::kCPU);
  auto plain = block(true, 0, 0)->forward(x, mask, 0, nullptr);
  EXPECT_TRUE(torch::equal(b->forward(x, mask, 0, nullptr), plain));
  at::Generator noise = make_generator(1);
  EXPECT_FALSE(torch::allclose(b->forward(x, mask, 0, &noise), plain));
}

}  // namespace
}  // namespace lmrec
