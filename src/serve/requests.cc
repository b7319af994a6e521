#include "serve/requests.h"

#include <nlohmann/json.hpp>

#include "core/json_depth.h"
#include "data/text_fields.h"
#include "serve/json_errors.h"

namespace lmrec {
namespace {

using nlohmann::json;

json parse_body(const std::string& body) {
  try {
    return parse_json_bounded(body, "request body");
  } catch (const json::parse_error& e) {
    LMREC_API_ERROR(400, std::string("malformed JSON body: ") + e.what());
  } catch (const FormatError& e) {
    LMREC_API_ERROR(400, std::string("malformed JSON body: ") + e.what());
  }
}

std::string string_member(const json& o, const char* key, const std::string& at, bool required) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) LMREC_API_ERROR(400, at + key + " is missing");
    return {};
  }
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();  // numeric ids are common in logs
  LMREC_API_ERROR(400, at + key + " must be a string, got " + std::string(it->type_name()));
}

StoreEvent parse_event(const json& o, const std::string& at) {
  if (!o.is_object()) LMREC_API_ERROR(400, at + "an event must be a JSON object");
  StoreEvent e;
  e.user = string_member(o, "user", at, true);
  e.item = string_member(o, "item", at, true);
  check_id(at + "user", e.user);
  check_id(at + "item", e.item);
  e.type = string_member(o, "type", at, false);
  if (auto it = o.find("value"); it != o.end()) {
    if (!it->is_number()) LMREC_API_ERROR(400, at + "value must be a number");
    e.value = it->get<float>();
  }
  if (auto it = o.find("time"); it != o.end()) {
    if (!it->is_number_integer()) LMREC_API_ERROR(400, at + "time must be integer seconds");
    e.time = it->get<int64_t>();
  }
  return e;
}

}  // namespace

std::vector<StoreEvent> parse_events(const std::string& body, size_t max_events) {
  json doc = parse_body(body);
  const json* list = &doc;
  if (doc.is_object() && doc.contains("events")) list = &doc["events"];
  std::vector<StoreEvent> out;
  if (list->is_object()) {
    out.push_back(parse_event(*list, ""));
    return out;
  }
  if (!list->is_array())
    LMREC_API_ERROR(400, "expected an event object, an array of events or {\"events\": [...]}");
  if (list->size() > max_events)
    LMREC_API_ERROR(413, "at most " + std::to_string(max_events) + " events per request");
  for (size_t k = 0; k < list->size(); ++k)
    out.push_back(parse_event((*list)[k], "events[" + std::to_string(k) + "]."));
  return out;
}

StoreItem parse_item(const std::string& id, const std::string& body) {
  check_id("item", id);
  StoreItem item;
  item.id = id;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return item;
  json o = parse_body(body);
  if (!o.is_object()) LMREC_API_ERROR(400, "an item must be a JSON object");
  item.title = string_member(o, "title", "", false);
  item.text = string_member(o, "text", "", false);
  if (auto it = o.find("categories"); it != o.end()) {
    if (!it->is_array()) LMREC_API_ERROR(400, "categories must be an array of strings");
    for (const auto& c : *it) {
      if (!c.is_string()) LMREC_API_ERROR(400, "categories must be an array of strings");
      item.categories.push_back(c.get<std::string>());
    }
  }
  if (auto it = o.find("attributes"); it != o.end()) {
    if (!it->is_object()) LMREC_API_ERROR(400, "attributes must be an object");
    for (const auto& [k, v] : it->items())
      item.attributes[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return item;
}

std::string parse_model_path(const std::string& body) {
  json o = parse_body(body);
  if (!o.is_object() || !o.contains("path") || !o["path"].is_string())
    LMREC_API_ERROR(400, "expected {\"path\": \"MODEL_FOLDER\"}");
  return o["path"].get<std::string>();
}

void check_id(const std::string& what, const std::string& id) {
  if (has_control_char(id))
    LMREC_API_ERROR(400, what + " " + quote_text(id) +
                             ": ids may not hold control characters (line breaks, tabs, ...)");
}

int parse_int_param(const std::string& name, const std::optional<std::string>& text, int fallback,
                    int min, int max) {
  if (!text) return fallback;
  std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
  try {
    size_t used = 0;
    long v = std::stol(*text, &used);
    if (used == text->size() && v >= min && v <= max) return static_cast<int>(v);
  } catch (const std::exception&) {
  }
  LMREC_API_ERROR(400, name + " must be an integer" + range + ", got '" + *text + "'");
}

bool parse_bool_param(const std::string& name, const std::optional<std::string>& text,
                      bool fallback) {
  if (!text) return fallback;
  if (*text == "true" || *text == "1" || *text == "yes") return true;
  if (*text == "false" || *text == "0" || *text == "no") return false;
  LMREC_API_ERROR(400, name + " must be true or false, got '" + *text + "'");
}

}  // namespace lmrec
