// Group commit: request threads hand writes to one writer thread, which owns the store and runs
// everything queued in one transaction, one fsync for many requests. Each write runs in its own
// savepoint, so one bad write fails alone. A caller returns only after its write committed and
// its in-memory effect (`apply`) ran; applies run in commit order on the writer thread, so the
// memory state follows the store's order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace lmrec {

class WriteQueue {
 public:
  using Write = std::function<void(Store&)>;
  using Apply = std::function<void()>;

  explicit WriteQueue(std::unique_ptr<Store> store);
  ~WriteQueue();  // drains what is queued, then stops
  // Blocks until `write` committed and `apply` ran; rethrows what `write` threw.
  void submit(Write write, Apply apply = {});
  // Finishes everything queued and stops the writer; later submits throw UsageError.
  void stop();
  size_t depth() const { return depth_.load(); }
  uint64_t commits() const { return commits_.load(); }

 private:
  struct Job {
    Write write;
    Apply apply;
    std::promise<void> done;
  };
  void run();
  void commit_batch(std::deque<Job>& batch);

  std::unique_ptr<Store> store_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<size_t> depth_{0};
  std::atomic<uint64_t> commits_{0};
  std::thread writer_;
};

}  // namespace lmrec
