#include "data/dataset_file.h"

#include "core/binary_io.h"

namespace lmrec {
namespace {

constexpr char kMagic[9] = "LMRECDS\x01";
constexpr uint32_t kVersion = 1;

void write_attributes(BinaryWriter& out, const std::vector<Attributes>& all) {
  out.u64(all.size());
  for (const auto& attrs : all) {
    out.u64(attrs.size());
    for (const auto& [key, value] : attrs) {
      out.str(key);
      out.str(value);
    }
  }
}

std::vector<Attributes> read_attributes(BinaryReader& in) {
  std::vector<Attributes> all(in.u64());
  for (auto& attrs : all) {
    uint64_t n = in.u64();
    for (uint64_t k = 0; k < n; ++k) {
      std::string key = in.str();
      attrs[key] = in.str();
    }
  }
  return all;
}

void write_categories(BinaryWriter& out, const std::vector<std::vector<int32_t>>& cats) {
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> ids;
  for (const auto& c : cats) {
    ids.insert(ids.end(), c.begin(), c.end());
    indptr.push_back(static_cast<int64_t>(ids.size()));
  }
  out.array(indptr);
  out.array(ids);
}

std::vector<std::vector<int32_t>> read_categories(BinaryReader& in) {
  auto indptr = in.array<int64_t>();
  auto ids = in.array<int32_t>();
  std::vector<std::vector<int32_t>> cats(indptr.empty() ? 0 : indptr.size() - 1);
  for (size_t i = 0; i < cats.size(); ++i)
    cats[i].assign(ids.begin() + indptr[i], ids.begin() + indptr[i + 1]);
  return cats;
}

}  // namespace

void save_dataset(const Dataset& data, const std::string& path) {
  BinaryWriter out(path, kMagic, kVersion);
  out.u64((data.explicit_values ? 1u : 0u) | (data.has_times ? 2u : 0u));
  out.strings(data.users.names());
  out.strings(data.items.names());
  out.strings(data.event_types.names());
  out.array(data.rows.user);
  out.array(data.rows.item);
  out.array(data.rows.value);
  out.array(data.rows.time);
  out.array(data.rows.event);
  out.strings(data.catalogue.title);
  out.strings(data.catalogue.text);
  write_categories(out, data.catalogue.categories);
  out.strings(data.catalogue.category_names.names());
  write_attributes(out, data.catalogue.attributes);
  write_attributes(out, data.user_attributes);
  out.commit();
}

Dataset load_dataset(const std::string& path) {
  BinaryReader in(path, kMagic, kVersion, "lmrec dataset file");
  Dataset d;
  uint64_t flags = in.u64();
  d.explicit_values = flags & 1u;
  d.has_times = flags & 2u;
  d.users = IdMap(in.strings());
  d.items = IdMap(in.strings());
  d.event_types = IdMap(in.strings());
  d.rows.user = in.array<int32_t>();
  d.rows.item = in.array<int32_t>();
  d.rows.value = in.array<float>();
  d.rows.time = in.array<int64_t>();
  d.rows.event = in.array<int16_t>();
  d.catalogue.title = in.strings();
  d.catalogue.text = in.strings();
  d.catalogue.categories = read_categories(in);
  d.catalogue.category_names = IdMap(in.strings());
  d.catalogue.attributes = read_attributes(in);
  d.user_attributes = read_attributes(in);
  in.expect_end();
  d.finalize();
  return d;
}

}  // namespace lmrec
