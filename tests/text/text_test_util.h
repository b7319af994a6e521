// Where the text tests find the USE-Lite weights (cache/use-lite in the source tree, or
// $LMREC_USE_LITE) and the golden outputs of the JavaScript runtime.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace lmrec::testing {

inline std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

inline std::string use_lite_dir() {
  const char* env = std::getenv("LMREC_USE_LITE");
  return env && *env ? env : (source_root() / "cache" / "use-lite").string();
}

inline bool have_use_lite() {
  return std::filesystem::exists(std::filesystem::path(use_lite_dir()) / "model.json");
}

inline nlohmann::json use_lite_golden() {
  std::ifstream in(source_root() / "tests" / "text" / "data" / "use_lite_golden.json");
  return nlohmann::json::parse(in);
}

}  // namespace lmrec::testing

#define LMREC_REQUIRE_USE_LITE()                                                           \
  do {                                                                                     \
    if (!::lmrec::testing::have_use_lite())                                                \
      GTEST_SKIP() << "USE-Lite weights not found in " << ::lmrec::testing::use_lite_dir() \
                   << " (run scripts/fetch-use-lite, or set LMREC_USE_LITE)";              \
  } while (0)
