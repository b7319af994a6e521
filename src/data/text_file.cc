#include "data/text_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace lmrec {

namespace {

std::string system_error(const std::string& what, const std::string& path) {
  return "cannot " + what + " '" + path + "': " + std::strerror(errno);
}

// Reads a file that cannot be mapped, block by block.
std::string read_all(int fd, const std::string& path) {
  std::string out;
  constexpr size_t kBlock = 1 << 20;
  for (;;) {
    size_t old = out.size();
    out.resize(old + kBlock);
    ssize_t got = ::read(fd, out.data() + old, kBlock);
    if (got < 0) {
      if (errno == EINTR) {
        out.resize(old);
        continue;
      }
      LMREC_THROW(IoError, system_error("read", path));
    }
    out.resize(old + static_cast<size_t>(got));
    if (got == 0) return out;
  }
}

}  // namespace

TextFile::TextFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) LMREC_THROW(IoError, system_error("open", path));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    LMREC_THROW(IoError, "cannot read '" + path + "': it is a folder, a file was expected");
  }
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    map_size_ = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      map_ = m;
      ::madvise(map_, map_size_, MADV_SEQUENTIAL);
      text_ = std::string_view(static_cast<const char*>(map_), map_size_);
    }
  }
  if (!map_) {
    try {
      copy_ = read_all(fd, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    text_ = copy_;
  }
  ::close(fd);
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
}

TextFile::~TextFile() {
  if (map_) ::munmap(map_, map_size_);
}

bool LineCursor::next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  const char* begin = text_.data() + pos_;
  size_t left = text_.size() - pos_;
  const void* nl = std::memchr(begin, '\n', left);
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : left;
  pos_ += nl ? len + 1 : len;
  if (len > 0 && begin[len - 1] == '\r') --len;
  line = std::string_view(begin, len);
  ++line_number_;
  return true;
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

double bytes_per_line(std::string_view text) {
  std::string_view sample = text.substr(0, 1 << 16);
  auto lines = std::count(sample.begin(), sample.end(), '\n');
  return lines == 0 ? static_cast<double>(std::max<size_t>(sample.size(), 1))
                    : static_cast<double>(sample.size()) / static_cast<double>(lines);
}

}  // namespace lmrec
