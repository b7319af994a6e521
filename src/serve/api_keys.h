// API keys with scopes: `read` (recommend, similar), `write` (feedback, catalogue, deleting a
// user) and `admin` (loading a model folder by server path, rollback, retraining). Admin is its
// own scope because loading a folder reads server files and retraining spends its cores; a key
// that may write events need not be trusted with either. Keys come from a spec
// "KEY:read,KEY2:write,KEY3:read+write+admin" (LMREC_API_KEYS or a file with one such entry a
// line). With no keys configured every request is allowed.
#pragma once

#include <string>
#include <unordered_map>

namespace lmrec {

enum class Scope { kRead = 1, kWrite = 2, kAdmin = 4 };

// "read", "write" or "admin".
const char* scope_name(Scope scope);

class ApiKeys {
 public:
  // Entries separated by commas or newlines; '#' starts a comment line. Throws ConfigError on
  // an entry without a known scope or a key shorter than 8 characters.
  void add_spec(const std::string& spec);
  void add_file(const std::string& path);
  bool open() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  // The key from `Authorization: Bearer KEY` or `X-Api-Key: KEY` (empty when absent).
  static std::string from_headers(const std::string& authorization, const std::string& x_api_key);
  // 0 when allowed, else 401 (no or unknown key) or 403 (key lacks the scope).
  int check(const std::string& key, Scope scope) const;

 private:
  std::unordered_map<std::string, int> keys_;  // key -> scope bits
};

}  // namespace lmrec
