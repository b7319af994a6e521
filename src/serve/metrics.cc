#include "serve/metrics.h"

#include <cstdio>

namespace lmrec {

const char* route_name(Route r) {
  static const char* names[] = {"recommend", "similar",     "explain",     "feedback",
                                "put_item",  "delete_item", "delete_user", "admin",
                                "healthz",   "metrics",     "other"};
  return names[static_cast<size_t>(r)];
}

size_t Metrics::status_slot(int status) {
  for (size_t k = 0; k + 1 < kStatuses.size(); ++k)
    if (kStatuses[k] == status) return k;
  return kStatuses.size() - 1;  // "other"
}

void Metrics::record(Route route, int status, double seconds) {
  auto r = static_cast<size_t>(route);
  counts_[r][status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[r][b].fetch_add(1, std::memory_order_relaxed);
  micros_[r].fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(const std::vector<Gauge>& gauges) const {
  std::string out;
  char line[256];
  out += "# HELP lmrec_requests_total HTTP requests by route and status.\n";
  out += "# TYPE lmrec_requests_total counter\n";
  for (size_t r = 0; r < kRoutes; ++r)
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      uint64_t n = counts_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string code = kStatuses[s] ? std::to_string(kStatuses[s]) : "other";
      std::snprintf(line, sizeof line, "lmrec_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                    route_name(static_cast<Route>(r)), code.c_str(), (unsigned long long)n);
      out += line;
    }
  out += "# HELP lmrec_request_seconds Request latency by route.\n";
  out += "# TYPE lmrec_request_seconds histogram\n";
  for (size_t r = 0; r < kRoutes; ++r) {
    const char* name = route_name(static_cast<Route>(r));
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += buckets_[r][b].load(std::memory_order_relaxed);
      std::string le = b < kBuckets.size() ? std::to_string(kBuckets[b]) : "+Inf";
      std::snprintf(line, sizeof line,
                    "lmrec_request_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n", name, le.c_str(),
                    (unsigned long long)cumulative);
      out += line;
    }
    std::snprintf(line, sizeof line,
                  "lmrec_request_seconds_sum{route=\"%s\"} %.6f\n"
                  "lmrec_request_seconds_count{route=\"%s\"} %llu\n",
                  name, micros_[r].load(std::memory_order_relaxed) / 1e6, name,
                  (unsigned long long)cumulative);
    out += line;
  }
  for (const auto& g : gauges) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    std::snprintf(line, sizeof line, "%s%s%s%s %.17g\n", g.name.c_str(),
                  g.labels.empty() ? "" : "{", g.labels.c_str(), g.labels.empty() ? "" : "}",
                  g.value);
    out += line;
  }
  return out;
}

}  // namespace lmrec
