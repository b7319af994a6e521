#include "models/train/losses.h"

namespace lmrec {

torch::Tensor squared_loss(const torch::Tensor& prediction, const torch::Tensor& target) {
  return torch::mse_loss(prediction, target);
}

torch::Tensor weighted_mean(const torch::Tensor& values, const torch::Tensor& weights) {
  return weights.defined() ? (values * weights).sum() / weights.sum() : values.mean();
}

torch::Tensor logistic_loss(const torch::Tensor& logits, const torch::Tensor& target,
                            const torch::Tensor& weights) {
  if (!weights.defined()) return torch::binary_cross_entropy_with_logits(logits, target);
  auto each = torch::binary_cross_entropy_with_logits(logits, target, {}, {}, at::Reduction::None);
  return weighted_mean(each, weights);
}

torch::Tensor bpr_loss(const torch::Tensor& positive, const torch::Tensor& negative) {
  auto diff = negative.dim() == 2 ? positive.unsqueeze(1) - negative : positive - negative;
  return -torch::log_sigmoid(diff).mean();
}

torch::Tensor softmax_loss(const torch::Tensor& logits, const torch::Tensor& rows,
                           const torch::Tensor& items, const torch::Tensor& weights) {
  auto log_p = torch::log_softmax(logits, 1);
  auto picked = log_p.index({rows, items});
  return -(picked * weights).sum() / logits.size(0);
}

torch::Tensor sampled_softmax_loss(const torch::Tensor& positive, const torch::Tensor& negative,
                                   const torch::Tensor& log_q, const torch::Tensor& weights) {
  auto neg = log_q.defined() ? negative - log_q : negative;
  auto logits = torch::cat({positive.unsqueeze(1), neg}, 1);
  return weighted_mean(torch::logsumexp(logits, 1) - positive, weights);
}

torch::Tensor gaussian_kl(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean();
}

}  // namespace lmrec
