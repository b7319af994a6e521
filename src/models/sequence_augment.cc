#include "models/sequence_augment.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "models/train/sampling.h"

namespace lmrec {

namespace {

constexpr int64_t kUsersPerCall = 256;

// An item drawn from softmax(scores / temperature) over the items not in `taken`.
int32_t draw_item(const float* scores, int32_t n_items, const std::vector<int32_t>& taken,
                  double temperature, SampleRng& rng, std::vector<double>& mass) {
  mass.assign(static_cast<size_t>(n_items), 0.0);
  float top = -INFINITY;
  for (int32_t i = 0; i < n_items; ++i) top = std::max(top, scores[i]);
  double total = 0;
  for (int32_t i = 0; i < n_items; ++i) {
    double m = std::find(taken.begin(), taken.end(), i) != taken.end()
                   ? 0.0
                   : std::exp((scores[i] - top) / temperature);
    mass[static_cast<size_t>(i)] = (total += m);
  }
  if (!(total > 0)) return -1;
  auto it = std::upper_bound(mass.begin(), mass.end(), rng.uniform() * total);
  return static_cast<int32_t>(std::min<ptrdiff_t>(it - mass.begin(), n_items - 1));
}

}  // namespace

SequenceWindows generated_continuations(const Recommender& model, const Dataset& data,
                                        const AugmentOptions& o) {
  if (o.length <= 0 || o.max_history <= 0 || !(o.weight > 0) || !(o.temperature > 0))
    LMREC_THROW(UsageError, "augmentation needs length, max_history, weight, temperature > 0");
  std::vector<UserContext> users;
  for (int32_t u = 0; u < data.n_users(); ++u) {
    auto items = data.user_items(u);
    if (items.empty() || static_cast<int64_t>(items.size()) > o.max_history) continue;
    UserContext c;
    c.user = u;
    c.items.assign(items.begin(), items.end());
    if (static_cast<int64_t>(data.rows.time.size()) == data.n_interactions()) {
      auto first = data.rows.time.begin() + data.user_begin(u);
      c.times.assign(first, first + static_cast<ptrdiff_t>(items.size()));
    }
    users.push_back(std::move(c));
  }
  int32_t n = model.n_items();
  SampleRng rng(o.seed);
  std::vector<float> scores;
  std::vector<double> mass;
  for (int64_t step = 0; step < o.length; ++step)
    for (size_t begin = 0; begin < users.size(); begin += kUsersPerCall) {
      auto count = std::min<size_t>(kUsersPerCall, users.size() - begin);
      scores.resize(count * static_cast<size_t>(n));
      model.score({users.data() + begin, count}, scores.data());
      for (size_t k = 0; k < count; ++k) {
        auto& items = users[begin + k].items;
        int32_t item = draw_item(&scores[k * n], n, items, o.temperature, rng, mass);
        if (item < 0) continue;
        items.push_back(item);
        auto& times = users[begin + k].times;  // generated items happen at the newest time
        if (!times.empty()) times.push_back(times.back());
      }
    }
  SequenceWindows w;
  w.offsets.push_back(0);
  for (const auto& user : users) {
    auto observed = static_cast<int64_t>(data.user_items(user.user).size());
    auto total = static_cast<int64_t>(user.items.size());
    auto first = std::max<int64_t>(0, total - o.max_len - 1);
    for (int64_t j = first; j < total; ++j) {
      w.items.push_back(user.items[static_cast<size_t>(j)]);
      w.weights.push_back(j < observed ? 0.0f : static_cast<float>(o.weight));
      if (!user.times.empty()) w.times.push_back(user.times[static_cast<size_t>(j)]);
    }
    w.offsets.push_back(static_cast<int64_t>(w.items.size()));
  }
  return w;
}

}  // namespace lmrec
