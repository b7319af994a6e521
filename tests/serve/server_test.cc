// The HTTP API end to end, in process on a free port: every route, bad input, API keys, and
// feedback changing the very next recommendation.
#include "serve/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "serve/serve_fixture.h"

namespace lmrec {
namespace {

using nlohmann::json;

class ServeTest : public ::testing::Test {
 protected:
  void start(const std::string& name, ApiKeys keys = {}, ServerOptions options = {},
             RetrainOptions retrain = {}) {
    fixture_ = testing::make_serve_fixture(name);
    service_ = std::make_unique<Service>(open_store(fixture_.store_path));
    service_->load_model(fixture_.model_dir);
    options.port = 0;
    options.threads = 4;
    retrain.models_dir = fixture_.dir + "/retrained";
    retrainer_ = std::make_unique<Retrainer>(*service_, fixture_.store_path, retrain);
    server_ = std::make_unique<Server>(*service_, std::move(keys), options, retrainer_.get());
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  json get(const std::string& path, int expect = 200, const httplib::Headers& h = {}) {
    auto res = client_->Get(path.c_str(), h);
    return check(res, expect, path);
  }
  json post(const std::string& path, const std::string& body, int expect = 200,
            const httplib::Headers& h = {}) {
    auto res = client_->Post(path.c_str(), h, body, "application/json");
    return check(res, expect, path);
  }
  json put(const std::string& path, const std::string& body, int expect = 200,
           const httplib::Headers& h = {}) {
    return check(client_->Put(path.c_str(), h, body, "application/json"), expect, path);
  }
  json del(const std::string& path, int expect = 200, const httplib::Headers& h = {}) {
    return check(client_->Delete(path.c_str(), h), expect, path);
  }

  json check(const httplib::Result& res, int expect, const std::string& path) {
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expect) << path << ": " << res->body;
    if (res->get_header_value("Content-Type") != "application/json") return res->body;
    json body = json::parse(res->body);
    if (expect >= 400) {
      EXPECT_TRUE(body.contains("error")) << res->body;
      EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
    }
    return body;
  }

  static std::vector<std::string> items(const json& body) {
    std::vector<std::string> out;
    for (const auto& i : body["items"]) out.push_back(i["item"]);
    return out;
  }

  testing::ServeFixture fixture_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Retrainer> retrainer_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  int port_ = 0;
};

int cluster(const std::string& item) { return std::stoi(item.substr(1)) < 10 ? 0 : 1; }

TEST_F(ServeTest, KnownUserGetsPersonalisedUnseenItems) {
  start("known");
  json r = get("/v1/recommend?user=u0&k=4");
  EXPECT_TRUE(r["personalised"].get<bool>());
  EXPECT_EQ(r["model"]["name"], "ease");
  ASSERT_EQ(r["items"].size(), 4u);
  auto seen = fixture_.data.user_items(fixture_.data.users.find("u0"));
  for (const auto& i : r["items"]) {
    EXPECT_EQ(i["channel"], "model");
    EXPECT_FALSE(i["reason"].get<std::string>().empty());
    EXPECT_EQ(cluster(i["item"]), 0);
    int32_t id = fixture_.data.items.find(i["item"].get<std::string>());
    EXPECT_EQ(std::count(seen.begin(), seen.end(), id), 0);
  }
  json all = get("/v1/recommend?user=u0&k=20&exclude_seen=false");
  EXPECT_EQ(all["items"].size(), 20u);
}

TEST_F(ServeTest, FeedbackChangesTheNextRecommendation) {
  start("feedback");
  json cold = get("/v1/recommend?user=newcomer&k=5");
  EXPECT_FALSE(cold["personalised"].get<bool>());
  EXPECT_EQ(cold["items"][0]["channel"], "popular");
  post("/v1/feedback", R"({"user": "newcomer", "item": "i13", "type": "click"})");
  json warm = get("/v1/recommend?user=newcomer&k=5");
  EXPECT_TRUE(warm["personalised"].get<bool>());
  EXPECT_EQ(warm["history"], 1);
  ASSERT_EQ(items(warm).size(), 5u) << warm.dump();
  for (const auto& i : items(warm)) {
    EXPECT_EQ(cluster(i), 1) << warm.dump();
    EXPECT_NE(i, "i13");
  }
  EXPECT_NE(items(cold), items(warm));
  // A batch moves a known user over to the other cluster.
  post("/v1/feedback", R"({"events": [{"user": "u0", "item": "i11", "time": 100},
                                      {"user": "u0", "item": "i12", "time": 101},
                                      {"user": "u0", "item": "i14", "time": 102}]})");
  EXPECT_EQ(get("/v1/recommend?user=u0&k=5")["history"], 9);
}

