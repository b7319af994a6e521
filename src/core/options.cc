#include "core/options.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace lmrec {

void Options::set(const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    LMREC_THROW(ConfigError, "expected key=value, got '" + assignment + "'");
  values_[assignment.substr(0, eq)] = assignment.substr(eq + 1);
}

void Options::merge_json(const nlohmann::json& object) {
  if (!object.is_object()) LMREC_THROW(ConfigError, "options must be a JSON object");
  for (const auto& [key, value] : object.items()) {
    if (value.is_string())
      values_[key] = value.get<std::string>();
    else if (value.is_number() || value.is_boolean())
      values_[key] = value.dump();
    else
      LMREC_THROW(ConfigError, "option '" + key + "' must be a number, string or boolean");
  }
}

std::string Options::get_string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

double Options::get_double(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  try {
    size_t used = 0;
    double v = std::stod(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  LMREC_THROW(ConfigError, "option '" + key + "' expects a number, got '" + it->second + "'");
}

int64_t Options::get_int(const std::string& key, int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    LMREC_THROW(ConfigError, "option '" + key + "' expects an integer, got '" + s + "'");
  return v;
}

bool Options::get_bool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  LMREC_THROW(ConfigError, "option '" + key + "' expects true/false, got '" + s + "'");
}

void Options::check_known(const std::string& component, const std::set<std::string>& known) const {
  std::string unknown;
  for (const auto& [key, value] : values_)
    if (!known.count(key)) unknown += (unknown.empty() ? "" : ", ") + key;
  if (unknown.empty()) return;
  std::string valid;
  for (const auto& k : known) valid += (valid.empty() ? "" : ", ") + k;
  LMREC_THROW(ConfigError, component + ": unknown option(s) " + unknown + " (known: " + valid + ")");
}

nlohmann::json Options::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : values_) out[key] = value;
  return out;
}

}  // namespace lmrec
