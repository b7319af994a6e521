// Prometheus text metrics: request counts by route and status, a latency histogram per route,
// and gauges the server reports at scrape time. Recording is lock-free (relaxed atomics).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lmrec {

enum class Route {
  kRecommend,
  kSimilar,
  kExplain,
  kFeedback,
  kPutItem,
  kDeleteItem,
  kDeleteUser,
  kAdmin,
  kHealth,
  kMetrics,
  kOther,
  kCount
};

const char* route_name(Route r);

struct Gauge {
  std::string name, help, labels;  // labels: e.g. name="ease",version="3" (may be empty)
  double value;
};

class Metrics {
 public:
  void record(Route route, int status, double seconds);
  // The Prometheus exposition text, with `gauges` appended.
  std::string render(const std::vector<Gauge>& gauges) const;

 private:
  static constexpr std::array<int, 13> kStatuses = {200, 202, 204, 400, 401, 403, 404,
                                                    405, 409, 413, 500, 503, 0};
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  static constexpr size_t kRoutes = static_cast<size_t>(Route::kCount);
  static size_t status_slot(int status);

  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kRoutes> counts_{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kRoutes> buckets_{};
  std::array<std::atomic<uint64_t>, kRoutes> micros_{};  // latency sum in microseconds
};

}  // namespace lmrec
