#include "serve/api_keys.h"

#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace lmrec {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Compares in time independent of where the strings first differ.
bool same(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t k = 0; k < a.size(); ++k) diff |= static_cast<unsigned char>(a[k] ^ b[k]);
  return diff == 0;
}

}  // namespace

const char* scope_name(Scope scope) {
  switch (scope) {
    case Scope::kRead:
      return "read";
    case Scope::kWrite:
      return "write";
    case Scope::kAdmin:
      return "admin";
  }
  return "unknown";
}

void ApiKeys::add_spec(const std::string& spec) {
  std::string flat = spec;
  for (char& c : flat)
    if (c == '\n') c = ',';
  std::stringstream in(flat);
  for (std::string entry; std::getline(in, entry, ',');) {
    entry = trim(entry);
    if (entry.empty() || entry[0] == '#') continue;
    auto colon = entry.rfind(':');
    if (colon == std::string::npos)
      LMREC_THROW(ConfigError,
                  "API key entry without a scope (expected KEY:read, KEY:write, KEY:admin or "
                  "scopes joined by '+', e.g. KEY:read+write)");
    std::string key = entry.substr(0, colon), scopes = entry.substr(colon + 1);
    int bits = 0;
    std::stringstream parts(scopes);
    for (std::string s; std::getline(parts, s, '+');) {
      if (s == "read")
        bits |= static_cast<int>(Scope::kRead);
      else if (s == "write")
        bits |= static_cast<int>(Scope::kWrite);
      else if (s == "admin")
        bits |= static_cast<int>(Scope::kAdmin);
      else
        LMREC_THROW(ConfigError, "API key scope '" + s + "': expected read, write or admin");
    }
    if (key.size() < 8) LMREC_THROW(ConfigError, "API keys must be at least 8 characters");
    keys_[key] |= bits;
  }
}

void ApiKeys::add_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) LMREC_THROW(IoError, "cannot open API key file " + path);
  std::stringstream text;
  text << in.rdbuf();
  add_spec(text.str());
}

std::string ApiKeys::from_headers(const std::string& authorization, const std::string& x_api_key) {
  const std::string bearer = "Bearer ";
  if (authorization.compare(0, bearer.size(), bearer) == 0)
    return trim(authorization.substr(bearer.size()));
  return trim(x_api_key);
}

int ApiKeys::check(const std::string& key, Scope scope) const {
  if (open()) return 0;
  if (key.empty()) return 401;
  for (const auto& [k, bits] : keys_)
    if (same(k, key)) return bits & static_cast<int>(scope) ? 0 : 403;
  return 401;
}

}  // namespace lmrec
