// The ceiling for bench/serve_load.sh: cpp-httplib configured like `lmrec serve` (thread pool,
// TCP_NODELAY, keep-alive) answering every GET with a fixed JSON body of a top-10 list's size.
// Usage: bench_bare_http [--port N] [--threads N]; prints "listening PORT", stops on SIGTERM.
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
httplib::Server* running = nullptr;
void on_signal(int) {
  if (running) running->stop();
}
}  // namespace

int main(int argc, char** argv) {
  int port = 0, threads = 16;
  for (int k = 1; k + 1 < argc; k += 2) {
    if (!std::strcmp(argv[k], "--port")) port = std::atoi(argv[k + 1]);
    if (!std::strcmp(argv[k], "--threads")) threads = std::atoi(argv[k + 1]);
  }
  std::string body = R"({"user":"1","model":{"name":"bare","version":1},"items":[)";
  for (int i = 0; i < 10; ++i)
    body += std::string(i ? "," : "") + R"({"item":")" + std::to_string(1000 + i) +
            R"j(","score":0.5,"title":"A title of average length (1999)","channel":"model",)j" +
            R"j("reason":"scored from your recent history"})j";
  body += "]}";
  httplib::Server http;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(2);
  http.Get(".*", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  port = port ? (http.bind_to_port("127.0.0.1", port) ? port : -1)
              : http.bind_to_any_port("127.0.0.1");
  if (port < 0) {
    std::fprintf(stderr, "bench_bare_http: cannot listen\n");
    return 1;
  }
  std::printf("listening %d\n", port);
  std::fflush(stdout);
  running = &http;
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  http.listen_after_bind();
  return 0;
}
