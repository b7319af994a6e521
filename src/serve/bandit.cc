#include "serve/bandit.h"

#include <algorithm>

namespace lmrec {
namespace {

double sample_beta(double a, double b, std::mt19937_64& rng) {
  double x = std::gamma_distribution<double>(a, 1.0)(rng);
  double y = std::gamma_distribution<double>(b, 1.0)(rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}

}  // namespace

std::vector<int32_t> ThompsonBandit::choose(std::span<const int32_t> candidates, int n,
                                            std::mt19937_64& rng) const {
  std::vector<std::pair<double, int32_t>> draws;
  draws.reserve(candidates.size());
  {
    std::lock_guard lock(mu_);
    for (int32_t item : candidates) {
      auto it = arms_.find(item);
      Arm arm = it == arms_.end() ? Arm{} : it->second;
      draws.emplace_back(
          sample_beta(options_.prior_hits + arm.hits, options_.prior_misses + arm.misses, rng),
          item);
    }
  }
  size_t take = std::min(draws.size(), static_cast<size_t>(std::max(0, n)));
  std::partial_sort(draws.begin(), draws.begin() + take, draws.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int32_t> out;
  for (size_t k = 0; k < take; ++k) out.push_back(draws[k].second);
  return out;
}

void ThompsonBandit::shown(const std::string& user, int32_t item) {
  std::lock_guard lock(mu_);
  arms_[item].misses += 1;
  auto& p = pending_[user];
  p.push_back(item);
  if (p.size() > options_.pending_per_user) p.pop_front();
}

bool ThompsonBandit::clicked(const std::string& user, int32_t item) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(user);
  if (it == pending_.end()) return false;
  auto pos = std::find(it->second.begin(), it->second.end(), item);
  if (pos == it->second.end()) return false;
  it->second.erase(pos);
  if (it->second.empty()) pending_.erase(it);
  Arm& arm = arms_[item];
  arm.hits += 1;
  arm.misses = std::max(0.0, arm.misses - 1);
  return true;
}

double ThompsonBandit::mean(int32_t item) const {
  std::lock_guard lock(mu_);
  auto it = arms_.find(item);
  Arm arm = it == arms_.end() ? Arm{} : it->second;
  double a = options_.prior_hits + arm.hits, b = options_.prior_misses + arm.misses;
  return a / (a + b);
}

}  // namespace lmrec
