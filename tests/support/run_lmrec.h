// Runs the lmrec binary as a user would, for the end-to-end CLI tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace lmrec::testing {

struct CommandResult {
  int status;
  std::string out;  // stdout and stderr together
};

inline CommandResult run_lmrec(const std::string& args) {
  std::string cmd = std::string(LMREC_BINARY) + " --quiet " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

}  // namespace lmrec::testing