TEST_F(ServeTest, SimilarItems) {
  start("similar");
  json r = get("/v1/items/i3/similar?k=3");
  ASSERT_EQ(r["items"].size(), 3u);
  for (const auto& i : items(r)) {
    EXPECT_NE(i, "i3");
    EXPECT_EQ(cluster(i), 0);
  }
  get("/v1/items/nope/similar", 404);
  get("/v1/items/i3/similar?k=0", 400);
}

TEST_F(ServeTest, ReasonsAndExplainNameTheHistoryThatMovedAnItem) {
  start("explain");
  json r = get("/v1/recommend?user=u0&k=3&reasons=full");
  ASSERT_EQ(r["items"].size(), 3u) << r.dump();
  auto seen = fixture_.data.user_items(fixture_.data.users.find("u0"));
  for (const auto& i : r["items"]) {
    const json& history = i["reasons"]["history"];
    ASSERT_FALSE(history.empty()) << i.dump();
    for (const auto& h : history) {
      int32_t id = fixture_.data.items.find(h["item"].get<std::string>());
      EXPECT_EQ(std::count(seen.begin(), seen.end(), id), 1) << h.dump();
      EXPECT_GT(h["drop"].get<double>(), 0.0);
    }
    EXPECT_NE(i["reason"].get<std::string>().find("because of"), std::string::npos) << i.dump();
  }
  std::string top = r["items"][0]["item"];
  json e = get("/v1/explain?user=u0&item=" + top);
  EXPECT_EQ(e["item"], top);
  EXPECT_EQ(e["user"], "u0");
  EXPECT_EQ(e["history"], r["items"][0]["reasons"]["history"]);
  EXPECT_EQ(get("/v1/recommend?user=u0&k=3&reasons=none")["items"][0].count("reasons"), 0u);
  get("/v1/explain?user=nobody&item=" + top, 404);
  get("/v1/explain?user=u0&item=nothing", 404);
  get("/v1/explain?user=u0", 400);
  get("/v1/recommend?user=u0&reasons=why", 400);
}

TEST_F(ServeTest, BadInputGetsA4xxNamingTheProblem) {
  start("bad", {}, ServerOptions{.max_body = 2000});
  EXPECT_NE(get("/v1/recommend", 400).dump().find("user"), std::string::npos);
  get("/v1/recommend?user=u0&k=abc", 400);
  get("/v1/recommend?user=u0&k=100000", 400);
  get("/v1/recommend?user=u0&exclude_seen=maybe", 400);
  get("/v1/recommend?user=u0&filter=nocolon", 400);
  json bad = post("/v1/feedback", R"({"user": "u0", "item": )", 400);
  EXPECT_NE(bad.dump().find("malformed JSON"), std::string::npos);
  EXPECT_NE(post("/v1/feedback", R"({"item": "i1"})", 400).dump().find("user"), std::string::npos);
  EXPECT_NE(post("/v1/feedback", R"({"user": "u0", "item": "zzz"})", 400).dump().find("zzz"),
            std::string::npos);
  post("/v1/feedback", R"({"user": "u0", "item": "i1", "value": "high"})", 400);
  post("/v1/feedback", R"({"user": "u0", "item": "i1", "time": 1.5})", 400);
  post("/v1/feedback", R"([{"user": "u0", "item": "i1"}, 7])", 400);
  post("/v1/feedback", R"("just a string")", 400);
  post("/v1/feedback", R"([])", 400);
  post("/v1/feedback", std::string(5000, ' '), 413);
  put("/v1/items/x", R"({"categories": "notalist"})", 400);
  get("/v1/nothing", 404);
  // A rejected batch stores nothing.
  post("/v1/feedback", R"([{"user": "u0", "item": "i1"}, {"user": "u0", "item": "zzz"}])", 400);
  EXPECT_EQ(get("/v1/recommend?user=u0")["history"], 6);
  EXPECT_EQ(get("/healthz")["status"], "ok");
}

