#include "models/factor_model.h"

#include <cblas.h>

#include <cstring>
#include <fstream>
#include <regex>

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

void write_npy(const std::string& path, std::span<const float> data, int64_t rows, int64_t cols) {
  if (static_cast<int64_t>(data.size()) != rows * cols)
    LMREC_THROW(UsageError, "write_npy: data size differs from rows × cols");
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(cols) + "), }";
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

std::vector<float> read_npy(const std::string& path, int64_t& rows, int64_t& cols) {
  std::ifstream in(path, std::ios::binary);
  if (!in) LMREC_THROW(IoError, "cannot open " + path);
  char magic[10];
  if (!in.read(magic, 10) || std::memcmp(magic, "\x93NUMPY", 6) != 0 || magic[6] != 1)
    LMREC_THROW(FormatError, path + ": not a version 1 .npy file");
  uint16_t len;
  std::memcpy(&len, magic + 8, 2);
  std::string header(len, '\0');
  if (!in.read(header.data(), len)) LMREC_THROW(FormatError, path + ": truncated header");
  std::smatch m;
  if (header.find("'<f4'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos ||
      !std::regex_search(header, m, std::regex(R"(\((\d+),\s*(\d*)\)?)")))
    LMREC_THROW(FormatError,
                path + ": expected little-endian float32 (<f4) in C order, header " + header);
  rows = std::stoll(m[1]);
  cols = m[2].length() ? std::stoll(m[2]) : 1;
  std::vector<float> data(static_cast<size_t>(rows * cols));
  if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * 4)))
    LMREC_THROW(FormatError, path + ": truncated data, expected " + std::to_string(rows) + " × " +
                                 std::to_string(cols) + " floats");
  return data;
}

}  // namespace lmrec
