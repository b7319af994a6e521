#include "core/binary_io.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/tiny_data.h"

namespace lmrec {
namespace {

constexpr char kMagic[9] = "TESTFILE";

TEST(BinaryIo, RoundTripAndVersionCheck) {
  std::string path = testing::temp_dir("binio") + "/f.bin";
  BinaryWriter w(path, kMagic, 3);
  w.u64(42);
  w.str("hello");
  w.array(std::vector<float>{1.5f, -2.0f});
  w.strings({"a", "", "c"});
  w.commit();
  BinaryReader r(path, kMagic, 3, "test file");
  EXPECT_EQ(r.u64(), 42u);
  EXPECT_EQ(r.str(), "hello");
  EXPECT_EQ(r.array<float>(), (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(r.strings(), (std::vector<std::string>{"a", "", "c"}));
  r.expect_end();
  EXPECT_THROW(BinaryReader(path, kMagic, 4, "test file"), FormatError);
  constexpr char kOther[9] = "OTHERFIL";
  EXPECT_THROW(BinaryReader(path, kOther, 3, "test file"), FormatError);
}

TEST(BinaryIo, ReadingPastTheEndIsAFormatError) {
  std::string path = testing::temp_dir("binio2") + "/f.bin";
  BinaryWriter w(path, kMagic, 1);
  w.u64(1u << 30);  // claims a huge array that is not there
  w.commit();
  BinaryReader r(path, kMagic, 1, "test file");
  EXPECT_THROW(r.array<double>(), FormatError);
}

}  // namespace
}  // namespace lmrec
