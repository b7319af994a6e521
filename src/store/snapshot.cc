#include "store/snapshot.h"

namespace lmrec {

void write_dataset(Store& store, const Dataset& data) {
  Transaction t(store);
  const auto& c = data.catalogue;
  for (int32_t i = 0; i < data.n_items(); ++i) {
    StoreItem item;
    item.id = data.items.name(i);
    if (static_cast<size_t>(i) < c.title.size()) {
      item.title = c.title[i];
      item.text = c.text[i];
      for (int32_t k : c.categories[i]) item.categories.push_back(c.category_names.name(k));
      item.attributes = c.attributes[i];
    }
    store.upsert_item(item);
  }
  for (int32_t u = 0; u < data.n_users(); ++u)
    if (static_cast<size_t>(u) < data.user_attributes.size() && !data.user_attributes[u].empty())
      store.upsert_user(data.users.name(u), data.user_attributes[u]);
  const auto& r = data.rows;
  std::vector<StoreEvent> batch;
  for (int64_t k = 0; k < r.size(); ++k) {
    std::string type = r.event.empty() ? std::string() : data.event_types.name(r.event[k]);
    batch.push_back(
        {data.users.name(r.user[k]), data.items.name(r.item[k]), type, r.value[k], r.time[k], 0});
  }
  store.append_events(batch);
  store.set_meta("explicit_values", data.explicit_values ? "1" : "0");
  store.set_meta("has_times", data.has_times ? "1" : "0");
  t.commit();
}

Dataset read_snapshot(Store& store) {
  Dataset d;
  store.for_each_item([&](const StoreItem& item) {
    if (item.deleted) return;
    int32_t i = d.items.intern(item.id);
    d.catalogue.title.push_back(item.title);
    d.catalogue.text.push_back(item.text);
    std::vector<int32_t> cats;
    for (const auto& name : item.categories)
      cats.push_back(d.catalogue.category_names.intern(name));
    d.catalogue.categories.push_back(std::move(cats));
    d.catalogue.attributes.push_back(item.attributes);
    (void)i;
  });
  bool typed = false;
  std::vector<std::string> types;
  store.for_each_event([&](const StoreEvent& e) {
    int32_t i = d.items.find(e.item);
    if (i < 0) return;
    d.rows.push(d.users.intern(e.user), i, e.value, e.time);
    types.push_back(e.type);
    typed |= !e.type.empty();
  });
  if (typed)
    for (const auto& t : types)
      d.rows.event.push_back(static_cast<int16_t>(d.event_types.intern(t)));
  d.user_attributes.resize(static_cast<size_t>(d.n_users()));
  store.for_each_user([&](const std::string& name, const Attributes& a) {
    int32_t u = d.users.find(name);
    if (u >= 0) d.user_attributes[u] = a;
  });
  d.explicit_values = store.meta("explicit_values", "0") == "1";
  d.has_times = store.meta("has_times", "1") == "1";
  d.finalize();
  return d;
}

}  // namespace lmrec
