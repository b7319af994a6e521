#include "models/factor_model.h"

#include <cblas.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "core/binary_io.h"
#include "core/errors.h"

namespace lmrec {

void FactorModel::check_context(const UserContext& user) const {
  if (item_factors_.empty()) LMREC_THROW(UsageError, name() + ": score() before fit() or load");
  for (int32_t i : user.items)
    if (i < 0 || i >= n_items_)
      LMREC_THROW(UsageError, name() + ": item id " + std::to_string(i) + " outside [0, " +
                                  std::to_string(n_items_) + ")");
}

void FactorModel::score(std::span<const UserContext> users, float* scores) const {
  auto n = static_cast<int64_t>(users.size());
  if (n == 0) return;
  for (const auto& u : users) check_context(u);
  std::vector<float> vectors(static_cast<size_t>(n * factors_));
  std::vector<float> offsets(static_cast<size_t>(n));
  for (int64_t u = 0; u < n; ++u) offsets[u] = user_vector(users[u], vectors.data() + u * factors_);
  // scores = vectors [n × f] · item_factorsᵀ [f × n_items]
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), n_items_, factors_,
              1.0f, vectors.data(), factors_, item_factors_.data(), factors_, 0.0f, scores,
              n_items_);
  for (int64_t u = 0; u < n; ++u) {
    float* row = scores + u * n_items_;
    if (offsets[u] != 0.0f)
      for (int32_t i = 0; i < n_items_; ++i) row[i] += offsets[u];
    if (!item_biases_.empty())
      for (int32_t i = 0; i < n_items_; ++i) row[i] += item_biases_[i];
  }
}

void FactorModel::save_factors(const std::string& dir, const char (&magic)[9],
                               const std::vector<std::vector<float>>& extra) const {
  BinaryWriter out(dir + "/factors.bin", magic, 1);
  out.u64(static_cast<uint64_t>(n_items_));
  out.u64(static_cast<uint64_t>(factors_));
  out.array(item_factors_);
  out.array(item_biases_);
  out.u64(extra.size());
  for (const auto& e : extra) out.array(e);
  out.commit();
}

std::vector<std::vector<float>> FactorModel::load_factors(const std::string& dir,
                                                          const char (&magic)[9], size_t n_extra) {
  std::string path = dir + "/factors.bin";
  BinaryReader in(path, magic, 1, name() + " weights");
  auto n_items = static_cast<int64_t>(in.u64()), factors = static_cast<int64_t>(in.u64());
  auto item_factors = in.array<float>();
  auto biases = in.array<float>();
  uint64_t extra_count = in.u64();
  if (extra_count != n_extra)
    LMREC_THROW(FormatError, path + ": " + std::to_string(extra_count) +
                                 " extra arrays, expected " + std::to_string(n_extra));
  std::vector<std::vector<float>> extra(n_extra);
  for (auto& e : extra) e = in.array<float>();
  in.expect_end();
  if (n_items <= 0 || factors <= 0 ||
      static_cast<int64_t>(item_factors.size()) != n_items * factors ||
      (!biases.empty() && static_cast<int64_t>(biases.size()) != n_items))
    LMREC_THROW(FormatError, path + ": factor shapes do not match " + std::to_string(n_items) +
                                 " items × " + std::to_string(factors) + " factors");
  n_items_ = static_cast<int32_t>(n_items);
  factors_ = static_cast<int32_t>(factors);
  item_factors_ = std::move(item_factors);
  item_biases_ = std::move(biases);
  return extra;
}

namespace {

// `shape` is the tuple as NumPy prints it: "(2, 3)" or "(3,)".
void write_npy_with_shape(const std::string& path, std::span<const float> data,
                          const std::string& shape) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending
  // in \n.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) LMREC_THROW(IoError, "cannot write " + path);
  auto len = static_cast<uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char*>(&len), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size_bytes()));
  if (!out) LMREC_THROW(IoError, "cannot write " + path + ": disk full or I/O error");
}

// The dimensions of the header's shape tuple: "(2, 3)" -> {2, 3}, "(3,)" -> {3}, "()" -> {}.
std::vector<int64_t> npy_shape(const std::string& path, const std::string& header) {
  size_t key = header.find("'shape':");
  size_t open = header.find('(', key == std::string::npos ? 0 : key);
  size_t close = header.find(')', open == std::string::npos ? 0 : open);
  if (key == std::string::npos || open == std::string::npos || close == std::string::npos)
    LMREC_THROW(FormatError, path + ": no shape in header " + header);
  std::vector<int64_t> dims;
  std::stringstream in(header.substr(open + 1, close - open - 1));
  for (std::string part; std::getline(in, part, ',');) {
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (part.empty()) continue;  // the trailing comma of a 1-tuple
    // 18 digits keep every dimension below 2^63.
    if (part.size() > 18 || part.find_first_not_of("0123456789") != std::string::npos)
      LMREC_THROW(FormatError, path + ": bad shape in header " + header);
    dims.push_back(std::stoll(part));
  }
  return dims;
}

}  // namespace

void write_npy(const std::string& path, std::span<const float> data, int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0 || static_cast<int64_t>(data.size()) != rows * cols)
    LMREC_THROW(UsageError, "write_npy: data size differs from rows × cols");
  write_npy_with_shape(path, data, "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")");
}

void write_npy(const std::string& path, std::span<const float> data) {
  write_npy_with_shape(path, data, "(" + std::to_string(data.size()) + ",)");
}

std::vector<float> read_npy(const std::string& path, int64_t& rows, int64_t& cols) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) LMREC_THROW(IoError, "cannot open " + path);
  auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  char magic[10];
  if (!in.read(magic, 10) || std::memcmp(magic, "\x93NUMPY", 6) != 0 || magic[6] != 1)
    LMREC_THROW(FormatError, path + ": not a version 1 .npy file");
  uint16_t len;
  std::memcpy(&len, magic + 8, 2);
  std::string header(len, '\0');
  if (!in.read(header.data(), len)) LMREC_THROW(FormatError, path + ": truncated header");
  if (header.find("'descr': '<f4'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos)
    LMREC_THROW(FormatError,
                path + ": expected little-endian float32 (<f4) in C order, header " + header);
  auto shape = npy_shape(path, header);
  if (shape.empty() || shape.size() > 2)
    LMREC_THROW(FormatError,
                path + ": " + std::to_string(shape.size()) + "-D array, expected 1-D or 2-D");
  int64_t r = shape[0], c = shape.size() == 2 ? shape[1] : 1;
  // Checked against the file size before allocating, without overflowing r × c.
  uint64_t bytes = file_size - 10 - len, n = bytes / 4;
  bool fits = r == 0 || c == 0 ? bytes == 0
                               : bytes % 4 == 0 && n % static_cast<uint64_t>(r) == 0 &&
                                     n / static_cast<uint64_t>(r) == static_cast<uint64_t>(c);
  if (!fits)
    LMREC_THROW(FormatError, path + ": " + std::to_string(bytes) + " bytes of data for a " +
                                 std::to_string(r) + " × " + std::to_string(c) +
                                 " float32 array (truncated, or trailing bytes)");
  std::vector<float> data(static_cast<size_t>(n));
  if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(bytes)))
    LMREC_THROW(IoError, "cannot read " + path);
  rows = r;
  cols = c;
  return data;
}

}  // namespace lmrec
