#include "core/options.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace lmrec {
namespace {

TEST(Options, TypedReadsWithDefaultsAndErrors) {
  Options o;
  o.set("lambda=250.5");
  o.set("k", "10");
  o.set("binary=false");
  EXPECT_DOUBLE_EQ(o.get_double("lambda", 1), 250.5);
  EXPECT_EQ(o.get_int("k", 0), 10);
  EXPECT_FALSE(o.get_bool("binary", true));
  EXPECT_EQ(o.get_int("absent", 7), 7);
  EXPECT_THROW(o.get_int("lambda", 0), ConfigError);
  o.set("bad=1.5x");
  EXPECT_THROW(o.get_double("bad", 0), ConfigError);
  EXPECT_THROW(o.set("novalue"), ConfigError);
}

TEST(Options, CheckKnownNamesTheUnknownKey) {
  Options o;
  o.set("lamda=5");
  try {
    o.check_known("ease", {"lambda"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("lamda"), std::string::npos);
  }
}

TEST(Options, MergesJsonObjects) {
  Options o;
  o.merge_json(nlohmann::json{{"lambda", 100}, {"binary", true}, {"name", "x"}});
  EXPECT_EQ(o.get_int("lambda", 0), 100);
  EXPECT_TRUE(o.get_bool("binary", false));
  EXPECT_EQ(o.get_string("name", ""), "x");
  EXPECT_THROW(o.merge_json(nlohmann::json{{"nested", {1, 2}}}), ConfigError);
}

}  // namespace
}  // namespace lmrec
