// Training losses of the libtorch models, each a mean over the batch's samples (rows); where a
// loss takes `weights` ([B], optional), the mean is weighted: sum(w · loss) / sum(w).
#pragma once

#include <torch/torch.h>

namespace lmrec {

// Squared error against explicit targets (ratings).
torch::Tensor squared_loss(const torch::Tensor& prediction, const torch::Tensor& target);
// Binary cross-entropy on logits (pointwise implicit feedback with sampled negatives).
torch::Tensor logistic_loss(const torch::Tensor& logits, const torch::Tensor& target,
                            const torch::Tensor& weights = {});
// BPR: -ln σ(positive - negative), pairwise; `negative` may be [B] or [B × K].
torch::Tensor bpr_loss(const torch::Tensor& positive, const torch::Tensor& negative);
// Softmax cross-entropy over the whole catalogue: logits [B × n_items]; the targets are the
// sparse entries (rows[k], items[k]) with weights[k] (a multinomial likelihood when the weights
// are the row's interaction counts). Normalised by B.
torch::Tensor softmax_loss(const torch::Tensor& logits, const torch::Tensor& rows,
                           const torch::Tensor& items, const torch::Tensor& weights);
// Sampled softmax: the positive logit [B] against K sampled negatives [B × K], with the
// log-probability of drawing each negative (`log_q`, [B × K] or empty) subtracted so that the
// estimate is unbiased for non-uniform samplers.
torch::Tensor sampled_softmax_loss(const torch::Tensor& positive, const torch::Tensor& negative,
                                   const torch::Tensor& log_q = {},
                                   const torch::Tensor& weights = {});
// The mean of per-sample `values` [B], weighted when `weights` is defined.
torch::Tensor weighted_mean(const torch::Tensor& values, const torch::Tensor& weights);
// KL(N(mu, e^logvar) || N(0, I)) summed over the latent, mean over rows.
torch::Tensor gaussian_kl(const torch::Tensor& mu, const torch::Tensor& logvar);

}  // namespace lmrec
