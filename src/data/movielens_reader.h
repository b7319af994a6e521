// The GroupLens MovieLens releases in their original layouts. The catalogue keeps only movies
// that have ratings: ids come from the interactions, and side records about other movies or
// users are counted in ReadReport::side_unused.
#pragma once

#include <string>

#include "data/record_sink.h"

namespace lmrec {

// MovieLens 100K, a folder with u.data (tab: user, item, rating, unix time) and, when present,
// u.item (pipe-separated, latin-1: title, dates, IMDb URL, genre flags), u.genre (genre names)
// and u.user (age, gender, occupation, zip code). Titles are converted to UTF-8.
void read_movielens_100k(const std::string& folder, RecordSink& sink);

// MovieLens "latest" layout (ml-latest-small, ml-25m, ml-32m): ratings.csv
// (userId,movieId,rating,timestamp) and, when present, movies.csv (movieId,title,genres with
// '|') and tags.csv (userId,movieId,tag,timestamp). Each movie's tags go into catalogue.text,
// in order of first use, duplicates dropped regardless of case. `input` is the folder or its
// ratings.csv.
void read_movielens(const std::string& input, RecordSink& sink);

}  // namespace lmrec
