// Full-ranking evaluation speed: a dot-product model with random 64-d factors on Amazon Beauty,
// leave-one-out, test phase, all users, all threads. Scoring is one matrix product per batch, so
// the time is mostly the evaluator's own (ranking, top-k, metrics). Prints one JSON object.
#include <cblas.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "core/errors.h"
#include "core/progress.h"
#include "core/threads.h"
#include "data/reader.h"
#include "data/split.h"
#include "eval/evaluator.h"

namespace lmrec {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class DotProduct : public Recommender {
 public:
  DotProduct(int32_t n_users, int32_t n_items, int dim, uint32_t seed)
      : users_(n_users, dim), items_(n_items, dim) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.1f);
    for (Matrix* m : {&users_, &items_})
      for (Eigen::Index k = 0; k < m->size(); ++k) m->data()[k] = normal(rng);
  }
  std::string name() const override { return "dot-product"; }
  Options options() const override { return {}; }
  void fit(const Dataset&, const FitContext&) override {}
  int32_t n_items() const override { return static_cast<int32_t>(items_.rows()); }
  void score(std::span<const UserContext> users, float* scores) const override {
    Matrix u(static_cast<Eigen::Index>(users.size()), users_.cols());
    for (size_t b = 0; b < users.size(); ++b) {
      auto row = u.row(static_cast<Eigen::Index>(b));
      if (users[b].user >= 0)
        row = users_.row(users[b].user);
      else
        row.setZero();  // a user without factors scores every item 0
    }
    // Row-major [users x dim] times [items x dim]^T. Inside the evaluator's threads OpenBLAS
    // (OpenMP build) runs single-threaded, so each thread scores its own batch.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(u.rows()),
                static_cast<int>(items_.rows()), static_cast<int>(u.cols()), 1.0f, u.data(),
                static_cast<int>(u.cols()), items_.data(), static_cast<int>(items_.cols()), 0.0f,
                scores, static_cast<int>(items_.rows()));
  }
  void save_weights(const std::string&) const override {
    LMREC_THROW(UsageError, "benchmark model");
  }
  void load_weights(const std::string&) override { LMREC_THROW(UsageError, "benchmark model"); }

 private:
  Matrix users_, items_;
};

int run() {
  std::string path = std::string(LMREC_SHARED_DATA) + "/amazon/beauty.txt";
  if (!std::filesystem::exists(path)) {
    std::printf("bench_eval: skipped, %s not found\n", path.c_str());
    return 0;
  }
  NullProgress quiet;
  ReadOptions read;
  read.input = path;
  read.format = "s3rec";
  Dataset data = read_dataset(read, quiet);
  Split split = leave_one_out(data);
  DotProduct model(data.n_users(), data.n_items(), 64, 42);
  int cores = set_threads(0);
  double best = 1e30;
  EvalResult result;
  for (int repeat = 0; repeat < 3; ++repeat) {
    result = evaluate(model, data, split, Role::kTest);
    best = std::min(best, result.seconds);
  }
  nlohmann::json out = {
      {"benchmark", "eval_dot_product"}, {"data", "beauty"}, {"users", result.overall.users},
      {"items", data.n_items()},         {"seconds", best},  {"cores", cores}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace lmrec

int main() {
  try {
    return lmrec::run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_eval: %s\n", e.what());
    return 1;
  }
}
