#include "data/movielens_reader.h"

#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "data/column_roles.h"
#include "data/delimited_reader.h"
#include "data/text_fields.h"

namespace lmrec {

namespace fs = std::filesystem;

namespace {

std::string in_folder(const std::string& folder, const char* name) {
  return (fs::path(folder) / name).string();
}

// ---- MovieLens 100K ----

// The genre names of u.item's flag columns, in order; u.genre overrides them when present.
std::vector<std::string> default_genres() {
  return {"unknown",     "Action", "Adventure", "Animation", "Children's", "Comedy",  "Crime",
          "Documentary", "Drama",  "Fantasy",   "Film-Noir", "Horror",     "Musical", "Mystery",
          "Romance",     "Sci-Fi", "Thriller",  "War",       "Western"};
}

std::vector<std::string> read_genres(const std::string& path, RecordSink& sink) {
  std::vector<std::string> genres;
  bool found = read_side_lines(path, sink, [&](int64_t line, std::string_view text) {
    auto f = split_fields(text, '|');
    int64_t index = 0;
    if (f.size() != 2) LMREC_THROW_INPUT(path, line, "genre", "expected 'name|index'");
    if (!parse_int(f[1], index) || index != static_cast<int64_t>(genres.size()))
      LMREC_THROW_INPUT(path, line, "index",
                        "expected " + std::to_string(genres.size()) + ", got " + quote_text(f[1]));
    genres.push_back(utf8_or_latin1(trim(f[0])));
  });
  return found ? genres : default_genres();
}

// Names of u.item's fields: five fixed ones, then one per genre flag.
std::string item_field_name(size_t k, const std::vector<std::string>& genres) {
  static const char* kNames[] = {"movie id", "movie title", "release date", "video release date",
                                 "IMDb URL"};
  if (k < 5) return kNames[k];
  return k - 5 < genres.size() ? genres[k - 5] : "column " + std::to_string(k + 1);
}

void check_100k_item(const std::string& path, int64_t line, const std::vector<std::string_view>& f,
                     const std::vector<std::string>& genres) {
  if (f.size() != 5 + genres.size())
    LMREC_THROW_INPUT(path, line, item_field_name(std::min(f.size(), 5 + genres.size()), genres),
                      "expected " + std::to_string(5 + genres.size()) +
                          " fields separated by '|', got " + std::to_string(f.size()));
  if (trim(f[0]).empty())
    LMREC_THROW_INPUT(path, line, item_field_name(0, genres), "expected an id, got an empty field");
  for (size_t g = 0; g < genres.size(); ++g)
    if (f[5 + g] != "0" && f[5 + g] != "1")
      LMREC_THROW_INPUT(path, line, genres[g], "expected 0 or 1, got " + quote_text(f[5 + g]));
}

void parse_100k_item(const std::string& path, int64_t line, std::string_view text,
                     const std::vector<std::string>& genres, RecordSink& sink) {
  auto f = split_fields(text, '|');
  check_100k_item(path, line, f, genres);
  Dataset& data = sink.data();
  int32_t item = data.items.find(trim(f[0]));
  if (item < 0) return sink.unused();
  data.catalogue.title[item] = utf8_or_latin1(trim(f[1]));
  auto& categories = data.catalogue.categories[item];
  categories.clear();
  for (size_t g = 0; g < genres.size(); ++g)
    if (f[5 + g] == "1") categories.push_back(data.catalogue.category_names.intern(genres[g]));
  const char* keys[] = {"release_date", "video_release_date", "imdb_url"};
  for (int k = 0; k < 3; ++k)
    if (!trim(f[2 + k]).empty())
      data.catalogue.attributes[item][keys[k]] = utf8_or_latin1(trim(f[2 + k]));
}

void parse_100k_user(const std::string& path, int64_t line, std::string_view text,
                     RecordSink& sink) {
  static const char* kNames[] = {"user id", "age", "gender", "occupation", "zip code"};
  auto f = split_fields(text, '|');
  if (f.size() != 5)
    LMREC_THROW_INPUT(path, line, f.size() < 5 ? kNames[f.size()] : "column 6",
                      "expected 5 fields separated by '|', got " + std::to_string(f.size()));
  std::string_view id = trim(f[0]);
  if (id.empty()) LMREC_THROW_INPUT(path, line, kNames[0], "expected an id, got an empty field");
  int64_t age = 0;
  if (!parse_int(f[1], age))
    LMREC_THROW_INPUT(path, line, kNames[1], "expected an integer, got " + quote_text(f[1]));
  int32_t user = sink.data().users.find(id);
  if (user < 0) return sink.unused();
  auto& attributes = sink.data().user_attributes[user];
  attributes["age"] = std::to_string(age);
  attributes["gender"] = utf8_or_latin1(trim(f[2]));
  attributes["occupation"] = utf8_or_latin1(trim(f[3]));
  attributes["zip_code"] = utf8_or_latin1(trim(f[4]));
}

// ---- MovieLens latest ----

void check_fields(const DelimitedRecords& rec, size_t expected) {
  if (rec.size() != expected)
    LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(std::min(rec.size(), expected)),
                      "expected " + std::to_string(expected) + " fields as in the header, got " +
                          std::to_string(rec.size()));
}

std::string_view utf8_field(const DelimitedRecords& rec, int k) {
  std::string_view v = trim(rec[k]);
  if (!is_valid_utf8(v))
    LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(k),
                      "expected UTF-8 text, got " + quote_text(v));
  return v;
}

