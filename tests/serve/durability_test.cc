// `lmrec serve` as a process, fed feedback by several clients and killed with SIGKILL at a
// random moment: every event it acknowledged must be in the store when it is opened again.
// bench/durability.sh runs the same check many more times.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "serve/serve_fixture.h"
#include "store/store.h"

namespace lmrec {
namespace {

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// Starts the server on a free port and reads the port from its first line of output.
Child start_server(const testing::ServeFixture& f) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(LMREC_BINARY, LMREC_BINARY, "--quiet", "serve", "--store", f.store_path.c_str(),
          "--model", f.model_dir.c_str(), "--port", "0", "--http-threads", "8", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
  close(out[0]);
  if (line.rfind("listening ", 0) == 0) c.port = std::stoi(line.substr(10));
  return c;
}

TEST(ServeDurabilityTest, AcknowledgedFeedbackSurvivesSigkill) {
  auto f = testing::make_serve_fixture("durability");
  std::mt19937 rng(7);
  int64_t acked_total = 0, found_total = 0;
  for (int run = 0; run < 3; ++run) {
    Child c = start_server(f);
    ASSERT_GT(c.port, 0);
    std::string user = "durable-" + std::to_string(run);
    std::mutex mu;
    std::set<int64_t> acked;
    std::atomic<int64_t> next{1};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        httplib::Client http("127.0.0.1", c.port);
        while (true) {
          int64_t seq = next++;
          std::string body = R"({"user": ")" + user + R"(", "item": "i)" +
                             std::to_string(seq % 20) + R"(", "time": )" + std::to_string(seq) +
                             "}";
          auto res = http.Post("/v1/feedback", body, "application/json");
          if (!res) return;  // the server is gone
          if (res->status == 200) {
            std::lock_guard lock(mu);
            acked.insert(seq);
          }
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 300));
    kill(c.pid, SIGKILL);
    waitpid(c.pid, nullptr, 0);
    for (auto& t : clients) t.join();
    std::set<int64_t> stored;
    for (const auto& e : open_store(f.store_path)->user_events(user)) stored.insert(e.time);
    for (int64_t seq : acked) EXPECT_TRUE(stored.count(seq)) << "run " << run << " lost " << seq;
    acked_total += static_cast<int64_t>(acked.size());
    found_total += static_cast<int64_t>(stored.size());
    EXPECT_GT(acked.size(), 0u);
  }
  std::printf("durability: 3 kills, %lld events acknowledged, %lld stored\n",
              (long long)acked_total, (long long)found_total);
}

}  // namespace
}  // namespace lmrec
