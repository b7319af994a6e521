#include "core/threads.h"

#include <omp.h>

#include <thread>

namespace lmrec {
namespace {
int g_threads = 0;
}

int set_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  g_threads = n;
  omp_set_num_threads(n);
  return n;
}

int thread_count() { return g_threads > 0 ? g_threads : omp_get_max_threads(); }

}  // namespace lmrec
