#include "serve/server.h"

#include <httplib.h>
#include <omp.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "data/text_fields.h"
#include "serve/json_errors.h"
#include "serve/metrics.h"
#include "serve/requests.h"
#include "serve/result_cache.h"

namespace lmrec {
namespace {

using nlohmann::json;
using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

void send(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// `model_reason` says what the model scored from: the user's history or one item.
// `model` maps the item ids of the reasons (model indices) back to the catalogue.
json item_list(const Service& s, const std::vector<Recommendation>& list,
               const std::string& model_reason, const ModelVersion* model = nullptr) {
  json out = json::array();
  for (const auto& r : list) {
    std::string channel = r.channel;
    std::string reason = channel == "model"     ? model_reason
                         : channel == "popular" ? std::string("popular with everyone")
                         : channel == "explore"
                             ? std::string("ranked lower by the model; shown to learn how it does")
                             : std::string("new in the catalogue");
    out.push_back({{"item", s.catalog().name(r.item)},
                   {"score", r.score},
                   {"title", s.catalog().title(r.item)},
                   {"channel", channel},
                   {"reason", reason}});
    if (r.why && model) {
      auto name = [&](int32_t mi) { return s.catalog().name(model->to_catalog[mi]); };
      json& reasons = out.back()["reasons"] = explanation_json(*r.why, name);
      if (!r.why->channels.empty() || !r.why->history.empty() || !r.why->features.empty())
        out.back()["reason"] = reasons["text"];
    }
  }
  return out;
}

Reasons parse_reasons(const std::optional<std::string>& value) {
  if (!value || *value == "fast") return Reasons::kFast;
  if (*value == "full") return Reasons::kFull;
  if (*value == "none") return Reasons::kNone;
  LMREC_API_ERROR(400, "reasons must be none, fast or full, got " + quote_text(*value));
}

// Request threads score on their own: OpenMP settings are per thread, and a team per request
// thread would oversubscribe the cores many times over.
class RequestPool : public httplib::ThreadPool {
 public:
  RequestPool(size_t n, int omp_threads) : ThreadPool(n), omp_threads_(omp_threads) {}
  void enqueue(std::function<void()> fn) override {
    ThreadPool::enqueue([this, fn = std::move(fn)] {
      omp_set_num_threads(omp_threads_);
      fn();
    });
  }

 private:
  int omp_threads_;
};

}  // namespace

struct Server::Impl {
  Service& service;
  ApiKeys keys;
  ServerOptions options;
  Metrics metrics;
  ResultCache cache;
  Retrainer* retrainer;
  httplib::Server http;

  Impl(Service& s, ApiKeys k, ServerOptions o, Retrainer* r)
      : service(s),
        keys(std::move(k)),
        options(o),
        cache(std::chrono::milliseconds(o.cache_ttl_ms)),
        retrainer(r) {}

  // Answers from the cache when nothing `key` depends on changed, else computes and keeps it.
  template <typename Compute>
  void cached(httplib::Response& res, const std::string& key, const std::string& user,
              Compute&& compute) {
    CacheTag tag{service.epoch(), user.empty() ? 0 : service.users().version(user)};
    res.status = 200;
    if (auto body = cache.get(key, tag)) {
      res.set_content(std::move(*body), "application/json");
      return;
    }
    json body = compute();
    std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
    cache.put(key, tag, text);
    res.set_content(std::move(text), "application/json");
  }

