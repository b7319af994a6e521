#include "serve/serve_fixture.h"

#include "models/recommender.h"
#include "serve/live_model.h"
#include "store/snapshot.h"
#include "support/tiny_data.h"

namespace lmrec::testing {

ServeFixture make_serve_fixture(const std::string& name, const std::string& model) {
  std::vector<Event> events;
  for (int32_t u = 0; u < 30; ++u) {
    int32_t base = u % 2 ? 10 : 0;
    for (int32_t k = 0; k < 6; ++k) events.push_back({u, base + (u * 3 + k) % 10, k});
  }
  ServeFixture f;
  f.data = make_dataset(30, 20, events);
  for (int32_t i = 0; i < 20; ++i) {
    f.data.catalogue.title[i] = "Item " + std::to_string(i);
    f.data.catalogue.categories[i] = {f.data.catalogue.category_names.intern(i < 10 ? "a" : "b")};
  }
  f.dir = temp_dir("serve-" + name);
  f.store_path = f.dir + "/store.db";
  f.model_dir = f.dir + "/model";
  write_dataset(*open_store(f.store_path), f.data);
  Options options;
  if (model == "ease") options.set("lambda", "1");
  auto m = make_recommender(model, options);
  NullProgress progress;
  FitContext ctx;
  ctx.progress = &progress;
  m->fit(f.data, ctx);
  save_model(*m, f.model_dir, {});
  write_item_ids(f.model_dir, f.data.items);
  return f;
}

}  // namespace lmrec::testing
