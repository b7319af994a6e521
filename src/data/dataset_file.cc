#include "data/dataset_file.h"

#include <filesystem>

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

// The checksum only says the file is as written; these checks say what was written is a
// dataset, so a file from a buggy or hostile writer is refused instead of crashing a reader.
class Structure {
 public:
  explicit Structure(const std::string& path)
      : path_(path), size_(std::filesystem::file_size(path)) {}
  [[noreturn]] void fail(const std::string& problem) const {
    LMREC_THROW(FormatError, path_ + ": " + problem);
  }
  void check(bool ok, const std::string& problem) const {
    if (!ok) fail(problem);
  }
  // A count of entries that each take at least `min_bytes`: checked against the file's size
  // before anything is allocated for them.
  uint64_t count(BinaryReader& in, uint64_t min_bytes, const std::string& what) const {
    uint64_t n = in.u64();
    check(n <= size_ / min_bytes, what + " count " + std::to_string(n) + " exceeds the file");
    return n;
  }

 private:
  std::string path_;
  uint64_t size_;
};

std::vector<Attributes> read_attributes(BinaryReader& in, const Structure& file,
                                        const std::string& what) {
  std::vector<Attributes> all(file.count(in, sizeof(uint64_t), what));
  for (auto& attrs : all) {
    uint64_t n = file.count(in, 2 * sizeof(uint64_t), what + " entry");
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

// Item categories as CSR: indptr[i]..indptr[i + 1] are item i's entries in `ids`.
std::vector<std::vector<int32_t>> read_categories(BinaryReader& in, const Structure& file,
                                                  int32_t n_items) {
  auto indptr = in.array<int64_t>();
  auto ids = in.array<int32_t>();
  if (indptr.empty()) {
    file.check(ids.empty(), "category ids without an index");
    return {};
  }
  file.check(indptr.size() <= static_cast<size_t>(n_items) + 1,
             "categories for " + std::to_string(indptr.size() - 1) + " items, the file has " +
                 std::to_string(n_items));
  file.check(indptr.front() == 0 && indptr.back() == static_cast<int64_t>(ids.size()),
             "category index does not span the category ids");
  for (size_t i = 1; i < indptr.size(); ++i)
    file.check(indptr[i - 1] <= indptr[i],
               "category index decreases at item " + std::to_string(i - 1));
  std::vector<std::vector<int32_t>> cats(indptr.size() - 1);
  for (size_t i = 0; i < cats.size(); ++i)
    cats[i].assign(ids.begin() + indptr[i], ids.begin() + indptr[i + 1]);
  return cats;
}

// Row arrays of one length, ids in range: what finalize() and every model index by.
void check_rows(const Dataset& d, const Structure& file) {
  const auto& r = d.rows;
  size_t n = r.user.size();
  file.check(r.item.size() == n && r.value.size() == n && r.time.size() == n &&
                 (r.event.empty() || r.event.size() == n),
             "interaction arrays differ in length");
  for (size_t k = 0; k < n; ++k) {
    if (r.user[k] < 0 || r.user[k] >= d.n_users() || r.item[k] < 0 || r.item[k] >= d.n_items())
      file.fail("interaction row " + std::to_string(k) + " has a user or item id out of range");
    if (!r.event.empty() && (r.event[k] < 0 || r.event[k] >= d.event_types.size()))
      file.fail("interaction row " + std::to_string(k) + " has an event id out of range");
  }
}

void check_catalogue(const Dataset& d, const Structure& file) {
  const auto& c = d.catalogue;
  auto n_items = static_cast<size_t>(d.n_items());
  file.check(
      c.title.size() <= n_items && c.text.size() <= n_items && c.attributes.size() <= n_items,
      "catalogue has more entries than items");
  file.check(d.user_attributes.size() <= static_cast<size_t>(d.n_users()),
             "user attributes for more users than the file has");
  for (size_t i = 0; i < c.categories.size(); ++i)
    for (int32_t id : c.categories[i])
      if (id < 0 || id >= c.category_names.size())
        file.fail("item " + std::to_string(i) + " has a category id out of range");
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
  Structure file(path);
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
  d.catalogue.categories = read_categories(in, file, d.n_items());
  d.catalogue.category_names = IdMap(in.strings());
  d.catalogue.attributes = read_attributes(in, file, "item attributes");
  d.user_attributes = read_attributes(in, file, "user attributes");
  in.expect_end();
  check_rows(d, file);
  check_catalogue(d, file);
  d.finalize();
  return d;
}

}  // namespace lmrec
