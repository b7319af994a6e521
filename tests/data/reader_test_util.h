// Helpers for the reader tests: a scratch folder to write small input files into, a one-call
// read, a text form of the rows, and a check of where an InputError points.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/progress.h"
#include "data/reader.h"

namespace lmrec {

class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("lmrec-") + (test ? test->name() : "test") + "-" +
                       std::to_string(::getpid()) + "-" + std::to_string(counter++);
    root_ = (std::filesystem::path(::testing::TempDir()) / name).string();
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  std::string path(const std::string& name) const { return root_ + "/" + name; }
  // Writes `content` byte for byte and returns the file's path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string root_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Dataset read_input(const std::string& input, const std::string& format = "auto",
                          const std::string& columns = "", ReadReport* report = nullptr) {
  NullProgress quiet;
  ReadOptions options;
  options.input = input;
  options.format = format;
  options.columns = columns;
  return read_dataset(options, quiet, report);
}

// Rows as "user item value time", in dataset order (by user id, then time).
inline std::vector<std::string> row_texts(const Dataset& d) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < d.n_interactions(); ++r) {
    char value[32];
    std::snprintf(value, sizeof value, "%g", d.rows.value[r]);
    out.push_back(d.users.name(d.rows.user[r]) + " " + d.items.name(d.rows.item[r]) + " " + value +
                  " " + std::to_string(d.rows.time[r]));
  }
  return out;
}

// Runs `read`, expecting an InputError that names `file`, `line` and `field`.
template <typename Read>
void expect_input_error(Read&& read, const std::string& file, int64_t line,
                        const std::string& field) {
  try {
    read();
    ADD_FAILURE() << "expected an InputError at " << file << ":" << line << " field " << field;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file) << e.what();
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
  }
}

}  // namespace lmrec
