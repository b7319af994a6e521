#include "models/explanation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/errors.h"
#include "models/pipeline.h"

namespace lmrec {
namespace {

std::vector<FeatureContribution> largest_contributions(const float* values, const float* shares,
                                                       const FeatureLayout& layout, int top) {
  std::vector<FeatureContribution> all;
  for (int32_t f = 0; f < layout.n_features(); ++f)
    if (shares[f] != 0.0f) all.push_back({layout.names[f], values[f], shares[f]});
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::fabs(a.contribution) > std::fabs(b.contribution);
  });
  if (all.size() > static_cast<size_t>(top)) all.resize(static_cast<size_t>(top));
  return all;
}

// Score, channels and ranker contributions of each item, the full history in view.
std::vector<Explanation> ranked_reasons(const Recommender& model, const UserContext& user,
                                        std::span<const int32_t> items, int top) {
  std::vector<Explanation> out(items.size());
  for (size_t k = 0; k < items.size(); ++k) out[k].item = items[k];
  const auto* pipeline = dynamic_cast<const PipelineRecommender*>(&model);
  if (!pipeline) {
    auto scores = explained_scores(model, {&user, 1}, items);
    for (size_t k = 0; k < items.size(); ++k) out[k].score = scores[k];
    return out;
  }
  ItemView view = std::move(pipeline->item_views({&user, 1}, items, true)[0]);
  const FeatureLayout& layout = pipeline->layout();
  const auto& shares = view.contributions;
  const auto nf = static_cast<size_t>(layout.n_features());
  for (size_t k = 0; k < items.size(); ++k) {
    out[k].score = view.score[k];
    for (int32_t c : view.channels[k])
      out[k].channels.push_back(layout.channel_names[static_cast<size_t>(c)]);
    if (!shares.empty())
      out[k].features = largest_contributions(view.features.features.data() + k * nf,
                                              shares.data() + k * (nf + 1), layout, top);
  }
  return out;
}

std::string signed_number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3g", static_cast<double>(v));
  return buf;
}

}  // namespace

UserContext without_history(const UserContext& user, std::span<const size_t> positions) {
  UserContext out = user;
  out.items.clear(), out.times.clear(), out.values.clear(), out.events.clear();
  for (size_t p = 0; p < user.items.size(); ++p) {
    if (std::find(positions.begin(), positions.end(), p) != positions.end()) continue;
    out.items.push_back(user.items[p]);
    if (p < user.times.size()) out.times.push_back(user.times[p]);
    if (p < user.values.size()) out.values.push_back(user.values[p]);
    if (p < user.events.size()) out.events.push_back(user.events[p]);
  }
  return out;
}

std::vector<float> explained_scores(const Recommender& model, std::span<const UserContext> users,
                                    std::span<const int32_t> items) {
  const size_t n_items = static_cast<size_t>(model.n_items());
  for (int32_t item : items)
    LMREC_CHECK(item >= 0 && static_cast<size_t>(item) < n_items, UsageError,
                "explain: item " + std::to_string(item) + " is not in the catalogue");
  std::vector<float> out;
  out.reserve(users.size() * items.size());
  if (const auto* pipeline = dynamic_cast<const PipelineRecommender*>(&model)) {
    for (const auto& view : pipeline->item_views(users, items))
      out.insert(out.end(), view.score.begin(), view.score.end());
    return out;
  }
  std::vector<float> rows(users.size() * n_items);
  model.score(users, rows.data());
  for (size_t u = 0; u < users.size(); ++u)
    for (int32_t item : items) out.push_back(rows[u * n_items + static_cast<size_t>(item)]);
  return out;
}

std::vector<Explanation> explain(const Recommender& model, const UserContext& user,
                                 std::span<const int32_t> items, const ExplainOptions& options) {
  LMREC_CHECK(options.top >= 0, ConfigError, "explain: top must be >= 0");
  auto out = ranked_reasons(model, user, items, options.top);
  const size_t n = user.items.size(), window = std::min(options.history_window, n);
  if (window == 0 || options.top == 0) return out;
  std::vector<UserContext> left_out;
  for (size_t p = n - window; p < n; ++p) left_out.push_back(without_history(user, {&p, 1}));
  auto scores = explained_scores(model, left_out, items);
  for (size_t k = 0; k < items.size(); ++k) {
    auto& history = out[k].history;
    for (size_t j = 0; j < window; ++j) {
      float drop = out[k].score - scores[j * items.size() + k];
      size_t p = n - window + j;
      if (std::isfinite(drop) && drop > 0) history.push_back({p, user.items[p], drop});
    }
    std::stable_sort(history.begin(), history.end(),
                     [](const auto& a, const auto& b) { return a.drop > b.drop; });
    if (history.size() > static_cast<size_t>(options.top))
      history.resize(static_cast<size_t>(options.top));
  }
  return out;
}

ExplanationAudit audit_explanations(const Recommender& model, std::span<const UserContext> users,
                                    const ExplainOptions& options) {
  ExplanationAudit audit;
  for (const auto& user : users) {
    auto top = model.recommend(user, 1, {}, true);
    if (top.empty()) continue;
    int32_t item = top[0].item;
    auto e = explain(model, user, {&item, 1}, options)[0];
    if (e.history.empty()) continue;
    std::vector<size_t> named;
    for (const auto& h : e.history) named.push_back(h.position);
    UserContext reduced = without_history(user, named);
    float after = explained_scores(model, {&reduced, 1}, {&item, 1})[0];
    ++audit.cases;
    audit.lowered += after < e.score;
  }
  return audit;
}

nlohmann::json explanation_json(const Explanation& e,
                                const std::function<std::string(int32_t)>& item_name) {
  nlohmann::json features = nlohmann::json::array(), history = nlohmann::json::array();
  for (const auto& f : e.features)
    features.push_back({{"feature", f.feature},
                        {"value", std::isfinite(f.value) ? nlohmann::json(f.value) : nullptr},
                        {"contribution", f.contribution}});
  for (const auto& h : e.history)
    history.push_back({{"item", item_name(h.item)}, {"position", h.position}, {"drop", h.drop}});
  return {{"item", item_name(e.item)}, {"score", e.score},
          {"channels", e.channels},    {"features", features},
          {"history", history},        {"text", explanation_text(e, item_name)}};
}

std::string explanation_text(const Explanation& e,
                             const std::function<std::string(int32_t)>& item_name) {
  std::vector<std::string> parts;
  if (!e.channels.empty()) {
    std::string s = "proposed by ";
    for (size_t c = 0; c < e.channels.size(); ++c)
      s += (c ? c + 1 == e.channels.size() ? " and " : ", " : "") + e.channels[c];
    parts.push_back(s);
  }
  if (!e.history.empty()) {
    std::string s = "because of ";
    for (size_t h = 0; h < e.history.size(); ++h)
      s += (h ? ", " : "") + item_name(e.history[h].item) + " (" +
           signed_number(e.history[h].drop) + ")";
    parts.push_back(s);
  }
  if (!e.features.empty()) {
    std::string s = "ranker: ";
    for (size_t f = 0; f < e.features.size(); ++f)
      s +=
          (f ? ", " : "") + e.features[f].feature + " " + signed_number(e.features[f].contribution);
    parts.push_back(s);
  }
  if (parts.empty()) return "ranked by the model's score";
  std::string out;
  for (size_t p = 0; p < parts.size(); ++p) out += (p ? "; " : "") + parts[p];
  return out;
}

}  // namespace lmrec
