// lmrec serve: the HTTP API over a store and a model, until SIGINT or SIGTERM; then it stops
// accepting, finishes the requests in flight and commits every queued write before exiting.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/command.h"
#include "core/errors.h"
#include "core/threads.h"
#include "data/dataset_file.h"
#include "serve/server.h"

namespace lmrec::cli {
namespace {

struct ServeArgs {
  std::string store, model, data, api_keys, models_dir;
  std::vector<std::string> retrain_sets;
  RetrainOptions retrain;
  ServerOptions server;
  ServiceOptions service;
};

ApiKeys load_keys(const ServeArgs& a) {
  ApiKeys keys;
  if (const char* env = std::getenv("LMREC_API_KEYS")) keys.add_spec(env);
  if (!a.api_keys.empty()) keys.add_file(a.api_keys);
  if (keys.open())
    std::fprintf(stderr,
                 "lmrec serve: warning: no API keys configured, every request is allowed "
                 "(set LMREC_API_KEYS or --api-keys)\n");
  return keys;
}

int run_serve(ServeArgs& a, const GlobalFlags& flags) {
  // Requests run in parallel; each one scores on a single thread unless --threads says more.
  if (flags.threads == 0) set_threads(1);
  ApiKeys keys = load_keys(a);
  std::vector<std::string> fallback_items;
  if (!a.data.empty()) fallback_items = load_dataset(a.data).items.names();

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Service service(open_store(a.store), a.service);
  std::string model = a.model.empty() ? service.active_model_path() : a.model;
  if (model.empty())
    LMREC_THROW(ConfigError, "no --model given and the store " + a.store + " has no active model");
  int64_t version = service.load_model(model, fallback_items);
  for (const auto& kv : a.retrain_sets) a.retrain.options.set(kv);
  a.retrain.models_dir = a.models_dir.empty() ? a.store + ".models" : a.models_dir;
  Retrainer retrainer(service, a.store, a.retrain);
  Server server(service, std::move(keys), a.server, &retrainer);
  int port = server.bind();
  std::fprintf(stderr, "lmrec serve: http://%s:%d model %s version %lld, %d items, %zu users\n",
               a.server.host.c_str(), port, model.c_str(), (long long)version,
               service.catalog().size(), service.users().users());
  std::printf("listening %d\n", port);
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "lmrec serve: signal %d, finishing in-flight requests\n", sig);
    server.stop();
  });
  server.run();
  if (waiter.joinable()) {
    kill(getpid(), SIGTERM);  // wakes the waiter when run() ended by itself
    waiter.join();
  }
  service.shutdown();
  std::fprintf(stderr, "lmrec serve: stopped, %llu commits\n",
               (unsigned long long)service.commits());
  return 0;
}

}  // namespace

Command add_serve(CLI::App& root, const GlobalFlags& flags) {
  auto a = std::make_shared<ServeArgs>();
  auto* app = root.add_subcommand("serve", "serve recommendations and take feedback over HTTP");
  app->add_option("--store,-s", a->store, "store (SQLite) with the catalogue and events")
      ->required();
  app->add_option("--model,-m", a->model, "model folder (default: the store's active model)");
  app->add_option("--data,-d", a->data,
                  "dataset file naming the model's items, for model "
                  "folders without items.txt");
  app->add_option("--host", a->server.host, "address to listen on")->capture_default_str();
  app->add_option("--port,-p", a->server.port, "port (0 = any free one)")->capture_default_str();
  app->add_option("--http-threads", a->server.threads,
                  "request threads; each keep-alive connection holds one")
      ->capture_default_str();
  app->add_option("--max-body", a->server.max_body, "largest request body in bytes")
      ->capture_default_str();
  app->add_option("--cache-ttl-ms", a->server.cache_ttl_ms,
                  "reuse a finished answer this long while the user's history, the model and the "
                  "catalogue are unchanged (0 = off)")
      ->capture_default_str();
  app->add_option(
      "--api-keys", a->api_keys,
      "file of KEY:SCOPES entries, scopes read, write, admin joined by + (also LMREC_API_KEYS)");
  app->add_option("--history", a->service.max_history, "recent events per user the model sees")
      ->capture_default_str();
  app->add_option("--new-item-slots", a->service.new_item_slots,
                  "list slots for items added while serving")
      ->capture_default_str();
  app->add_option("--explore-slots", a->service.explore_slots,
                  "last list slots filled by Thompson sampling among the model's next items "
                  "(0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--explore-pool", a->service.explore_pool,
                  "model-ranked items past the list that the explore slots sample from")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option(
      "--retrain-model", a->retrain.model,
      "enables POST /v1/admin/retrain: fit this model on a store snapshot and swap it in");
  app->add_option("--retrain-set", a->retrain_sets, "option key=value of that model (repeatable)");
  app->add_option("--retrain-every", a->retrain.every_seconds,
                  "also retrain every this many seconds (0 = only on request)")
      ->capture_default_str();
  app->add_option("--models-dir", a->models_dir,
                  "where retrained models go (default STORE.models)");
  return {app, [a, &flags] { return run_serve(*a, flags); }};
}

}  // namespace lmrec::cli