TEST_F(ServeTest, DeeplyNestedJsonIsA400AndTheServerKeepsAnswering) {
  start("deep");
  // 600 KB of nesting: parsing or dumping it recursively overflows a request thread's stack.
  std::string deep = std::string(300000, '[') + std::string(300000, ']');
  json r = put("/v1/items/x", R"({"attributes": {"a": )" + deep + "}}", 400);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("nested deeper than 64"),
            std::string::npos)
      << r.dump();
  post("/v1/feedback", deep, 400);
  post("/v1/admin/models", R"({"path": )" + deep + "}", 400);
  EXPECT_EQ(get("/healthz")["status"], "ok");
  EXPECT_EQ(get("/v1/recommend?user=u0&k=3")["items"].size(), 3u);
  put("/v1/items/x", R"({"attributes": {"a": [[1], {"b": 2}]}})");
}

TEST_F(ServeTest, IdsWithControlCharactersAreA400) {
  start("control-ids");
  // Stored, such an id would end up in items.txt (one id a line) at the next training.
  json r = put("/v1/items/a%0Ab", "{}", 400);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("\"a\\x0Ab\""), std::string::npos)
      << r.dump();
  post("/v1/feedback", R"({"user": "u0", "item": "i1\n"})", 400);
  post("/v1/feedback", R"({"user": "u\r0", "item": "i1"})", 400);
  post("/v1/feedback", R"([{"user": "u0", "item": "i1"}, {"user": "u\u0000", "item": "i2"}])", 400);
  get("/v1/recommend?user=a%09b", 400);
  get("/v1/items/a%0Ab/similar", 400);
  del("/v1/items/a%0Ab", 400);
  del("/v1/users/a%0Ab", 400);
  EXPECT_EQ(get("/v1/recommend?user=u0")["history"], 6);  // nothing was stored
  put("/v1/items/a%20b", "{}");                           // a space is an ordinary character
}

TEST_F(ServeTest, CatalogueChangesAreServedAtOnce) {
  start("catalogue");
  put("/v1/items/fresh", R"({"title": "Fresh", "categories": ["a"], "attributes": {"n": 3}})");
  json r = get("/v1/recommend?user=u0&k=5");
  EXPECT_EQ(r["items"].back()["item"], "fresh");
  EXPECT_EQ(r["items"].back()["channel"], "new");
  EXPECT_EQ(r["items"].back()["title"], "Fresh");
  post("/v1/feedback", R"({"user": "u0", "item": "fresh"})");  // now a known item
  EXPECT_EQ(get("/v1/items/fresh/similar?k=2")["items"].size(), 2u);

  std::string top = items(get("/v1/recommend?user=u0&k=1"))[0];
  del("/v1/items/" + top);
  for (int k : {1, 5, 19}) {
    auto list = items(get("/v1/recommend?user=u0&k=" + std::to_string(k)));
    EXPECT_FALSE(list.empty()) << "k=" << k;
    for (const auto& i : list) EXPECT_NE(i, top);
  }
  get("/v1/items/" + top + "/similar", 404);
  del("/v1/items/" + top, 404);
  post("/v1/feedback", R"({"user": "u0", "item": ")" + top + "\"}", 400);

  json filtered = get("/v1/recommend?user=u1&k=3&filter=category:a");
  ASSERT_EQ(filtered["items"].size(), 3u) << filtered.dump();
  // Category a holds cluster 0 and the item put above.
  for (const auto& i : filtered["items"])
    if (i["item"] != "fresh") EXPECT_EQ(cluster(i["item"]), 0);
}

