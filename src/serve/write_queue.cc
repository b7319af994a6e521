#include "serve/write_queue.h"

#include "core/errors.h"

namespace lmrec {

WriteQueue::WriteQueue(std::unique_ptr<Store> store)
    : store_(std::move(store)), writer_([this] { run(); }) {}

WriteQueue::~WriteQueue() { stop(); }

void WriteQueue::submit(Write write, Apply apply) {
  std::future<void> done;
  {
    std::lock_guard lock(mu_);
    if (stopping_) LMREC_THROW(UsageError, "the store is shut down");
    queue_.push_back({std::move(write), std::move(apply), {}});
    done = queue_.back().done.get_future();
    ++depth_;
  }
  ready_.notify_one();
  done.get();
}

void WriteQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void WriteQueue::run() {
  while (true) {
    std::deque<Job> batch;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      batch.swap(queue_);
    }
    commit_batch(batch);
    depth_ -= batch.size();
  }
}

void WriteQueue::commit_batch(std::deque<Job>& batch) {
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    Transaction all(*store_);
    for (size_t k = 0; k < batch.size(); ++k) {
      try {
        Transaction one(*store_);
        batch[k].write(*store_);
        one.commit();
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
    all.commit();
    ++commits_;
  } catch (...) {
    // The commit itself failed: nothing of the batch is durable.
    for (auto& job : batch) job.done.set_exception(std::current_exception());
    return;
  }
  for (size_t k = 0; k < batch.size(); ++k) {
    if (errors[k]) {
      batch[k].done.set_exception(errors[k]);
      continue;
    }
    try {
      if (batch[k].apply) batch[k].apply();
      batch[k].done.set_value();
    } catch (...) {
      batch[k].done.set_exception(std::current_exception());
    }
  }
}

}  // namespace lmrec
