// Background retraining with hot swap: fits a fresh model on a snapshot of the store (read
// through its own connection, so serving and feedback go on), writes it as a new model folder
// and makes it the live version; the previous ones stay available to rollback. Runs on request
// and, optionally, on a timer. One fit at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "core/options.h"
#include "serve/service.h"

namespace lmrec {

struct RetrainOptions {
  std::string model;       // model name, e.g. "ease"; empty turns retraining off
  Options options;         // the model's options
  std::string models_dir;  // new folders go here, one per version
  int every_seconds = 0;   // 0 = only on request
  int threads = 1;         // OpenMP threads of the fit, left small so serving keeps its cores
};

class Retrainer {
 public:
  Retrainer(Service& service, std::string store_path, RetrainOptions options);
  ~Retrainer();  // stops the timer and waits for a fit in progress
  bool enabled() const { return !options_.model.empty(); }
  // Starts a fit in the background; false when one is already running.
  bool start();
  // {"running", "runs", "last_version", "last_seconds", "last_error"}
  nlohmann::json status() const;

 private:
  void fit_once();
  void timer();

  Service& service_;
  std::string store_path_;
  RetrainOptions options_;
  std::atomic<bool> running_{false};
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int64_t runs_ = 0, last_version_ = 0;
  double last_seconds_ = 0;
  std::string last_error_;
  std::thread fit_, timer_;
};

}  // namespace lmrec
