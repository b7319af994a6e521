#include "eval/report.h"

#include <cmath>
#include <cstdio>

namespace lmrec {

namespace {

nlohmann::json metric_object(const MetricSet& set) {
  nlohmann::json j = nlohmann::json::object();
  j["users"] = set.users;
  for (const auto& [name, value] : set.values)
    j[name] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  return j;
}

std::string cell(const MetricSet& set, const std::string& name, int width) {
  auto it = set.values.find(name);
  char buf[64];
  if (it == set.values.end())
    std::snprintf(buf, sizeof buf, "%*s", width, "");
  else if (!std::isfinite(it->second))
    std::snprintf(buf, sizeof buf, "%*s", width, "-");
  else
    std::snprintf(buf, sizeof buf, "%*.4f", width, it->second);
  return buf;
}

std::string label(const std::string& text, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%-*s", width, text.c_str());
  return buf;
}

std::string right(const std::string& text, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%*s", width, text.c_str());
  return buf;
}

constexpr int kLabel = 11, kCell = 10;

// Metric rows: a value per cutoff, or one value in the first column when it has no cutoff.
std::string metric_rows(const EvalResult& r) {
  static const char* kAtK[] = {"HR",  "NDCG",     "Recall", "Precision", "F1",      "MRR",
                               "MAP", "Coverage", "Gini",   "ILD",       "Novelty", "ARP"};
  static const char* kPlain[] = {"AUC", "RMSE", "MAE"};
  std::string out = label("metric", kLabel);
  for (int k : r.ks) out += right("@" + std::to_string(k), kCell);
  out += "\n";
  for (const char* name : kAtK) {
    if (!r.overall.values.count(std::string(name) + "@" + std::to_string(r.ks.front()))) continue;
    out += label(name, kLabel);
    for (int k : r.ks) out += cell(r.overall, std::string(name) + "@" + std::to_string(k), kCell);
    out += "\n";
  }
  for (const char* name : kPlain)
    if (r.overall.values.count(name))
      out += label(name, kLabel) + cell(r.overall, name, kCell) + "\n";
  return out;
}

std::string slice_rows(const EvalResult& r) {
  std::string out = label("history", kLabel) + right("users", kCell);
  for (const char* name : {"HR", "NDCG"})
    for (int k : r.ks) out += right(std::string(name) + "@" + std::to_string(k), kCell);
  out += "\n";
  for (const auto& [slice, set] : r.slices) {
    out += label(slice, kLabel) + right(std::to_string(set.users), kCell);
    for (const char* name : {"HR", "NDCG"})
      for (int k : r.ks) out += cell(set, std::string(name) + "@" + std::to_string(k), kCell);
    out += "\n";
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const EvalResult& result) {
  nlohmann::json slices = nlohmann::json::array();
  for (const auto& [name, set] : result.slices) {
    nlohmann::json s = metric_object(set);
    s["slice"] = name;
    slices.push_back(std::move(s));
  }
  return {{"overall", metric_object(result.overall)},
          {"slices", std::move(slices)},
          {"ks", result.ks},
          {"seconds", result.seconds}};
}

std::string to_table(const EvalResult& result) {
  if (result.overall.users == 0 || result.ks.empty()) return "no users to evaluate\n";
  return metric_rows(result) + "\n" + slice_rows(result);
}

}  // namespace lmrec
