// evaluate() against a brute-force reference: a full sort per case with the tie rule and every
// metric computed straight from its definition, on random data with many ties, NaN scores,
// several targets per user, targets repeated from the history and users without history.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "core/threads.h"
#include "eval/eval_test_util.h"
#include "eval/evaluator.h"

namespace lmrec {
namespace {

using testing::make_dataset;
using testing::Row;
using testing::TableModel;

constexpr float kInf = std::numeric_limits<float>::infinity();

struct RandomCase {
  Dataset data;
  Split split;
  std::vector<std::vector<float>> table;
};

RandomCase random_case(uint32_t seed, int32_t n_users, int32_t n_items, bool categories) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  std::vector<Row> rows;
  for (int32_t u = 0; u < n_users; ++u) {
    int n = pick(4) == 0 ? pick(30) : pick(12);  // a few users with many rows
    bool no_history = pick(8) == 0;
    for (int k = 0; k < n; ++k) {
      Role role = no_history ? Role::kTest : static_cast<Role>(std::min(pick(5), 2));
      // Few items per user range, so items repeat across roles (target also in history).
      rows.push_back({u, pick(n_items), static_cast<float>(1 + pick(5)), role});
    }
  }
  RandomCase c;
  c.data = make_dataset(n_users, n_items, rows, &c.split);
  if (categories)
    for (int32_t i = 0; i < n_items; ++i)
      for (int n = pick(4); n > 0; --n)
        c.data.catalogue.categories[i].push_back(
            c.data.catalogue.category_names.intern("c" + std::to_string(pick(5))));
  c.table.assign(n_users, std::vector<float>(n_items));
  for (auto& row : c.table)
    for (auto& s : row) {
      int r = pick(40);
      s = r == 0 ? std::nanf("") : r == 1 ? -kInf : r == 2 ? kInf : 0.5f * pick(4);
    }
  return c;
}

// ---- reference ----

struct Reference {
  const Dataset& data;
  const Split& split;
  const std::vector<std::vector<float>>& table;
  Role phase;
  EvalOptions options;
  bool values = false;

  struct CaseOut {
    int64_t history = 0;
    std::map<std::string, double> m;          // per-case metric values
    std::map<std::string, double> w;          // weights (AUC, RMSE sums)
    std::vector<std::vector<int32_t>> lists;  // per cutoff
  };

  double jaccard_distance(int32_t a, int32_t b) const {
    std::set<int32_t> sa(data.catalogue.categories[a].begin(), data.catalogue.categories[a].end());
    std::set<int32_t> sb(data.catalogue.categories[b].begin(), data.catalogue.categories[b].end());
    std::set<int32_t> both, either;
    std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(),
                          std::inserter(both, both.end()));
    std::set_union(sa.begin(), sa.end(), sb.begin(), sb.end(), std::inserter(either, either.end()));
    return either.empty() ? 0.0 : 1.0 - double(both.size()) / double(either.size());
  }

