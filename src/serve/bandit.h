// Exploration over a list's last slots: Thompson sampling with a Beta-Bernoulli posterior of
// each item's click rate. Items below the exploited head of the model's ranking compete for the
// exploration slots by a draw from their posterior, so items with few impressions get shown
// and the rates of all of them are learned. An impression counts as a miss until a click on
// the same item by the same user turns it into a hit. Safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace lmrec {

struct BanditOptions {
  double prior_hits = 1.0, prior_misses = 1.0;  // Beta prior of every item
  size_t pending_per_user = 32;  // impressions remembered per user for click matching
};

class ThompsonBandit {
 public:
  explicit ThompsonBandit(BanditOptions options = {}) : options_(options) {}
  // `n` distinct items of `candidates` with the highest posterior draws, best first.
  std::vector<int32_t> choose(std::span<const int32_t> candidates, int n,
                              std::mt19937_64& rng) const;
  // `user` was shown `item` in an exploration slot.
  void shown(const std::string& user, int32_t item);
  // `user` interacted with `item`; a hit when it was shown to them. Returns whether it was.
  bool clicked(const std::string& user, int32_t item);
  // Posterior mean of the item's click rate.
  double mean(int32_t item) const;

 private:
  struct Arm {
    double hits = 0, misses = 0;
  };
  BanditOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<int32_t, Arm> arms_;
  std::unordered_map<std::string, std::deque<int32_t>> pending_;
};

}  // namespace lmrec
