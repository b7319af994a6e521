#include "support/tiny_data.h"

#include <unistd.h>

#include <filesystem>

namespace lmrec::testing {

Dataset make_dataset(int32_t n_users, int32_t n_items, const std::vector<Event>& events) {
  Dataset d;
  for (int32_t u = 0; u < n_users; ++u) d.users.intern("u" + std::to_string(u));
  for (int32_t i = 0; i < n_items; ++i) d.items.intern("i" + std::to_string(i));
  for (const auto& e : events) d.rows.push(e.user, e.item, 1.0f, e.time);
  d.has_times = true;
  d.finalize();
  return d;
}

std::string temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("lmrec-test-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace lmrec::testing
