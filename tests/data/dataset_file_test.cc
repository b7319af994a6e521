#include "data/dataset_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/binary_io.h"
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

// The sections of a dataset file, written as save_dataset lays them out but with any content,
// under a valid checksum: only the structure checks can refuse what is wrong.
struct RawDataset {
  std::vector<std::string> users{"u0", "u1"}, items{"i0", "i1", "i2"}, events;
  std::vector<int32_t> user{0, 1}, item{0, 2};
  std::vector<float> value{1, 1};
  std::vector<int64_t> time{1, 2};
  std::vector<int16_t> event;
  std::vector<int64_t> indptr{0, 0, 0, 1};
  std::vector<int32_t> category_ids{0};
  std::vector<std::string> category_names{"Drama"};
  uint64_t item_attribute_count = 0;  // written with no entries after it

  std::string write(const std::string& name) const {
    std::string path = testing::temp_dir("dsfile-raw") + "/" + name + ".lmd";
    BinaryWriter out(path, "LMRECDS\x01", 1);
    out.u64(0);
    out.strings(users);
    out.strings(items);
    out.strings(events);
    out.array(user);
    out.array(item);
    out.array(value);
    out.array(time);
    out.array(event);
    out.strings({});  // titles
    out.strings({});  // texts
    out.array(indptr);
    out.array(category_ids);
    out.strings(category_names);
    out.u64(item_attribute_count);
    out.u64(0);  // user attributes
    out.commit();
    return path;
  }
};

void expect_structure_error(const RawDataset& raw, const std::string& name,
                            const std::string& fragment) {
  std::string path = raw.write(name);
  try {
    load_dataset(path);
    ADD_FAILURE() << name << ": accepted";
  } catch (const FormatError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << name << ": " << what;
    EXPECT_EQ(what.find("checksum"), std::string::npos) << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": not a FormatError: " << e.what();
  }
}

TEST(DatasetFile, WellFormedRawFileLoads) {
  Dataset d = load_dataset(RawDataset{}.write("good"));
  EXPECT_EQ(d.n_interactions(), 2);
  EXPECT_EQ(d.catalogue.categories[2], std::vector<int32_t>{0});
}

TEST(DatasetFile, RefusesBadCategoryIndex) {
  RawDataset r;
  r.indptr = {0, 1, 0, 1};
  expect_structure_error(r, "decreasing", "decreases");
  r.indptr = {0, 0, 0, 5};
  expect_structure_error(r, "past-the-ids", "span");
  r.indptr = {1, 1, 1, 1};
  expect_structure_error(r, "not-from-zero", "span");
  r.indptr = {0, 0, 0, 0, 1};
  expect_structure_error(r, "too-many-items", "categories for 4 items");
  r = RawDataset{};
  r.category_ids = {3};
  expect_structure_error(r, "unknown-category", "category id out of range");
  r.category_ids = {-1};
  expect_structure_error(r, "negative-category", "category id out of range");
}

TEST(DatasetFile, RefusesIdsOutOfRange) {
  RawDataset r;
  r.user = {0, 7};
  expect_structure_error(r, "user", "id out of range");
  r = RawDataset{};
  r.item = {-1, 2};
  expect_structure_error(r, "item", "id out of range");
  r = RawDataset{};
  r.events = {"click"};
  r.event = {0, 4};
  expect_structure_error(r, "event", "event id out of range");
  r.event = {0};
  expect_structure_error(r, "event-length", "differ in length");
}

TEST(DatasetFile, RefusesCountsLargerThanTheFile) {
  RawDataset r;
  r.item_attribute_count = uint64_t{1} << 40;
  expect_structure_error(r, "attributes", "exceeds the file");
}

}  // namespace
}  // namespace lmrec