  CaseOut one_case(int32_t u) const {
    const int32_t n = data.n_items();
    CaseOut out;
    std::set<int32_t> targets, history;
    std::vector<int64_t> target_rows;
    for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r) {
      Role role = static_cast<Role>(split.role[r]);
      bool in_history = phase == Role::kTrain || static_cast<int>(role) < static_cast<int>(phase);
      if (in_history) history.insert(data.rows.item[r]), ++out.history;
      if (role == phase) targets.insert(data.rows.item[r]), target_rows.push_back(r);
    }
    std::vector<float> key(n);
    for (int32_t i = 0; i < n; ++i) {
      float s = table[u][i];
      bool masked = options.exclude_history && history.count(i);
      key[i] = (masked || std::isnan(s)) ? -kInf : s;
    }
    std::vector<int32_t> order(n);
    for (int32_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return key[a] > key[b] || (key[a] == key[b] && a < b); });
    std::vector<int32_t> ranked;  // recommendable items, best first
    for (int32_t i : order)
      if (key[i] > -kInf) ranked.push_back(i);
    double nt = double(targets.size());
    for (int k : options.ks) {
      std::string at = "@" + std::to_string(k);
      std::vector<int32_t> list(ranked.begin(),
                                ranked.begin() + std::min<size_t>(k, ranked.size()));
      out.lists.push_back(list);
      double hits = 0, dcg = 0, ap = 0, mrr = 0;
      for (size_t p = 1; p <= list.size(); ++p)
        if (targets.count(list[p - 1])) {
          hits += 1;
          dcg += 1.0 / std::log2(p + 1.0);
          ap += hits / p;
          if (mrr == 0) mrr = 1.0 / p;
        }
      double idcg = 0;
      for (int p = 1; p <= std::min<int>(k, int(nt)); ++p) idcg += 1.0 / std::log2(p + 1.0);
      double recall = hits / nt, precision = hits / k;
      out.m["HR" + at] = hits > 0;
      out.m["Recall" + at] = recall;
      out.m["Precision" + at] = precision;
      out.m["F1" + at] = hits > 0 ? 2 * recall * precision / (recall + precision) : 0.0;
      out.m["NDCG" + at] = dcg / idcg;
      out.m["MRR" + at] = mrr;
      out.m["MAP" + at] = ap / std::min<double>(k, nt);
    }
    // AUC over explicit pairs.
    double pairs = 0, won = 0;
    for (int32_t t : targets)
      for (int32_t j = 0; j < n; ++j) {
        if (targets.count(j) || (options.exclude_history && history.count(j))) continue;
        pairs += 1;
        bool t_first = key[t] > -kInf && (key[t] > key[j] || (key[t] == key[j] && t < j));
        won += t_first;
      }
    if (pairs > 0) out.m["AUC"] = won / pairs, out.w["AUC"] = 1;
    for (int64_t r : target_rows) {
      double e = double(table[u][data.rows.item[r]]) - data.rows.value[r];
      out.m["SE"] += e * e, out.m["AE"] += std::abs(e), out.w["rows"] += 1;
    }
    return out;
  }

  std::vector<int64_t> popularity() const {
    std::vector<std::set<int32_t>> users(data.n_items());
    for (int64_t r = 0; r < data.n_interactions(); ++r) {
      Role role = static_cast<Role>(split.role[r]);
      if (phase == Role::kTrain || static_cast<int>(role) < static_cast<int>(phase))
        users[data.rows.item[r]].insert(data.rows.user[r]);
    }
    std::vector<int64_t> pop;
    for (auto& s : users) pop.push_back(int64_t(s.size()));
    return pop;
  }

  // Accuracy averages over `cases`; beyond-accuracy too when `overall`.
  MetricSet summarise(const std::vector<CaseOut>& cases, bool overall) const {
    MetricSet set;
    set.users = int64_t(cases.size());
    std::map<std::string, double> sum;
    double auc_cases = 0, rows = 0;
    for (const auto& c : cases) {
      for (const auto& [name, v] : c.m) sum[name] += v;
      auc_cases += c.w.count("AUC") ? 1 : 0;
      rows += c.w.count("rows") ? c.w.at("rows") : 0;
    }
    for (int k : options.ks) {
      std::string at = "@" + std::to_string(k);
      for (const char* name : {"HR", "NDCG", "Recall", "Precision", "F1", "MRR", "MAP"})
        set.values[name + at] = sum[name + at] / double(cases.size());
    }
    if (auc_cases > 0) set.values["AUC"] = sum["AUC"] / auc_cases;
    if (values) {
      set.values["RMSE"] = std::sqrt(sum["SE"] / rows);
      set.values["MAE"] = sum["AE"] / rows;
    }
    if (overall) add_beyond(cases, set);
    return set;
  }

  void add_beyond(const std::vector<CaseOut>& cases, MetricSet& set) const {
    auto pop = popularity();
    bool has_categories = false;
    for (const auto& c : data.catalogue.categories) has_categories |= !c.empty();
    for (size_t ki = 0; ki < options.ks.size(); ++ki) {
      std::string at = "@" + std::to_string(options.ks[ki]);
      std::vector<double> count(data.n_items(), 0);
      double entries = 0, novelty = 0, arp = 0, ild = 0, ild_lists = 0;
      for (const auto& c : cases) {
        const auto& list = c.lists[ki];
        for (int32_t i : list) {
          count[i] += 1, entries += 1, arp += double(pop[i]);
          novelty += -std::log2((pop[i] + 1.0) / (data.n_users() + 1.0));
        }
        if (list.size() < 2) continue;
        double d = 0, pairs = 0;
        for (size_t a = 0; a < list.size(); ++a)
          for (size_t b = a + 1; b < list.size(); ++b)
            d += jaccard_distance(list[a], list[b]), ++pairs;
        ild += d / pairs, ild_lists += 1;
      }
      double covered = 0, total = 0, diff = 0, n = double(count.size());
      for (double x : count) {
        covered += x > 0, total += x;
        for (double y : count) diff += std::abs(x - y);
      }
      set.values["Coverage" + at] = covered / n;
      set.values["Gini" + at] = total > 0 ? diff / (2.0 * n * total) : 0.0;
      set.values["Novelty" + at] = novelty / entries;
      set.values["ARP" + at] = arp / entries;
      if (has_categories) set.values["ILD" + at] = ild / ild_lists;
    }
  }

  EvalResult run() const {
    std::vector<CaseOut> all;
    std::vector<std::vector<CaseOut>> slices(options.slice_edges.size() + 2);
    for (int32_t u = 0; u < data.n_users(); ++u) {
      bool is_case = false;
      for (int64_t r = data.user_begin(u); r < data.user_end(u); ++r)
        is_case |= split.role[r] == static_cast<uint8_t>(phase);
      if (!is_case) continue;
      all.push_back(one_case(u));
      int64_t h = all.back().history;
      size_t s = 0;
      if (h > 0) {
        s = 1;
        for (int e : options.slice_edges) s += h > e;
      }
      slices[s].push_back(all.back());
    }
    EvalResult r;
    r.ks = options.ks;
    r.overall = summarise(all, true);
    std::vector<std::string> names = {"0"};
    int low = 1;
    for (int e : options.slice_edges)
      names.push_back(std::to_string(low) + "-" + std::to_string(e)), low = e + 1;
    names.push_back(std::to_string(low) + "+");
    for (size_t s = 0; s < slices.size(); ++s)
      if (!slices[s].empty()) r.slices.emplace_back(names[s], summarise(slices[s], false));
    return r;
  }
};

void expect_same(const MetricSet& want, const MetricSet& got, const std::string& where) {
  EXPECT_EQ(want.users, got.users) << where;
  ASSERT_EQ(want.values.size(), got.values.size()) << where;
  for (const auto& [name, v] : want.values) {
    ASSERT_TRUE(got.values.count(name)) << where << " lacks " << name;
    double g = got.values.at(name);
    if (std::isnan(v))
      EXPECT_TRUE(std::isnan(g)) << where << " " << name;
    else
      EXPECT_NEAR(v, g, 1e-9) << where << " " << name;
  }
}

void expect_same(const EvalResult& want, const EvalResult& got) {
  expect_same(want.overall, got.overall, "overall");
  ASSERT_EQ(want.slices.size(), got.slices.size());
  for (size_t s = 0; s < want.slices.size(); ++s) {
    EXPECT_EQ(want.slices[s].first, got.slices[s].first);
    expect_same(want.slices[s].second, got.slices[s].second, "slice " + want.slices[s].first);
  }
}

TEST(EvaluatorReference, RandomDataAllMetrics) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    bool categories = seed % 2 == 0;
    RandomCase c = random_case(seed, 80, seed % 3 == 0 ? 9 : 40, categories);
    for (Role phase : {Role::kValid, Role::kTest, Role::kTrain})
      for (bool exclude : {true, false}) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " phase " + std::to_string(int(phase)) +
                     " exclude " + std::to_string(exclude));
        EvalOptions o;
        o.ks = {1, 3, 5, 10, 50};
        o.exclude_history = exclude;
        o.batch_size = 1 + int(seed % 7);
        o.slice_edges = {2, 5, 10};
        TableModel model(c.table, c.data.n_items());
        EvalResult got = evaluate(model, c.data, c.split, phase, o);
        expect_same(Reference{c.data, c.split, c.table, phase, o}.run(), got);
      }
  }
}

TEST(EvaluatorReference, RmseAndMaeForValueModels) {
  RandomCase c = random_case(99, 60, 30, false);
  for (auto& row : c.table)
    for (auto& s : row)
      if (!std::isfinite(s)) s = 2.5f;
  TableModel model(c.table, c.data.n_items(), /*values=*/true);
  EvalOptions o;
  for (Role phase : {Role::kValid, Role::kTest}) {
    Reference ref{c.data, c.split, c.table, phase, o, /*values=*/true};
    EvalResult got = evaluate(model, c.data, c.split, phase, o);
    ASSERT_TRUE(got.overall.values.count("RMSE"));
    expect_same(ref.run(), got);
  }
}

TEST(EvaluatorReference, IndependentOfThreadCount) {
  RandomCase c = random_case(7, 300, 50, true);
  TableModel model(c.table, c.data.n_items());
  EvalOptions o;
  o.batch_size = 5;
  std::vector<EvalResult> results;
  for (int threads : {1, 2, 3, 8}) {
    set_threads(threads);
    results.push_back(evaluate(model, c.data, c.split, Role::kTest, o));
  }
  set_threads(0);
  for (size_t r = 1; r < results.size(); ++r) {
    EXPECT_EQ(results[0].overall.values, results[r].overall.values);
    ASSERT_EQ(results[0].slices.size(), results[r].slices.size());
    for (size_t s = 0; s < results[0].slices.size(); ++s)
      EXPECT_EQ(results[0].slices[s].second.values, results[r].slices[s].second.values);
  }
  o.batch_size = 256;  // other batch sizes only regroup the sums
  expect_same(results[0], evaluate(model, c.data, c.split, Role::kTest, o));
}

}  // namespace
}  // namespace lmrec
