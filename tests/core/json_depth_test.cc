#include "core/json_depth.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace lmrec {
namespace {

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonDepth, CountsArraysAndObjectsOutsideStrings) {
  EXPECT_TRUE(json_depth_within("", 0));
  EXPECT_TRUE(json_depth_within("1", 0));
  EXPECT_FALSE(json_depth_within("[]", 0));
  EXPECT_TRUE(json_depth_within(nested(64), 64));
  EXPECT_FALSE(json_depth_within(nested(65), 64));
  EXPECT_TRUE(json_depth_within(R"({"a": [1, {"b": [2]}], "c": {}})", 4));
  EXPECT_FALSE(json_depth_within(R"({"a": [1, {"b": [2]}], "c": {}})", 3));
  // Siblings do not add up: depth is the deepest path, not the number of brackets.
  EXPECT_TRUE(json_depth_within("[[], [], [[]], []]", 3));
  // Brackets inside strings, escaped quotes and escaped backslashes.
  EXPECT_TRUE(json_depth_within(R"(["[[[[", "{{{{"])", 1));
  EXPECT_TRUE(json_depth_within(R"(["\"[[[[", "x"])", 1));
  EXPECT_FALSE(json_depth_within(R"(["\\", [[[]]]])", 3));
  EXPECT_TRUE(json_depth_within(R"(["\\\"[[", 1])", 1));
}

TEST(JsonDepth, ParseRefusesDeepTextBeforeParsingIt) {
  EXPECT_EQ(parse_json_bounded(R"({"a": [[1]]})", "test")["a"][0][0], 1);
  try {
    parse_json_bounded(R"({"a": )" + nested(300000) + "}", "body.json");
    FAIL() << "deep JSON was parsed";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("body.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_json_bounded("[1,", "test"), nlohmann::json::parse_error);
  EXPECT_EQ(parse_json_bounded(nested(10), "test", 10).size(), 1u);
  EXPECT_THROW(parse_json_bounded(nested(11), "test", 10), FormatError);
}

}  // namespace
}  // namespace lmrec
