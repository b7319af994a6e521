#include "data/jsonl_reader.h"

#include <gtest/gtest.h>

#include "data/reader_test_util.h"

namespace lmrec {
namespace {

using Rows = std::vector<std::string>;

TEST(JsonlReader, RecognisedKeysAndMixedValueTypes) {
  ScratchDir dir;
  auto path =
      dir.write("log.jsonl",
                "{\"user_id\": 7, \"item_id\": \"a\", \"rating\": 4.5, \"timestamp\": 20}\n"
                "\n"
                "{\"user_id\": \"7\", \"item_id\": \"b\", \"rating\": \"3\", \"timestamp\": "
                "\"1970-01-01T00:00:10Z\", \"extra\": [1]}\n");
  ReadReport report;
  Dataset d = read_input(path, "auto", "", &report);
  EXPECT_EQ(report.format, "jsonl");
  EXPECT_EQ(row_texts(d), (Rows{"7 b 3 10", "7 a 4.5 20"}));
  EXPECT_EQ(report.lines, 2);
}

TEST(JsonlReader, EventsAndColumnMapping) {
  ScratchDir dir;
  auto path = dir.write(
      "log.json",
      "{\"u\":\"x\",\"i\":\"p\",\"type\":\"click\"}\n{\"u\":\"x\",\"i\":\"q\",\"type\":\"buy\"}\n");
  Dataset d = read_input(path, "auto", "user=u,item=i,event=type");
  ASSERT_EQ(d.rows.event.size(), 2u);
  EXPECT_EQ(d.event_types.name(d.rows.event[0]), "click");
  EXPECT_EQ(d.event_types.name(d.rows.event[1]), "buy");
  EXPECT_FALSE(d.explicit_values);
}

TEST(JsonlReader, BadRecordsNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"user\":1,\"item\":2,\"rating\":\"x\"}", "rating"},
      {"{\"user\":1,\"rating\":3}", "item"},
      {"{\"user\":1.5,\"item\":2,\"rating\":3}", "user"},
      {"{\"user\":\"\",\"item\":2,\"rating\":3}", "user"},
      {"{\"user\":1,\"item\":null,\"rating\":3}", "item"},
      {"{\"user\":1,\"item\":2,\"rating\":3", "record"},
      {"[1,2,3]", "record"},
  };
  for (const auto& [line, field] : cases) {
    ScratchDir dir;
    auto path = dir.write("bad.jsonl", "{\"user\":1,\"item\":2,\"rating\":3}\n" + line + "\n");
    SCOPED_TRACE(line);
    expect_input_error([&] { read_input(path); }, path, 2, field);
  }
}

TEST(JsonlReader, JsonArrayFileIsRefusedWithAHint) {
  ScratchDir dir;
  auto path = dir.write("all.json", "[\n{\"user\":1,\"item\":2}\n]\n");
  EXPECT_THROW(read_input(path), ConfigError);
}

TEST(JsonlReader, IdsWithControlCharactersAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"user":"a\nb","item":2,"event":"view"})", "user"},
      {R"({"user":1,"item":"x\u0000","event":"view"})", "item"},
      {R"({"user":1,"item":2,"event":"cli\tck"})", "event"},
  };
  for (const auto& [line, field] : cases) {
    ScratchDir dir;
    auto path =
        dir.write("log.jsonl", "{\"user\":1,\"item\":2,\"event\":\"view\"}\n" + line + "\n");
    SCOPED_TRACE(line);
    expect_input_error([&] { read_input(path, "auto", "user=user,item=item,event=event"); }, path,
                       2, field);
  }
}

TEST(JsonlReader, DeeplyNestedRecordIsAnInputError) {
  // A bad value is dumped into the message; dumping 300,000 levels overflows the stack.
  std::string deep = std::string(300000, '[') + std::string(300000, ']');
  ScratchDir dir;
  auto path = dir.write("log.jsonl",
                        "{\"user\":1,\"item\":2,\"rating\":3}\n"
                        "{\"user\":1,\"item\":3,\"rating\":" +
                            deep + "}\n");
  expect_input_error([&] { read_input(path); }, path, 2, "record");
  // Also when it is the first line, whose keys choose the roles.
  auto first = dir.write("first.jsonl", "{\"user\":1,\"item\":3,\"rating\":" + deep +
                                            "}\n{\"user\":1,\"item\":2,\"rating\":3}\n");
  expect_input_error([&] { read_input(first); }, first, 1, "record");
  // 64 levels are still read.
  auto ok = dir.write("ok.jsonl", "{\"user\":1,\"item\":2,\"x\":" + std::string(63, '[') +
                                      std::string(63, ']') + "}\n");
  EXPECT_EQ(read_input(ok).n_interactions(), 1);
}

}  // namespace
}  // namespace lmrec