TEST_F(ServeTest, DeleteUserRemovesStoreAndMemoryState) {
  start("delete-user");
  post("/v1/feedback", R"({"user": "u0", "item": "i1"})");
  json d = del("/v1/users/u0");
  EXPECT_EQ(d["events"], 7);
  EXPECT_FALSE(get("/v1/recommend?user=u0")["personalised"].get<bool>());
  del("/v1/users/u0", 404);
  server_->stop();
  thread_.join();
  service_.reset();
  EXPECT_TRUE(open_store(fixture_.store_path)->user_events("u0").empty());
}

TEST_F(ServeTest, ApiKeysGuardScopes) {
  ApiKeys keys;
  keys.add_spec("reader-key-1:read,writer-key-1:write");
  start("keys", keys);
  get("/v1/recommend?user=u0", 401);
  get("/v1/recommend?user=u0", 401, {{"X-Api-Key", "wrong-key-123"}});
  get("/v1/recommend?user=u0", 200, {{"Authorization", "Bearer reader-key-1"}});
  get("/v1/recommend?user=u0", 200, {{"X-Api-Key", "reader-key-1"}});
  std::string event = R"({"user": "u0", "item": "i1"})";
  post("/v1/feedback", event, 401);
  post("/v1/feedback", event, 403, {{"X-Api-Key", "reader-key-1"}});
  post("/v1/feedback", event, 200, {{"Authorization", "Bearer writer-key-1"}});
  get("/v1/recommend?user=u0", 403, {{"X-Api-Key", "writer-key-1"}});
  get("/healthz");
}

TEST_F(ServeTest, AdminRoutesNeedTheAdminScope) {
  ApiKeys keys;
  keys.add_spec("reader-key-1:read,writer-key-1:write,admin-key-1:admin");
  RetrainOptions retrain;
  retrain.model = "ease";
  retrain.options.set("lambda", "1");
  start("admin-scope", keys, {}, retrain);
  httplib::Headers reader{{"X-Api-Key", "reader-key-1"}}, writer{{"X-Api-Key", "writer-key-1"}},
      admin{{"X-Api-Key", "admin-key-1"}};
  auto other = testing::make_serve_fixture("admin-scope-pop", "popularity");
  std::string load = json{{"path", other.model_dir}}.dump();
  for (const auto& h : {reader, writer}) {
    get("/v1/admin/models", 403, h);
    post("/v1/admin/models", load, 403, h);
    post("/v1/admin/rollback?version=1", "", 403, h);
    post("/v1/admin/retrain", "", 403, h);
    get("/v1/admin/retrain", 403, h);
  }
  json denied = get("/v1/admin/models", 403, writer);
  EXPECT_NE(denied.dump().find("admin scope"), std::string::npos) << denied.dump();
  EXPECT_EQ(get("/v1/recommend?user=u0", 200, reader)["model"]["version"], 1);  // no swap

  EXPECT_EQ(get("/v1/admin/models", 200, admin)["current"], 1);
  EXPECT_EQ(post("/v1/admin/models", load, 200, admin)["version"], 2);
  post("/v1/admin/rollback?version=1", "", 200, admin);
  EXPECT_EQ(get("/v1/admin/retrain", 200, admin)["runs"], 0);
  // A write key still writes; an admin key alone neither writes nor reads.
  std::string event = R"({"user": "u0", "item": "i1"})";
  post("/v1/feedback", event, 200, writer);
  put("/v1/items/fresh", "{}", 200, writer);
  del("/v1/items/fresh", 200, writer);
  del("/v1/users/u1", 200, writer);
  post("/v1/feedback", event, 403, admin);
  put("/v1/items/fresh", "{}", 403, admin);
  get("/v1/recommend?user=u0", 403, admin);
}

