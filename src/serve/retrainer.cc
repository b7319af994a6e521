#include "serve/retrainer.h"

#include <omp.h>

#include <chrono>
#include <filesystem>

#include "models/recommender.h"
#include "serve/live_model.h"
#include "store/snapshot.h"

namespace lmrec {

Retrainer::Retrainer(Service& service, std::string store_path, RetrainOptions options)
    : service_(service), store_path_(std::move(store_path)), options_(std::move(options)) {
  if (enabled()) make_recommender(options_.model, options_.options);  // bad options fail now
  if (enabled() && options_.every_seconds > 0) timer_ = std::thread([this] { timer(); });
}

Retrainer::~Retrainer() {
  std::thread fit;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    fit = std::move(fit_);  // joined unlocked: the fit takes the lock to report
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (fit.joinable()) fit.join();
}

bool Retrainer::start() {
  if (!enabled()) return false;
  std::lock_guard lock(mu_);
  if (stopping_ || running_.exchange(true)) return false;
  if (fit_.joinable()) fit_.join();  // the previous fit has finished: running_ was false
  fit_ = std::thread([this] {
    fit_once();
    running_ = false;
  });
  return true;
}

void Retrainer::fit_once() {
  omp_set_num_threads(std::max(1, options_.threads));
  auto begin = std::chrono::steady_clock::now();
  int64_t version = 0;
  std::string error;
  try {
    Dataset data = read_snapshot(*open_store(store_path_));
    auto model = make_recommender(options_.model, options_.options);
    NullProgress progress;
    FitContext ctx;
    ctx.progress = &progress;
    model->fit(data, ctx);
    auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
    std::string dir = options_.models_dir + "/" + options_.model + "-" + std::to_string(stamp);
    save_model(*model, dir, {{"dataset", store_path_}, {"split", "none"}, {"retrained", true}});
    write_item_ids(dir, data.items);
    version = service_.load_model(dir);
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard lock(mu_);
  ++runs_;
  last_version_ = version ? version : last_version_;
  last_error_ = error;
  last_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

void Retrainer::timer() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, std::chrono::seconds(options_.every_seconds),
                         [&] { return stopping_; })) {
    lock.unlock();
    start();
    lock.lock();
  }
}

nlohmann::json Retrainer::status() const {
  std::lock_guard lock(mu_);
  return {{"enabled", enabled()},
          {"running", running_.load()},
          {"runs", runs_},
          {"last_version", last_version_},
          {"last_seconds", last_seconds_},
          {"last_error", last_error_}};
}

}  // namespace lmrec
