// The HTTP API over a Service (cpp-httplib, kept out of this header):
//   GET    /v1/recommend?user=&k=&exclude_seen=&filter=   (read scope)
//   GET    /v1/items/{id}/similar?k=                       (read scope)
//   POST   /v1/feedback                                    (write scope)
//   PUT    /v1/items/{id}, DELETE /v1/items/{id}           (write scope)
//   DELETE /v1/users/{id}                                  (write scope)
//   GET    /v1/admin/models, POST /v1/admin/models {"path"}, POST /v1/admin/rollback?version=
//   POST   /v1/admin/retrain, GET /v1/admin/retrain     (write scope)
//   GET    /healthz, GET /metrics                          (open)
// Every error is a JSON body with a 4xx/5xx status; nothing a client sends can stop the server.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "serve/api_keys.h"
#include "serve/retrainer.h"
#include "serve/service.h"

namespace lmrec {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;        // 0 picks a free port
  int threads = 16;       // one per open connection: keep-alive clients each hold one
  int score_threads = 1;  // OpenMP threads of one request's scoring
  size_t max_body = 1 << 20;
  size_t max_events = 10000;  // per feedback request
  // How long a finished answer may be reused while nothing it depends on changed; 0 = never.
  int cache_ttl_ms = 2000;
};

class Server {
 public:
  // `retrainer` (optional) backs /v1/admin/retrain.
  Server(Service& service, ApiKeys keys, ServerOptions options, Retrainer* retrainer = nullptr);
  ~Server();
  // Binds the listening socket; returns the port. Throws IoError when it cannot.
  int bind();
  // Serves until stop(): then stops accepting, and returns once in-flight requests finished.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lmrec