TEST_F(ServeTest, MetricsCountRoutesAndStatuses) {
  start("metrics");
  get("/v1/recommend?user=u0");
  get("/v1/recommend?k=2", 400);
  std::string text = get("/metrics").get<std::string>();
  EXPECT_NE(text.find("lmrec_requests_total{route=\"recommend\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("lmrec_requests_total{route=\"recommend\",status=\"400\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("lmrec_request_seconds_bucket{route=\"recommend\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("lmrec_model_info{name=\"ease\",version=\"1\"} 1"), std::string::npos);
  EXPECT_NE(text.find("lmrec_write_queue_depth"), std::string::npos);
}

TEST_F(ServeTest, ModelsSwapAndRollBackWhileServing) {
  start("swap");
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    httplib::Client c("127.0.0.1", port_);
    while (!done) {
      auto res = c.Get("/v1/recommend?user=u3&k=3");
      if (!res || res->status != 200) ++failures;
    }
  });
  auto other = testing::make_serve_fixture("swap-pop", "popularity");
  json loaded = post("/v1/admin/models", json{{"path", other.model_dir}}.dump());
  EXPECT_EQ(get("/v1/recommend?user=u3")["model"]["name"], "popularity");
  post("/v1/admin/rollback?version=1", "");
  EXPECT_EQ(get("/v1/recommend?user=u3")["model"]["name"], "ease");
  post("/v1/admin/rollback?version=99", "", 404);
  post("/v1/admin/models", R"({"path": "/no/such/model"})", 400);
  EXPECT_EQ(get("/v1/admin/models")["kept"].size(), 2u);
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(loaded["version"], 2);
}

TEST_F(ServeTest, RetrainingSwapsInAModelThatKnowsNewItems) {
  RetrainOptions retrain;
  retrain.model = "ease";
  retrain.options.set("lambda", "1");
  start("retrain", {}, {}, retrain);
  put("/v1/items/late", R"({"title": "Late"})");
  for (int u = 0; u < 6; ++u)
    post("/v1/feedback", json{{"user", "u" + std::to_string(2 * u)}, {"item", "late"}}.dump());
  EXPECT_EQ(post("/v1/admin/retrain", "", 202)["running"], true);
  json status;
  for (int k = 0; k < 200; ++k) {
    status = get("/v1/admin/retrain");
    if (status["runs"] == 1 && !status["running"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status["last_error"], "") << status.dump();
  EXPECT_EQ(status["last_version"], 2);
  json r = get("/v1/items/late/similar?k=3");
  EXPECT_EQ(r["items"][0]["channel"], "model");  // the new model scores the new item
  post("/v1/admin/rollback?version=1", "");
  EXPECT_EQ(get("/v1/recommend?user=u0")["model"]["version"], 1);
}

TEST_F(ServeTest, RetrainIsRefusedWhenOff) {
  start("retrain-off");
  post("/v1/admin/retrain", "", 404);
}

TEST_F(ServeTest, AcknowledgedFeedbackIsInTheStoreAfterRestart) {
  start("restart");
  for (int k = 0; k < 5; ++k)
    post("/v1/feedback", json{{"user", "r1"}, {"item", "i" + std::to_string(k)}}.dump());
  server_->stop();
  thread_.join();
  service_.reset();
  Service again(open_store(fixture_.store_path));
  again.load_model(fixture_.model_dir);
  RecommendRequest r;
  r.user = "r1";
  EXPECT_EQ(again.recommend(r).history, 5u);
}

}  // namespace
}  // namespace lmrec
