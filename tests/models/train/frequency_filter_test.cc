// The causal frequency branch against BSARec's own definition: at a history's newest position
// it must equal rfft -> keep the lowest frequencies -> irfft over the history left-padded by
// zeros to the period, and no position may depend on a later one.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/train/sequence_net.h"

namespace lmrec {
namespace {

// BSARec's FrequencyLayer without dropout and norm: low + β²·(x − low) over the period.
torch::Tensor fft_filter(const torch::Tensor& x, const torch::Tensor& sqrt_beta, int64_t cutoff) {
  auto spectrum = torch::fft::rfft(x, c10::nullopt, 1, "ortho");
  spectrum.narrow(1, cutoff / 2 + 1, spectrum.size(1) - (cutoff / 2 + 1)).zero_();
  auto low = torch::fft::irfft(spectrum, x.size(1), 1, "ortho");
  return low + sqrt_beta.square() * (x - low);
}

TEST(FrequencyFilter, NewestPositionMatchesTheFftFilterOfThePaddedPrefix) {
  const int64_t period = 12, hidden = 4, cutoff = 5;
  torch::manual_seed(3);
  FrequencyFilter filter(hidden, cutoff, period);
  torch::NoGradGuard no_grad;
  filter->sqrt_beta.normal_();
  auto x = torch::randn({2, period, hidden});
  auto causal = filter->forward(x);
  for (int64_t t = 0; t < period; ++t) {
    // The prefix x[0..t] right-aligned in a zero sequence of `period` positions.
    auto padded = torch::zeros({2, period, hidden});
    padded.narrow(1, period - 1 - t, t + 1).copy_(x.narrow(1, 0, t + 1));
    auto expected = fft_filter(padded, filter->sqrt_beta, cutoff).select(1, period - 1);
    EXPECT_TRUE(torch::allclose(causal.select(1, t), expected, 1e-5, 1e-5)) << "position " << t;
  }
}

TEST(FrequencyFilter, IsCausalAndShortInputsReadTheSameKernel) {
  torch::manual_seed(4);
  FrequencyFilter filter(3, 3, 8);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({1, 8, 3});
  auto full = filter->forward(x);
  auto changed = x.clone();
  changed.select(1, 5).add_(10.0);
  auto after = filter->forward(changed);
  EXPECT_TRUE(torch::equal(full.narrow(1, 0, 5), after.narrow(1, 0, 5)));
  EXPECT_FALSE(torch::allclose(full.select(1, 5), after.select(1, 5)));
  EXPECT_TRUE(torch::allclose(filter->forward(x.narrow(1, 0, 4)), full.narrow(1, 0, 4)));
}

}  // namespace
}  // namespace lmrec