  // Times the request, checks the key's scope and turns every exception into a JSON answer.
  Handler guard(Route route, std::optional<Scope> scope, Handler fn) {
    return [this, route, scope, fn](const httplib::Request& req, httplib::Response& res) {
      auto start = std::chrono::steady_clock::now();
      try {
        if (scope) authorize(req, *scope);
        fn(req, res);
      } catch (...) {
        auto e = current_error();
        res.status = e.status;
        res.set_content(e.body, "application/json");
      }
      metrics.record(
          route, res.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
  }

  void authorize(const httplib::Request& req, Scope scope) const {
    std::string key = ApiKeys::from_headers(req.get_header_value("Authorization"),
                                            req.get_header_value("X-Api-Key"));
    int status = keys.check(key, scope);
    if (status == 401)
      LMREC_API_ERROR(401,
                      "missing or unknown API key (send Authorization: Bearer KEY or X-Api-Key)");
    if (status == 403)
      LMREC_API_ERROR(403, std::string("this API key lacks the ") + scope_name(scope) + " scope");
  }

  void recommend(const httplib::Request& req, httplib::Response& res) {
    RecommendRequest r;
    auto user = param(req, "user");
    if (!user || user->empty()) LMREC_API_ERROR(400, "user is required (?user=ID)");
    check_id("user", *user);
    r.user = *user;
    r.k = parse_int_param("k", param(req, "k"), 10, 1, service.max_k());
    r.exclude_seen = parse_bool_param("exclude_seen", param(req, "exclude_seen"), true);
    r.reasons = parse_reasons(param(req, "reasons"));
    std::string filter = param(req, "filter").value_or("");
    if (!filter.empty()) r.filter = ItemFilter::parse(filter);
    std::string key = "r\x1f" + r.user + "\x1f" + std::to_string(r.k) + "\x1f" +
                      (r.exclude_seen ? "1" : "0") + "\x1f" + filter + "\x1f" +
                      std::to_string(static_cast<int>(r.reasons));
    cached(res, key, r.user, [&] {
      auto result = service.recommend(r);
      return json{{"user", r.user},
                  {"model", {{"name", result.model->name}, {"version", result.model->version}}},
                  {"personalised", result.history > 0},
                  {"history", result.history},
                  {"items", item_list(service, result.items, "scored from your recent history",
                                      result.model.get())}};
    });
  }

  void similar(const httplib::Request& req, httplib::Response& res) {
    int k = parse_int_param("k", param(req, "k"), 10, 1, service.max_k());
    std::string item = req.matches[1];
    check_id("item", item);
    send(res, {{"item", item},
               {"items", item_list(service, service.similar(item, k), "scored from this item")}});
  }

  void explain(const httplib::Request& req, httplib::Response& res) {
    auto user = param(req, "user"), item = param(req, "item");
    if (!user || user->empty()) LMREC_API_ERROR(400, "user is required (?user=ID&item=ID)");
    if (!item || item->empty()) LMREC_API_ERROR(400, "item is required (?user=ID&item=ID)");
    check_id("user", *user);
    check_id("item", *item);
    auto result = service.explain(*user, *item);
    const auto& m = *result.model;
    auto name = [&](int32_t mi) { return service.catalog().name(m.to_catalog[mi]); };
    json body = explanation_json(result.why, name);
    body["user"] = *user;
    body["model"] = {{"name", m.name}, {"version", m.version}};
    send(res, body);
  }

  void feedback(const httplib::Request& req, httplib::Response& res) {
    size_t n = service.feedback(parse_events(req.body, options.max_events));
    send(res, {{"accepted", n}});
  }

  void admin_models(const httplib::Request&, httplib::Response& res) {
    auto current = service.live().current();
    send(res, {{"current", current ? current->version : 0}, {"kept", service.live().versions()}});
  }

  void admin_load(const httplib::Request& req, httplib::Response& res) {
    std::string path = parse_model_path(req.body);
    try {
      send(res, {{"version", service.load_model(path)}});
    } catch (const IoError& e) {
      LMREC_API_ERROR(400, e.what());
    } catch (const FormatError& e) {
      LMREC_API_ERROR(400, e.what());
    }
  }

  void admin_rollback(const httplib::Request& req, httplib::Response& res) {
    int v = parse_int_param("version", param(req, "version"), 0, 1, 1 << 30);
    if (!service.rollback(v))
      LMREC_API_ERROR(404, "model version " + std::to_string(v) + " is not kept");
    send(res, {{"current", v}});
  }

  void admin_retrain(const httplib::Request& req, httplib::Response& res) {
    if (!retrainer || !retrainer->enabled())
      LMREC_API_ERROR(404, "retraining is off (lmrec serve --retrain-model NAME)");
    if (req.method == "POST" && !retrainer->start())
      LMREC_API_ERROR(409, "a retraining run is in progress");
    send(res, retrainer->status(), req.method == "POST" ? 202 : 200);
  }

  std::string render_metrics() const {
    std::vector<Gauge> g;
    if (auto m = service.live().current())
      g.push_back({"lmrec_model_info", "The model being served.",
                   "name=\"" + m->name + "\",version=\"" + std::to_string(m->version) + "\"", 1});
    g.push_back({"lmrec_write_queue_depth", "Writes waiting for the next group commit.", "",
                 static_cast<double>(service.write_queue_depth())});
    g.push_back({"lmrec_store_commits", "Group commits since start.", "",
                 static_cast<double>(service.commits())});
    g.push_back({"lmrec_users_in_memory", "Users with a history in memory.", "",
                 static_cast<double>(service.users().users())});
    g.push_back({"lmrec_cache_hits", "Answers served from the result cache.", "",
                 static_cast<double>(cache.hits())});
    g.push_back(
        {"lmrec_cache_misses", "Answers computed.", "", static_cast<double>(cache.misses())});
    g.push_back({"lmrec_catalogue_items", "Items known to the catalogue.", "",
                 static_cast<double>(service.catalog().size())});
    return metrics.render(g);
  }

  void routes() {
    using R = Route;
    auto read = std::optional<Scope>(Scope::kRead), write = std::optional<Scope>(Scope::kWrite),
         admin = std::optional<Scope>(Scope::kAdmin);
    auto bind = [this](void (Impl::*fn)(const httplib::Request&, httplib::Response&)) {
      return [this, fn](const httplib::Request& q, httplib::Response& s) { (this->*fn)(q, s); };
    };
    http.Get("/v1/recommend", guard(R::kRecommend, read, bind(&Impl::recommend)));
    http.Get(R"(/v1/items/([^/]+)/similar)", guard(R::kSimilar, read, bind(&Impl::similar)));
    http.Get("/v1/explain", guard(R::kExplain, read, bind(&Impl::explain)));
    http.Post("/v1/feedback", guard(R::kFeedback, write, bind(&Impl::feedback)));
    http.Put(R"(/v1/items/([^/]+))",
             guard(R::kPutItem, write, [this](const httplib::Request& q, httplib::Response& s) {
               service.put_item(parse_item(q.matches[1], q.body));
               send(s, {{"item", std::string(q.matches[1])}, {"stored", true}});
             }));
    http.Delete(
        R"(/v1/items/([^/]+))",
        guard(R::kDeleteItem, write, [this](const httplib::Request& q, httplib::Response& s) {
          check_id("item", q.matches[1]);
          service.delete_item(q.matches[1]);
          send(s, {{"item", std::string(q.matches[1])}, {"deleted", true}});
        }));
    http.Delete(
        R"(/v1/users/([^/]+))",
        guard(R::kDeleteUser, write, [this](const httplib::Request& q, httplib::Response& s) {
          check_id("user", q.matches[1]);
          int64_t n = service.delete_user(q.matches[1]);
          send(s, {{"user", std::string(q.matches[1])}, {"deleted", true}, {"events", n}});
        }));
    http.Get("/v1/admin/models", guard(R::kAdmin, admin, bind(&Impl::admin_models)));
    http.Post("/v1/admin/models", guard(R::kAdmin, admin, bind(&Impl::admin_load)));
    http.Post("/v1/admin/rollback", guard(R::kAdmin, admin, bind(&Impl::admin_rollback)));
    http.Post("/v1/admin/retrain", guard(R::kAdmin, admin, bind(&Impl::admin_retrain)));
    http.Get("/v1/admin/retrain", guard(R::kAdmin, admin, bind(&Impl::admin_retrain)));
    http.Get("/healthz",
             guard(R::kHealth, {}, [this](const httplib::Request&, httplib::Response& s) {
               bool ready = service.live().current() != nullptr;
               send(s, {{"status", ready ? "ok" : "no model"}}, ready ? 200 : 503);
             }));
    http.Get("/metrics",
             guard(R::kMetrics, {}, [this](const httplib::Request&, httplib::Response& s) {
               s.set_content(render_metrics(), "text/plain; version=0.0.4");
             }));
  }

  // Answers httplib's own refusals (no route, body too large) in the same JSON shape.
  void refusals() {
    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      std::string message = res.status == 413 ? "request body larger than " +
                                                    std::to_string(options.max_body) + " bytes"
                            : res.status == 404 ? "no route " + req.method + " " + req.path
                                                : "request refused";
      res.set_content(error_body(res.status, message), "application/json");
      metrics.record(Route::kOther, res.status, 0.0);
    });
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          try {
            std::rethrow_exception(ep);
          } catch (...) {
            auto e = current_error();
            res.status = e.status;
            res.set_content(e.body, "application/json");
          }
        });
  }
};

Server::Server(Service& service, ApiKeys keys, ServerOptions options, Retrainer* retrainer)
    : impl_(std::make_unique<Impl>(service, std::move(keys), options, retrainer)) {
  auto& http = impl_->http;
  int threads = std::max(1, options.threads);
  int omp = std::max(1, options.score_threads);
  http.new_task_queue = [threads, omp] {
    return new RequestPool(static_cast<size_t>(threads), omp);
  };
  http.set_tcp_nodelay(true);
  http.set_payload_max_length(options.max_body);
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(2);
  impl_->routes();
  impl_->refusals();
}

Server::~Server() = default;

int Server::bind() {
  auto& o = impl_->options;
  if (o.port == 0) {
    int port = impl_->http.bind_to_any_port(o.host);
    if (port < 0) LMREC_THROW(IoError, "cannot listen on " + o.host);
    return port;
  }
  if (!impl_->http.bind_to_port(o.host, o.port))
    LMREC_THROW(IoError, "cannot listen on " + o.host + ":" + std::to_string(o.port));
  return o.port;
}

void Server::run() { impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace lmrec
