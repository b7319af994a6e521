#include "data/dataset_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

Dataset sample() {
  Dataset d = testing::make_dataset(2, 3, {{0, 0, 1}, {0, 2, 5}, {1, 1, 2}});
  d.catalogue.title = {"Alpha", "Beta", "Gamma"};
  d.catalogue.category_names.intern("Drama");
  d.catalogue.categories[2] = {0};
  d.catalogue.attributes[1]["year"] = "1999";
  d.user_attributes[1]["age"] = "31";
  d.explicit_values = true;
  return d;
}

TEST(DatasetFile, RoundTripsEverything) {
  std::string path = testing::temp_dir("dsfile") + "/d.lmd";
  Dataset d = sample();
  save_dataset(d, path);
  Dataset e = load_dataset(path);
  EXPECT_EQ(e.fingerprint(), d.fingerprint());
  EXPECT_EQ(e.catalogue.title, d.catalogue.title);
  EXPECT_EQ(e.catalogue.categories, d.catalogue.categories);
  EXPECT_EQ(e.catalogue.attributes[1].at("year"), "1999");
  EXPECT_EQ(e.user_attributes[1].at("age"), "31");
  EXPECT_TRUE(e.explicit_values);
  EXPECT_TRUE(e.has_times);
}

TEST(DatasetFile, RefusesTruncatedAndCorruptedFiles) {
  std::string dir = testing::temp_dir("dsfile-bad");
  std::string path = dir + "/d.lmd";
  save_dataset(sample(), path);
  auto size = std::filesystem::file_size(path);
  std::filesystem::copy_file(path, dir + "/cut.lmd");
  std::filesystem::resize_file(dir + "/cut.lmd", size - 5);
  EXPECT_THROW(load_dataset(dir + "/cut.lmd"), FormatError);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x7f');
  }
  try {
    load_dataset(path);
    FAIL() << "corrupted file accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_dataset(dir + "/missing.lmd"), IoError);
}

}  // namespace
}  // namespace lmrec
