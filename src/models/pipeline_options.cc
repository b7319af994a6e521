#include "models/pipeline_options.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "models/model_options.h"
#include "models/recommender.h"
#include "rank/ranker.h"
#include "rerank/reranker.h"
#include "text/use_lite.h"

namespace lmrec {

namespace {

const std::vector<std::string> kAutoNames = {"seq", "ease", "ials", "knn", "pop", "text"};
constexpr int64_t kEaseMaxItems = 40000;
// Median history length from which a sequence member is sasrec rather than bsarec: BSARec's
// recipe is tuned on short, sparse histories and loses to sasrec on MovieLens-like ones.
constexpr double kLongHistory = 20;

std::vector<PipelineMember> parse_members(const std::string& list) {
  std::vector<PipelineMember> members;
  std::stringstream in(list);
  for (std::string entry; std::getline(in, entry, ',');) {
    if (entry.empty()) continue;
    auto colon = entry.find(':');
    PipelineMember m;
    m.name = entry.substr(0, colon);
    m.kind = colon == std::string::npos ? m.name : entry.substr(colon + 1);
    if (m.name.empty() || m.name.find('.') != std::string::npos)
      LMREC_THROW(ConfigError, "pipeline: member name '" + m.name + "' must be non-empty, no '.'");
    if (m.kind == "pipeline") LMREC_THROW(ConfigError, "pipeline: a member cannot be a pipeline");
    for (const auto& other : members)
      if (other.name == m.name) LMREC_THROW(ConfigError, "pipeline: member '" + m.name + "' twice");
    members.push_back(m);
  }
  if (members.empty()) LMREC_THROW(ConfigError, "pipeline: members lists no model");
  return members;
}

// Splits member.candidates from the member's own options and checks the latter by building it.
void finish_member(PipelineMember& m, Options given) {
  if (given.has("candidates")) {
    m.candidates = static_cast<int32_t>(given.get_int("candidates", 0));
    if (m.candidates < 0 || m.candidates > 10000)
      LMREC_THROW(ConfigError, "pipeline: " + m.name + ".candidates must be in [0, 10000]");
  }
  Options own;
  for (const auto& [key, value] : given.values())
    if (key != "candidates") own.set(key, value);
  make_recommender(m.kind, own);  // unknown kind or option: ConfigError naming it
  m.options = own;
}

int32_t default_candidates(const std::string& kind) {
  return kind == "popularity" || kind == "semantic" ? 50 : 100;
}

}  // namespace

PipelineOptions PipelineOptions::parse(const Options& options) {
  PipelineOptions o;
  std::map<std::string, Options> per_member;
  const std::set<std::string> own = {"members", "ranker",     "reranker",
                                     "folds",   "time_limit", "seed"};
  for (const auto& [key, value] : options.values()) {
    auto dot = key.find('.');
    if (dot == std::string::npos) {
      if (!own.count(key))
        LMREC_THROW(ConfigError, "pipeline: unknown option '" + key +
                                     "' (known: members, ranker, reranker, folds, time_limit, "
                                     "seed, ranker.KEY, reranker.KEY, MEMBER.KEY, "
                                     "MEMBER.candidates)");
      continue;
    }
    std::string head = key.substr(0, dot), tail = key.substr(dot + 1);
    if (head == "ranker")
      o.ranker_options.set(tail, value);
    else if (head == "reranker" && tail == "k")
      o.rerank_k = options.get_int(key, o.rerank_k);
    else if (head == "reranker" && tail == "vectors")
      o.rerank_vectors = value;
    else if (head == "reranker")
      o.reranker_options.set(tail, value);
    else
      per_member[head].set(tail, value);
  }
  std::string members = options.get_string("members", "auto");
  o.auto_members = members == "auto";
  o.ranker = options.get_string("ranker", o.ranker);
  make_ranker(o.ranker, o.ranker_options);  // unknown ranker or option: ConfigError
  o.reranker = options.get_string("reranker", o.reranker);
  {  // unknown reranker or option: ConfigError now, not after the members are fitted
    auto any = std::make_shared<RerankItems>();
    any->vectors = {1.0f}, any->dim = 1, any->categories = {{0}}, any->popularity = {1.0f};
    make_reranker(o.reranker, o.reranker_options, any);
  }
  if (o.rerank_k < 1) LMREC_THROW(ConfigError, "pipeline: reranker.k must be >= 1");
  o.folds = options.get_int("folds", o.folds);
  o.time_limit = options.get_double("time_limit", o.time_limit);
  o.seed = options.get_int("seed", o.seed);
  if (o.folds < 1 || o.folds > 10) LMREC_THROW(ConfigError, "pipeline: folds must be in [1, 10]");
  if (!(o.time_limit >= 0)) LMREC_THROW(ConfigError, "pipeline: time_limit must be >= 0");
  if (o.auto_members) {
    for (const auto& [name, opts] : per_member)
      if (std::find(kAutoNames.begin(), kAutoNames.end(), name) == kAutoNames.end())
        LMREC_THROW(ConfigError, "pipeline: option for unknown member '" + name +
                                     "' (members=auto names seq, ease, ials, knn, pop, text)");
    o.pending = per_member;
    return o;
  }
  o.members = parse_members(members);
  for (auto& m : o.members) {
    m.candidates = default_candidates(m.kind);
    finish_member(m, per_member[m.name]);
    per_member.erase(m.name);
  }
  if (!per_member.empty())
    LMREC_THROW(ConfigError,
                "pipeline: option for '" + per_member.begin()->first + "', which is not a member");
  return o;
}

void PipelineOptions::resolve(const Dataset& train) {
  if (!auto_members) return;
  std::vector<int64_t> lengths;
  for (int32_t u = 0; u < train.n_users(); ++u) lengths.push_back(train.user_count(u));
  std::sort(lengths.begin(), lengths.end());
  double median = lengths.empty() ? 0 : static_cast<double>(lengths[lengths.size() / 2]);
  std::string list = std::string("seq:") + (median >= kLongHistory ? "sasrec" : "bsarec");
  if (train.n_items() <= kEaseMaxItems) list += ",ease";
  list += ",ials:ials,knn:itemknn,pop:popularity";
  bool has_text = false;
  for (int32_t i = 0; i < train.n_items() && !has_text; ++i)
    has_text = !train.catalogue.title[static_cast<size_t>(i)].empty() ||
               !train.catalogue.text[static_cast<size_t>(i)].empty();
  if (has_text && std::filesystem::exists(find_use_lite_dir() + "/model.json"))
    list += ",text:semantic";
  members = parse_members(list);
  for (auto& m : members) {
    m.candidates = default_candidates(m.kind);
    finish_member(m, pending[m.name]);
  }
  pending.clear();
  auto_members = false;
}

Options PipelineOptions::to_options() const {
  Options o;
  if (auto_members) {
    o.set("members", "auto");
    for (const auto& [name, opts] : pending)
      for (const auto& [key, value] : opts.values()) o.set(name + "." + key, value);
  } else {
    std::string list;
    for (const auto& m : members) {
      list += (list.empty() ? "" : ",") + m.name + ":" + m.kind;
      for (const auto& [key, value] : m.options.values()) o.set(m.name + "." + key, value);
      o.set(m.name + ".candidates", std::to_string(m.candidates));
    }
    o.set("members", list);
  }
  o.set("ranker", ranker);
  for (const auto& [key, value] : ranker_options.values()) o.set("ranker." + key, value);
  o.set("reranker", reranker);
  for (const auto& [key, value] : reranker_options.values()) o.set("reranker." + key, value);
  o.set("reranker.k", std::to_string(rerank_k));
  if (!rerank_vectors.empty()) o.set("reranker.vectors", rerank_vectors);
  o.set("folds", std::to_string(folds));
  o.set("time_limit", format_option(time_limit));
  o.set("seed", std::to_string(seed));
  return o;
}

}  // namespace lmrec
