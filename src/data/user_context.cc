#include "data/user_context.h"

namespace lmrec {

UserContext make_context(const Dataset& data, int32_t u, const std::vector<uint8_t>& keep) {
  UserContext ctx;
  ctx.user = u;
  const auto& r = data.rows;
  bool events = !r.event.empty();
  for (int64_t k = data.user_begin(u); k < data.user_end(u); ++k) {
    if (!keep.empty() && !keep[static_cast<size_t>(k)]) continue;
    ctx.items.push_back(r.item[k]);
    ctx.times.push_back(r.time[k]);
    ctx.values.push_back(r.value[k]);
    if (events) ctx.events.push_back(r.event[k]);
  }
  if (u < static_cast<int32_t>(data.user_attributes.size())) ctx.attributes = data.user_attributes[u];
  return ctx;
}

}  // namespace lmrec