std::string_view item_id_field(const DelimitedRecords& rec, int k) {
  std::string_view id = utf8_field(rec, k);
  if (id.empty())
    LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(k),
                      "expected an id, got an empty field");
  return id;
}

void read_movies(const std::string& path, RecordSink& sink) {
  int id = -1, title = -1, genres = -1;
  size_t n_fields = 0;
  auto header = [&](const DelimitedRecords& rec, const std::vector<std::string>& names) {
    id = require_column(names, "movieId", path, rec.line());
    title = require_column(names, "title", path, rec.line());
    genres = require_column(names, "genres", path, rec.line());
    n_fields = names.size();
  };
  read_delimited_side(path, DelimitedLayout{}, sink, header, [&](const DelimitedRecords& rec) {
    check_fields(rec, n_fields);
    std::string_view movie = item_id_field(rec, id), name = utf8_field(rec, title);
    std::string_view genre_list = utf8_field(rec, genres);
    Dataset& data = sink.data();
    int32_t item = data.items.find(movie);
    if (item < 0) return sink.unused();
    data.catalogue.title[item] = std::string(name);
    data.catalogue.categories[item].clear();
    if (genre_list == "(no genres listed)") return;
    for (auto g : split_fields(genre_list, '|'))
      if (!trim(g).empty())
        data.catalogue.categories[item].push_back(data.catalogue.category_names.intern(trim(g)));
  });
}

// Collects each item's distinct tags, in order of first use.
struct TagCollector {
  std::unordered_map<int32_t, std::vector<std::string>> tags;
  std::unordered_map<int32_t, std::unordered_set<std::string>> seen;  // lower-cased
  void add(int32_t item, std::string_view tag) {
    if (seen[item].insert(ascii_lower(tag)).second) tags[item].emplace_back(tag);
  }
  void write(Catalogue& catalogue) const {
    for (const auto& [item, list] : tags) {
      std::string& text = catalogue.text[item];
      for (const auto& t : list) text += (text.empty() ? "" : ", ") + t;
    }
  }
};

void read_tags(const std::string& path, RecordSink& sink) {
  int movie = -1, tag = -1;
  size_t n_fields = 0;
  TagCollector collector;
  auto header = [&](const DelimitedRecords& rec, const std::vector<std::string>& names) {
    movie = require_column(names, "movieId", path, rec.line());
    tag = require_column(names, "tag", path, rec.line());
    n_fields = names.size();
  };
  read_delimited_side(path, DelimitedLayout{}, sink, header, [&](const DelimitedRecords& rec) {
    check_fields(rec, n_fields);
    std::string_view id = item_id_field(rec, movie), text = utf8_field(rec, tag);
    if (text.empty())
      LMREC_THROW_INPUT(rec.file(), rec.line(), rec.field_name(tag),
                        "expected a tag, got an empty field");
    int32_t item = sink.data().items.find(id);
    if (item < 0) return sink.unused();
    collector.add(item, text);
  });
  collector.write(sink.data().catalogue);
}

}  // namespace

void read_movielens_100k(const std::string& folder, RecordSink& sink) {
  DelimitedLayout layout;
  layout.dialect = Dialect{'\t', false};
  layout.header = false;
  layout.names = {"user id", "item id", "rating", "timestamp"};
  layout.columns = "user=user id,item=item id,value=rating,time=timestamp";
  read_delimited_interactions(in_folder(folder, "u.data"), layout, sink);
  size_side_info(sink.data());
  auto genres = read_genres(in_folder(folder, "u.genre"), sink);
  for (const auto& g : genres) sink.data().catalogue.category_names.intern(g);
  std::string items = in_folder(folder, "u.item"), users = in_folder(folder, "u.user");
  read_side_lines(items, sink, [&](int64_t line, std::string_view text) {
    parse_100k_item(items, line, text, genres, sink);
  });
  read_side_lines(users, sink, [&](int64_t line, std::string_view text) {
    parse_100k_user(users, line, text, sink);
  });
}

void read_movielens(const std::string& input, RecordSink& sink) {
  bool folder = fs::is_directory(input);
  std::string dir = folder ? input : fs::path(input).parent_path().string();
  if (dir.empty()) dir = ".";
  DelimitedLayout layout;
  layout.columns = "user=userId,item=movieId,value=rating,time=timestamp";
  read_delimited_interactions(folder ? in_folder(dir, "ratings.csv") : input, layout, sink);
  size_side_info(sink.data());
  if (file_exists(in_folder(dir, "movies.csv"))) read_movies(in_folder(dir, "movies.csv"), sink);
  if (file_exists(in_folder(dir, "tags.csv"))) read_tags(in_folder(dir, "tags.csv"), sink);
}

}  // namespace lmrec
