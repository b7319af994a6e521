#include "data/jsonl_reader.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_depth.h"
#include "data/column_roles.h"
#include "data/text_fields.h"
#include "data/text_file.h"

namespace lmrec {

namespace {

using nlohmann::json;

// A JSON parse message without the library's "[json.exception.parse_error.101] " prefix.
std::string parse_problem(const json::exception& e) {
  std::string what = e.what();
  size_t close = what.find("] ");
  return "expected a JSON object: " + (close == std::string::npos ? what : what.substr(close + 2));
}

json parse_object(const std::string& path, int64_t line, std::string_view text) {
  if (!json_depth_within(text))
    LMREC_THROW_INPUT(
        path, line, "record",
        "expected a JSON object nested at most " + std::to_string(kMaxJsonDepth) + " levels deep");
  json object;
  try {
    object = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // syntax errors, and numbers too large for a double
    LMREC_THROW_INPUT(path, line, "record", parse_problem(e));
  }
  if (!object.is_object())
    LMREC_THROW_INPUT(path, line, "record",
                      std::string("expected a JSON object, got ") + object.type_name());
  return object;
}

// The keys of the first line that holds an object, for recognising the roles.
std::vector<std::string> first_keys(std::string_view text) {
  LineCursor lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (is_blank(line) || !json_depth_within(line)) continue;
    json object = json::parse(line.begin(), line.end(), nullptr, false);
    if (object.is_discarded() || !object.is_object()) continue;
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.push_back(key);
    return keys;
  }
  return {};
}

// Reads the fields of one object for the roles; `at` names the line for errors.
class ObjectFields {
 public:
  ObjectFields(const json& object, const std::string& path, int64_t line)
      : object_(object), path_(path), line_(line) {}

  const json& get(const std::string& key) const {
    auto it = object_.find(key);
    if (it == object_.end()) LMREC_THROW_INPUT(path_, line_, key, "missing key");
    return *it;
  }

  std::string id(const std::string& key) const {
    const json& v = get(key);
    if (v.is_number_integer()) return v.dump();
    if (!v.is_string())
      fail(key, std::string("expected an id (string or integer), got ") + v.type_name());
    const auto& s = v.get_ref<const std::string&>();
    if (trim(s).empty()) fail(key, "expected an id, got an empty string");
    if (has_control_char(trim(s)))
      fail(key, "expected an id without control characters, got " + quote_text(trim(s)));
    return std::string(trim(s));
  }

  float value(const std::string& key) const {
    const json& v = get(key);
    float out = 0;
    if (v.is_number() && std::isfinite(v.get<double>()) && std::fabs(v.get<double>()) < 3.4e38)
      return static_cast<float>(v.get<double>());
    if (v.is_string() && parse_float(v.get_ref<const std::string&>(), out)) return out;
    fail(key, "expected a finite number, got " + quote_text(v.dump()));
  }

  int64_t time(const std::string& key) const {
    const json& v = get(key);
    int64_t out = 0;
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float() && std::fabs(v.get<double>()) < 9.2e18)
      return std::llround(v.get<double>());
    if (v.is_string() && parse_time(v.get_ref<const std::string&>(), out)) return out;
    fail(key, "expected a unix time or an ISO-8601 date, got " + quote_text(v.dump()));
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    LMREC_THROW_INPUT(path_, line_, key, problem);
  }
  const json& object_;
  const std::string& path_;
  int64_t line_;
};

void parse_line(const std::string& path, int64_t line, std::string_view text,
                const ColumnRoles& roles, RecordSink& sink) {
  json object = parse_object(path, line, text);
  ObjectFields fields(object, path, line);
  std::string user = fields.id(roles.user), item = fields.id(roles.item);
  float value = roles.value.empty() ? 1.0f : fields.value(roles.value);
  int64_t time = roles.time.empty() ? 0 : fields.time(roles.time);
  int32_t event = -1;
  if (!roles.event.empty()) event = sink.event_id(fields.id(roles.event), path, line, roles.event);
  if (roles.time.empty()) time = sink.next_order();
  sink.add(user, item, value, time, event);
}

}  // namespace

void read_jsonl(const std::string& path, RecordSink& sink) {
  TextFile file(path);
  size_t start = file.text().find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && file.text()[start] == '[')
    LMREC_THROW(ConfigError, path +
                                 " holds a JSON array; expected JSON Lines, one object per line "
                                 "(e.g. convert it with: jq -c '.[]')");
  ColumnRoles roles = choose_roles(sink.options().columns, first_keys(file.text()), path);
  sink.data().explicit_values = !roles.value.empty();
  sink.data().has_times = !roles.time.empty();
  sink.report().columns = describe(roles);
  sink.begin_interactions(path, file.text().size(), bytes_per_line(file.text()));
  LineCursor lines(file.text());
  std::string_view line;
  while (lines.next(line)) {
    if (is_blank(line)) continue;
    guarded(sink, line, [&] { parse_line(path, lines.line_number(), line, roles, sink); });
  }
  sink.end_file();
}

}  // namespace lmrec
