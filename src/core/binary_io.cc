#include "core/binary_io.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace lmrec {

BinaryWriter::BinaryWriter(std::string path, const char (&magic)[9], uint32_t version)
    : path_(std::move(path)) {
  buffer_.append(magic, 8);
  raw(&version, sizeof version);
}

void BinaryWriter::raw(const void* p, size_t n) { buffer_.append(static_cast<const char*>(p), n); }

void BinaryWriter::str(const std::string& s) {
  u64(s.size());
  raw(s.data(), s.size());
}

void BinaryWriter::strings(const std::vector<std::string>& v) {
  u64(v.size());
  for (const auto& s : v) str(s);
}

void BinaryWriter::commit() {
  uint64_t sum = hash_bytes(buffer_.data(), buffer_.size());
  raw(&sum, sizeof sum);
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) LMREC_THROW(IoError, "cannot write " + tmp + ": " + std::strerror(errno));
    out.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    out.flush();
    if (!out) LMREC_THROW(IoError, "cannot write " + tmp + ": disk full or I/O error");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) LMREC_THROW(IoError, "cannot rename " + tmp + " to " + path_ + ": " + ec.message());
}

BinaryReader::BinaryReader(std::string path, const char (&magic)[9], uint32_t version,
                           const std::string& what, uint32_t oldest)
    : path_(std::move(path)), what_(what) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) LMREC_THROW(IoError, "cannot open " + what_ + " " + path_ + ": " + std::strerror(errno));
  data_.assign(std::istreambuf_iterator<char>(in), {});
  constexpr size_t kHeader = 8 + sizeof(uint32_t), kSum = sizeof(uint64_t);
  if (data_.size() < kHeader + kSum || std::memcmp(data_.data(), magic, 8) != 0)
    fail("not a " + what_ + " (wrong magic or too short)");
  end_ = data_.size() - kSum;
  uint64_t stored;
  std::memcpy(&stored, data_.data() + end_, kSum);
  if (stored != hash_bytes(data_.data(), end_))
    fail("checksum mismatch: the file is truncated or corrupted");
  std::memcpy(&version_, data_.data() + 8, sizeof version_);
  if (version_ > version || version_ < (oldest ? oldest : version))
    fail("format version " + std::to_string(version_) + ", this build reads version " +
         (oldest && oldest < version ? std::to_string(oldest) + " to " : "") +
         std::to_string(version));
  pos_ = kHeader;
}

void BinaryReader::fail(const std::string& problem) const {
  LMREC_THROW(FormatError, path_ + ": " + problem);
}

void BinaryReader::take(void* out, size_t n) {
  if (n > remaining()) fail("unexpected end of data");
  if (n) std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
}

uint64_t BinaryReader::u64() {
  uint64_t v;
  take(&v, sizeof v);
  return v;
}

std::string BinaryReader::str() {
  uint64_t n = u64();
  if (n > remaining()) fail("string runs past the end");
  std::string s(data_.data() + pos_, n);
  pos_ += n;
  return s;
}

std::vector<std::string> BinaryReader::strings() {
  uint64_t n = u64();
  if (n > remaining() / sizeof(uint64_t)) fail("string list runs past the end");
  std::vector<std::string> v(n);
  for (auto& s : v) s = str();
  return v;
}

void BinaryReader::expect_end() {
  if (pos_ != end_) fail(std::to_string(remaining()) + " unread bytes before the checksum");
}

}  // namespace lmrec
