// RecBole atomic files: NAME.inter holds the interactions, NAME.item and NAME.user (beside it,
// when present) the item catalogue and user attributes. All are tab-separated with a header of
// "name:type" cells (types token, token_seq, float, float_seq); fields are not quoted.
#pragma once

#include <string>

#include "data/record_sink.h"

namespace lmrec {

// Reads the .inter file `input`, or the single .inter file in the folder `input`. Interaction
// columns are user_id, item_id, rating, timestamp unless ReadOptions::columns names others.
// In .item: the title is the first of movie_title/title/name/item_name; genre, genres, class,
// category and categories give categories (token_seq split at spaces); description, text,
// summary, plot and overview go to catalogue.text; other fields become attributes. In .user
// every field but the id becomes an attribute.
void read_recbole(const std::string& input, RecordSink& sink);

// The one .inter file in `folder`; throws ConfigError when there is none or several.
std::string find_inter_file(const std::string& folder);

}  // namespace lmrec
