// The serving parts on their own: catalogue, filters, histories, API keys, request parsing.
#include <gtest/gtest.h>

#include "serve/api_keys.h"
#include "serve/catalog.h"
#include "serve/json_errors.h"
#include "serve/requests.h"
#include "serve/user_state.h"

namespace lmrec {
namespace {

TEST(ServePartsTest, CatalogueFiltersPopularAndNewItems) {
  Catalog c;
  c.put({"a", "A", "", {"x"}, {{"color", "red"}}, false}, false);
  c.put({"b", "B", "", {"y"}, {}, false}, false);
  int32_t n = c.put({"n", "N", "", {"x"}, {}, false}, true);
  c.count(c.find("b"), 3);
  c.count(c.find("a"), 1);
  EXPECT_EQ(c.popular(1, [](int32_t) { return true; })[0].item, c.find("b"));
  EXPECT_EQ(c.newest(5, [](int32_t) { return true; }), std::vector<int32_t>{n});
  auto allowed = c.allowed(ItemFilter::parse("category:x,color:red"));
  EXPECT_EQ(allowed, (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_TRUE(c.remove("a"));
  EXPECT_FALSE(c.remove("a"));
  EXPECT_FALSE(c.live(c.find("a")));
  EXPECT_EQ(c.deleted(), std::vector<int32_t>{c.find("a")});
  EXPECT_THROW(ItemFilter::parse("x"), ConfigError);
  EXPECT_THROW(ItemFilter::parse("category:"), ConfigError);
}

TEST(ServePartsTest, UserStateKeepsRecentHistoryInTimeOrder) {
  UserState s(3);
  std::vector<HistoryEvent> e = {{1, 10, 1}, {2, 30, 1}, {3, 20, 1}, {4, 40, 1}};
  s.add("u", e);
  auto h = s.history("u");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].item, 3);
  EXPECT_EQ(h[1].item, 2);
  EXPECT_EQ(h[2].item, 4);
  EXPECT_TRUE(s.history("other").empty());
  EXPECT_TRUE(s.erase("u"));
  EXPECT_FALSE(s.erase("u"));
}

TEST(ServePartsTest, ApiKeyScopes) {
  ApiKeys keys;
  EXPECT_TRUE(keys.open());
  EXPECT_EQ(keys.check("", Scope::kWrite), 0);
  keys.add_spec("# comment\nreadonly-1:read\nboth-key-1:read+write");
  EXPECT_EQ(keys.check("readonly-1", Scope::kRead), 0);
  EXPECT_EQ(keys.check("readonly-1", Scope::kWrite), 403);
  EXPECT_EQ(keys.check("both-key-1", Scope::kWrite), 0);
  EXPECT_EQ(keys.check("", Scope::kRead), 401);
  EXPECT_EQ(keys.check("readonly-2", Scope::kRead), 401);
  EXPECT_THROW(keys.add_spec("short:read"), ConfigError);
  EXPECT_THROW(keys.add_spec("long-enough:root"), ConfigError);
  // Admin is a scope of its own: write does not imply it, nor it write.
  EXPECT_EQ(keys.check("both-key-1", Scope::kAdmin), 403);
  keys.add_spec("admin-key-1:admin,all-key-1:read+write+admin");
  EXPECT_EQ(keys.check("admin-key-1", Scope::kAdmin), 0);
  EXPECT_EQ(keys.check("admin-key-1", Scope::kWrite), 403);
  EXPECT_EQ(keys.check("all-key-1", Scope::kAdmin), 0);
  EXPECT_EQ(keys.check("all-key-1", Scope::kWrite), 0);
  EXPECT_EQ(ApiKeys::from_headers("Bearer abc", ""), "abc");
  EXPECT_EQ(ApiKeys::from_headers("", " xyz "), "xyz");
}

int status_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (...) {
    return current_error().status;
  }
  return 0;
}

TEST(ServePartsTest, RequestParsing) {
  auto one = parse_events(R"({"user": 7, "item": "i", "value": 2, "time": 5})", 10);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].user, "7");
  EXPECT_EQ(one[0].time, 5);
  EXPECT_EQ(parse_events(R"([{"user": "u", "item": "i"}, {"user": "u", "item": "j"}])", 10).size(),
            2u);
  EXPECT_EQ(status_of([] { parse_events("[1,2", 10); }), 400);
  EXPECT_EQ(status_of([] { parse_events(R"({"events": [{}, {}]})", 1); }), 413);
  EXPECT_EQ(parse_item("x", "").id, "x");
  EXPECT_EQ(parse_item("x", R"({"attributes": {"n": 1}})").attributes.at("n"), "1");
  EXPECT_EQ(parse_int_param("k", std::nullopt, 10, 1, 100), 10);
  EXPECT_EQ(status_of([] { parse_int_param("k", "5x", 10, 1, 100); }), 400);
  EXPECT_FALSE(parse_bool_param("b", "false", true));
  EXPECT_EQ(status_of([] { throw std::runtime_error("boom"); }), 500);
}

TEST(ServePartsTest, DeeplyNestedBodiesAreA400) {
  std::string deep = std::string(300000, '[') + std::string(300000, ']');
  EXPECT_EQ(status_of([&] { parse_item("x", R"({"attributes": {"a": )" + deep + "}}"); }), 400);
  EXPECT_EQ(status_of([&] { parse_events(deep, 10); }), 400);
  EXPECT_EQ(status_of([&] { parse_model_path(R"({"path": )" + deep + "}"); }), 400);
  // Nesting within the bound is read as before.
  EXPECT_EQ(parse_item("x", R"({"attributes": {"a": [[1], {"b": [2]}]}})").attributes.at("a"),
            R"([[1],{"b":[2]}])");
}

TEST(ServePartsTest, IdsWithControlCharactersAreA400) {
  EXPECT_EQ(status_of([] { parse_item("a\nb", "{}"); }), 400);
  EXPECT_EQ(status_of([] { parse_events(R"({"user": "u\n", "item": "i"})", 10); }), 400);
  EXPECT_EQ(status_of([] { parse_events(R"({"user": "u", "item": "i\u007f"})", 10); }), 400);
  EXPECT_EQ(status_of([] { check_id("user", "a\tb"); }), 400);
  EXPECT_EQ(status_of([] { check_id("user", "caf\u00e9 ok"); }), 0);
  try {
    parse_item("a\nb", "{}");
    ADD_FAILURE() << "an id with a line break was accepted";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("\"a\\x0Ab\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmrec
