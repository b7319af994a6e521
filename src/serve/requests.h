// Request bodies and query parameters into typed values; anything malformed is an ApiError
// 400 naming the parameter or JSON member and what was expected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace lmrec {

// One event object, an array of them, or {"events": [...]}. Members: user, item (strings,
// required), type (string), value (number), time (integer seconds; 0 or absent = now).
std::vector<StoreEvent> parse_events(const std::string& body, size_t max_events);
// {"title", "text", "categories": [...], "attributes": {...}}, every member optional; an
// empty body describes a bare item.
StoreItem parse_item(const std::string& id, const std::string& body);

// {"path": "MODEL_FOLDER"}, the body of loading a model.
std::string parse_model_path(const std::string& body);
// Refuses (400) an id with a control character, naming `what` ("user", "item") and the id.
void check_id(const std::string& what, const std::string& id);

// Query parameters: `text` absent -> fallback.
int parse_int_param(const std::string& name, const std::optional<std::string>& text, int fallback,
                    int min, int max);
bool parse_bool_param(const std::string& name, const std::optional<std::string>& text,
                      bool fallback);

}  // namespace lmrec
