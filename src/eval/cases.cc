#include "eval/cases.h"

#include <algorithm>

namespace lmrec {

namespace {

std::vector<int32_t> case_users(const Dataset& data, const Split& split, Role phase) {
  const auto want = static_cast<uint8_t>(phase);
  std::vector<int32_t> users;
  for (int32_t u = 0; u < data.n_users(); ++u)
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r)
      if (split.role[static_cast<size_t>(r)] == want) {
        users.push_back(u);
        break;
      }
  return users;
}

// `n` of `all`, evenly spaced (the i-th is all[floor(i * size / n)]).
std::vector<int32_t> spread(const std::vector<int32_t>& all, int64_t n) {
  auto total = static_cast<int64_t>(all.size());
  if (n <= 0 || n >= total) return all;
  std::vector<int32_t> kept(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    kept[static_cast<size_t>(i)] = all[static_cast<size_t>(i * total / n)];
  return kept;
}

}  // namespace

EvalCases find_cases(const Dataset& data, const Split& split, Role phase,
                     const std::vector<uint8_t>& history, int64_t max_cases) {
  const auto want = static_cast<uint8_t>(phase);
  EvalCases cases;
  for (int32_t u : spread(case_users(data, split, phase), max_cases)) {
    int64_t length = 0;
    size_t first_item = cases.items.size();
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r) {
      length += history[static_cast<size_t>(r)] != 0;
      if (split.role[static_cast<size_t>(r)] != want) continue;
      cases.rows.push_back(r);
      cases.items.push_back(data.rows.item[r]);
    }
    auto begin = cases.items.begin() + static_cast<int64_t>(first_item);
    std::sort(begin, cases.items.end());
    cases.items.erase(std::unique(begin, cases.items.end()), cases.items.end());
    cases.user.push_back(u);
    cases.history_length.push_back(length);
    cases.item_begin.push_back(static_cast<int64_t>(cases.items.size()));
    cases.row_begin.push_back(static_cast<int64_t>(cases.rows.size()));
  }
  return cases;
}

}  // namespace lmrec

namespace lmrec {

ValidationCases validation_cases(const Dataset& data, const Split& split) {
  auto history = split.history_mask(Role::kValid);
  EvalCases cases = find_cases(data, split, Role::kValid, history, 0);
  ValidationCases out;
  for (size_t c = 0; c < cases.size(); ++c) {
    out.contexts.push_back(make_context(data, cases.user[c], history));
    auto t = cases.targets(c);
    out.targets.emplace_back(t.begin(), t.end());
  }
  return out;
}

}  // namespace lmrec
