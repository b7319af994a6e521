// write_npy / read_npy: round trips, files as NumPy 1.24 writes them, and refusal of anything
// that is not a 1-D or 2-D little-endian float32 array in C order.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "models/factor_model.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

// A .npy file: magic, version 1.0, header length, `header` padded as NumPy pads it, then `data`.
std::string npy_bytes(const std::string& dict, const std::string& data) {
  std::string header = dict;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  auto len = static_cast<uint16_t>(header.size());
  std::string out("\x93NUMPY\x01\x00", 8);
  out.append(reinterpret_cast<const char*>(&len), 2);
  return out + header + data;
}

std::string floats(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

std::string write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(Npy, RoundTripKeepsShapeAndValuesAndWritesNumPyHeader) {
  std::string dir = testing::temp_dir("npy-round");
  std::vector<float> data = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
  write_npy(dir + "/m.npy", data, 2, 3);
  // Byte for byte what NumPy 1.24 writes for np.save(f, a.astype('<f4')) with a.shape == (2, 3).
  EXPECT_EQ(read_file(dir + "/m.npy"),
            npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats(data)));
  int64_t rows = 0, cols = 0;
  EXPECT_EQ(read_npy(dir + "/m.npy", rows, cols), data);
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(cols, 3);

  write_npy(dir + "/empty.npy", {}, 0, 4);
  EXPECT_TRUE(read_npy(dir + "/empty.npy", rows, cols).empty());
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(cols, 4);
}

TEST(Npy, ReadsOneDimensionalArraysAsAColumn) {
  std::string dir = testing::temp_dir("npy-1d");
  std::string path =
      write_file(dir + "/v.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                                           "'shape': (3,), }",
                                           floats({1, 2, 3})));
  int64_t rows = 0, cols = 0;
  EXPECT_EQ(read_npy(path, rows, cols), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(cols, 1);
}

TEST(Npy, VectorsAreWrittenOneDimensional) {
  std::string dir = testing::temp_dir("npy-vector");
  std::vector<float> data = {0.5f, 1.5f, -2.5f};
  write_npy(dir + "/b.npy", data);
  EXPECT_EQ(read_file(dir + "/b.npy"),
            npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", floats(data)));
  int64_t rows = 0, cols = 0;
  EXPECT_EQ(read_npy(dir + "/b.npy", rows, cols), data);
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(cols, 1);
}

TEST(Npy, WriteRefusesShapeMismatch) {
  std::string dir = testing::temp_dir("npy-shape");
  std::vector<float> data(5);
  EXPECT_THROW(write_npy(dir + "/m.npy", data, 2, 3), UsageError);
  EXPECT_THROW(write_npy(dir + "/m.npy", std::vector<float>(1), -1, -1), UsageError);
}

// Each header or body that read_npy must refuse with a FormatError naming the file.
TEST(Npy, ReadRefusesOtherTypesOrdersShapesAndTruncation) {
  std::string dir = testing::temp_dir("npy-bad");
  auto dict = [](const std::string& descr, const std::string& order, const std::string& shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  };
  std::string six = floats({0, 1, 2, 3, 4, 5});
  std::string good = npy_bytes(dict("<f4", "False", "(2, 3)"), six);
  std::vector<std::pair<std::string, std::string>> cases = {
      {"f8", npy_bytes(dict("<f8", "False", "(2, 3)"), six + six)},
      {"big-endian", npy_bytes(dict(">f4", "False", "(2, 3)"), six)},
      {"fortran", npy_bytes(dict("<f4", "True", "(2, 3)"), six)},
      {"3-d", npy_bytes(dict("<f4", "False", "(1, 2, 3)"), six)},
      {"0-d", npy_bytes(dict("<f4", "False", "()"), floats({1}))},
      {"truncated-data", good.substr(0, good.size() - 3)},
      {"trailing-data", good + floats({6})},
      {"truncated-header", good.substr(0, 40)},
      {"huge-shape", npy_bytes(dict("<f4", "False", "(4000000000, 4000000000)"), six)},
      {"shape-beyond-file", npy_bytes(dict("<f4", "False", "(1000000000, 100)"), six)},
      {"overflowing-shape", npy_bytes(dict("<f4", "False", "(99999999999999999999, 1)"), six)},
      {"not-npy", "rows,cols\n2,3\n"},
  };
  for (const auto& [name, bytes] : cases) {
    std::string path = write_file(dir + "/" + name + ".npy", bytes);
    int64_t rows = 0, cols = 0;
    try {
      read_npy(path, rows, cols);
      ADD_FAILURE() << name << ": accepted as " << rows << " × " << cols;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": " << e.what() << " instead of a FormatError";
    }
  }
  int64_t rows = 0, cols = 0;
  EXPECT_THROW(read_npy(dir + "/missing.npy", rows, cols), IoError);
}

}  // namespace
}  // namespace lmrec
