// Versioned, checksummed binary files: an 8-byte magic, a format version, typed sections, and a
// trailing 64-bit checksum of everything before it. A truncated, corrupted or foreign file is
// refused with a FormatError naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/hash.h"

namespace lmrec {

class BinaryWriter {
 public:
  BinaryWriter(std::string path, const char (&magic)[9], uint32_t version);
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void str(const std::string& s);
  void strings(const std::vector<std::string>& v);
  template <typename T>
  void array(const std::vector<T>& v) {
    u64(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }
  // Appends the checksum and writes the file atomically (temp file + rename).
  void commit();

 private:
  void raw(const void* p, size_t n);
  std::string path_;
  std::string buffer_;
};

class BinaryReader {
 public:
  // Reads and verifies the whole file; `what` names the kind of file in messages. Versions
  // from `oldest` (0: only `version`) to `version` are accepted; version() tells which it is.
  BinaryReader(std::string path, const char (&magic)[9], uint32_t version, const std::string& what,
               uint32_t oldest = 0);
  uint32_t version() const { return version_; }
  uint64_t u64();
  std::string str();
  std::vector<std::string> strings();
  template <typename T>
  std::vector<T> array() {
    uint64_t n = u64();
    if (n > remaining() / sizeof(T)) fail("array of " + std::to_string(n) + " runs past the end");
    std::vector<T> v(n);
    take(v.data(), n * sizeof(T));
    return v;
  }
  // Throws unless every byte before the checksum was read.
  void expect_end();

 private:
  size_t remaining() const { return end_ - pos_; }
  void take(void* out, size_t n);
  [[noreturn]] void fail(const std::string& problem) const;
  std::string path_, what_, data_;
  size_t pos_ = 0, end_ = 0;
  uint32_t version_ = 0;
};

}  // namespace lmrec
