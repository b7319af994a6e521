// String key/value options as given on the command line (`--set key=value`) or in a JSON config
// file. Components read them into their own option structs with defaults; every key a
// component does not know is an error, so a typo never passes silently.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace lmrec {

class Options {
 public:
  Options() = default;
  // Parses "key=value"; throws ConfigError naming the text when there is no '='.
  void set(const std::string& assignment);
  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  // Adds every member of a flat JSON object (numbers, strings, booleans).
  void merge_json(const nlohmann::json& object);
  bool has(const std::string& key) const { return values_.count(key) > 0; }

  // Typed reads: return `fallback` when absent, throw ConfigError when present but malformed.
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double fallback) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;

  // Throws ConfigError listing every key that `component` does not know.
  void check_known(const std::string& component, const std::set<std::string>& known) const;
  const std::map<std::string, std::string>& values() const { return values_; }
  nlohmann::json to_json() const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace lmrec
