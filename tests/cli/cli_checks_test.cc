// Options the CLI documents, end to end through the lmrec binary: --grid needs validation rows,
// --query needs a model that reads text, serve's --explore-slots/--explore-pool reach the
// service, and run files nested too deeply are refused.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_lmrec.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

using testing::CommandResult;
using testing::run_lmrec;

// 60 users over 40 items in two clusters, as a sequence file.
std::string write_sequences(const std::string& dir) {
  std::string path = dir + "/seq.txt";
  std::ofstream out(path);
  for (int u = 1; u <= 60; ++u) {
    out << u;
    int base = u % 2 ? 1 : 21;
    for (int k = 0; k < 8; ++k) out << ' ' << base + (u * 7 + k * 3) % 20;
    out << '\n';
  }
  return path;
}

std::string import_sequences(const std::string& dir) {
  CommandResult r = run_lmrec("import --format s3rec --input " + write_sequences(dir) + " --out " +
                              dir + "/d.lmd");
  EXPECT_EQ(r.status, 0) << r.out;
  return dir + "/d.lmd";
}

TEST(CliChecks, GridWithoutValidationRowsIsAConfigError) {
  std::string dir = testing::temp_dir("cli-grid-novalid");
  std::string data = import_sequences(dir);
  CommandResult r = run_lmrec("train --data " + data +
                              " --model ease --split none --grid lambda=1,10 --out " + dir + "/m");
  EXPECT_EQ(r.status, 64) << r.out;
  EXPECT_NE(r.out.find("--grid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'none'"), std::string::npos) << r.out;
  // One option set needs no choosing, so it trains without validation rows.
  CommandResult one = run_lmrec("train --data " + data +
                                " --model ease --split none --set lambda=1 --out " + dir + "/m");
  EXPECT_EQ(one.status, 0) << one.out;
}

TEST(CliChecks, QueryForAModelThatReadsNoTextIsAConfigError) {
  std::string dir = testing::temp_dir("cli-query-ease");
  std::string data = import_sequences(dir);
  ASSERT_EQ(run_lmrec("train --data " + data + " --model ease --out " + dir + "/m").status, 0);
  for (const std::string& who : {std::string(""), std::string(" --user 3")}) {
    CommandResult r = run_lmrec("recommend --data " + data + " --model " + dir +
                                "/m --query 'dark comedy'" + who);
    EXPECT_EQ(r.status, 64) << r.out;
    EXPECT_NE(r.out.find("does not read text"), std::string::npos) << r.out;
  }
  EXPECT_EQ(run_lmrec("recommend --data " + data + " --model " + dir + "/m --user 3").status, 0);
}

TEST(CliChecks, DeeplyNestedRunFileIsAConfigError) {
  std::string dir = testing::temp_dir("cli-deep-config");
  std::string data = import_sequences(dir);
  std::ofstream(dir + "/run.json") << R"({"model": "ease", "grid": {"lambda": )"
                                   << std::string(300000, '[') << std::string(300000, ']') << "}}";
  CommandResult r =
      run_lmrec("train --data " + data + " --config " + dir + "/run.json --out " + dir + "/m");
  EXPECT_EQ(r.status, 64) << r.out;
  EXPECT_NE(r.out.find("nested deeper"), std::string::npos) << r.out;
}

// `lmrec serve` in the background on a free port; stopped with SIGTERM.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      std::string cmd = std::string(LMREC_BINARY) + " --quiet serve --port 0 " + args;
      execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    if (out && std::fscanf(out, "listening %d", &port_) != 1) port_ = 0;
    if (out) std::fclose(out);
  }
  ~ServeProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(CliChecks, ServeExploreOptionsReachTheService) {
  std::string dir = testing::temp_dir("cli-serve-explore");
  std::string store = dir + "/shop.db";
  CommandResult imp =
      run_lmrec("import --format s3rec --input " + write_sequences(dir) + " --store " + store);
  ASSERT_EQ(imp.status, 0) << imp.out;
  CommandResult train =
      run_lmrec("train --store " + store + " --model ease --set lambda=1 --out " + dir + "/m");
  ASSERT_EQ(train.status, 0) << train.out;
  CommandResult bad = run_lmrec("serve --store " + store + " --explore-slots -1");
  EXPECT_NE(bad.status, 0) << bad.out;
  EXPECT_NE(bad.out.find("explore-slots"), std::string::npos) << bad.out;

  ServeProcess serve("--store " + store + " --explore-slots 2 --explore-pool 5");
  ASSERT_GT(serve.port(), 0) << "lmrec serve did not start";
  httplib::Client client("127.0.0.1", serve.port());
  auto res = client.Get("/v1/recommend?user=3&k=5");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto items = nlohmann::json::parse(res->body)["items"];
  ASSERT_EQ(items.size(), 5u) << res->body;
  int explored = 0;
  for (const auto& i : items) explored += i["channel"] == "explore";
  EXPECT_EQ(explored, 2) << res->body;
  EXPECT_EQ(items[4]["channel"], "explore") << res->body;
}

}  // namespace
}  // namespace lmrec
