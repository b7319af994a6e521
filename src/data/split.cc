#include "data/split.h"

#include <algorithm>
#include <climits>
#include <random>
#include <sstream>

#include "core/errors.h"

namespace lmrec {

std::vector<uint8_t> Split::mask(Role r) const {
  std::vector<uint8_t> m(role.size());
  for (size_t k = 0; k < role.size(); ++k) m[k] = role[k] == static_cast<uint8_t>(r);
  return m;
}

std::vector<uint8_t> Split::history_mask(Role phase) const {
  std::vector<uint8_t> m(role.size());
  for (size_t k = 0; k < role.size(); ++k)
    m[k] = role[k] < static_cast<uint8_t>(phase) || phase == Role::kTrain;
  return m;
}

Split leave_last_k(const Dataset& data, int n_valid, int n_test) {
  if (n_valid < 0 || n_test < 1)
    LMREC_THROW(ConfigError, "leave-last-k needs n_valid >= 0, n_test >= 1");
  Split s{"last:" + std::to_string(n_valid) + ":" + std::to_string(n_test),
          std::vector<uint8_t>(static_cast<size_t>(data.n_interactions()), 0)};
  for (int32_t u = 0; u < data.n_users(); ++u) {
    int64_t b = data.user_begin(u), e = data.user_end(u);
    // Test first, then validation, while at least one train event remains.
    int64_t test = std::min<int64_t>(n_test, std::max<int64_t>(0, e - b - 1));
    int64_t valid = std::min<int64_t>(n_valid, std::max<int64_t>(0, e - b - 1 - test));
    for (int64_t k = e - test; k < e; ++k) s.role[k] = static_cast<uint8_t>(Role::kTest);
    for (int64_t k = e - test - valid; k < e - test; ++k)
      s.role[k] = static_cast<uint8_t>(Role::kValid);
  }
  return s;
}

Split leave_one_out(const Dataset& data) {
  Split s = leave_last_k(data, 1, 1);
  s.method = "loo";
  return s;
}

Split temporal_split(const Dataset& data, double valid_frac, double test_frac) {
  if (valid_frac < 0 || test_frac <= 0 || valid_frac + test_frac >= 1)
    LMREC_THROW(ConfigError, "temporal split needs 0 <= valid, 0 < test, valid + test < 1");
  std::vector<int64_t> times = data.rows.time;
  std::sort(times.begin(), times.end());
  // The cut after the first `n - round(frac * n)` events; rows strictly later than the time at
  // the cut belong to the later part, so ties stay in the earlier one.
  auto cut_before_last = [&](double frac) -> int64_t {
    auto n = static_cast<int64_t>(times.size());
    int64_t keep = n - static_cast<int64_t>(frac * static_cast<double>(n) + 0.5);
    return keep <= 0 ? INT64_MIN : times[static_cast<size_t>(std::min(keep, n) - 1)];
  };
  int64_t test_cut = cut_before_last(test_frac),
          valid_cut = cut_before_last(test_frac + valid_frac);
  std::ostringstream name;
  name << "temporal:" << valid_frac << ":" << test_frac;
  Split s{name.str(), std::vector<uint8_t>(static_cast<size_t>(data.n_interactions()), 0)};
  for (size_t k = 0; k < s.role.size(); ++k) {
    int64_t t = data.rows.time[k];
    s.role[k] = static_cast<uint8_t>(t > test_cut    ? Role::kTest
                                     : t > valid_cut ? Role::kValid
                                                     : Role::kTrain);
  }
  return s;
}

Split random_holdout(const Dataset& data, double valid_frac, double test_frac, uint64_t seed) {
  if (valid_frac < 0 || test_frac <= 0 || valid_frac + test_frac >= 1)
    LMREC_THROW(ConfigError, "random split needs 0 <= valid, 0 < test, valid + test < 1");
  std::ostringstream name;
  name << "random:" << valid_frac << ":" << test_frac << ":" << seed;
  Split s{name.str(), std::vector<uint8_t>(static_cast<size_t>(data.n_interactions()), 0)};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int32_t u = 0; u < data.n_users(); ++u) {
    int64_t b = data.user_begin(u), e = data.user_end(u);
    int64_t train = 0;
    for (int64_t k = b; k < e; ++k) {
      double x = uniform(rng);
      auto r = x < test_frac                ? Role::kTest
               : x < test_frac + valid_frac ? Role::kValid
                                            : Role::kTrain;
      s.role[k] = static_cast<uint8_t>(r);
      train += r == Role::kTrain;
    }
    if (train == 0 && e > b) s.role[b] = static_cast<uint8_t>(Role::kTrain);
  }
  return s;
}

Split no_split(const Dataset& data) {
  return Split{"none", std::vector<uint8_t>(static_cast<size_t>(data.n_interactions()), 0)};
}

namespace {
std::vector<std::string> split_colon(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string p; std::getline(in, p, ':');) parts.push_back(p);
  return parts;
}

double number(const std::string& method, const std::string& text) {
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  LMREC_THROW(ConfigError, "split '" + method + "': '" + text + "' is not a number");
}
}  // namespace

Split make_split(const Dataset& data, const std::string& method) {
  auto p = split_colon(method);
  if (method == "loo") return leave_one_out(data);
  if (method == "none") return no_split(data);
  if (p.size() == 3 && p[0] == "last")
    return leave_last_k(data, static_cast<int>(number(method, p[1])),
                        static_cast<int>(number(method, p[2])));
  if (p.size() == 3 && p[0] == "temporal")
    return temporal_split(data, number(method, p[1]), number(method, p[2]));
  if ((p.size() == 3 || p.size() == 4) && p[0] == "random")
    return random_holdout(data, number(method, p[1]), number(method, p[2]),
                          p.size() == 4 ? static_cast<uint64_t>(number(method, p[3])) : 42);
  LMREC_THROW(ConfigError,
              "unknown split '" + method +
                  "' (expected loo, none, last:V:T, temporal:V:T or random:V:T[:seed])");
}

}  // namespace lmrec
