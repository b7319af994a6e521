// Helpers shared by the models' option structs. Options hold text; a model writes its effective
// values back as text that parses to exactly the same values, so that
// make_recommender(name, model.options()) rebuilds an identical model.
#pragma once

#include <string>

namespace lmrec {

// Shortest decimal text that parses back to exactly `v` ("500", "0.1", "1e-07").
std::string format_option(double v);
inline std::string format_option(bool v) { return v ? "true" : "false"; }

}  // namespace lmrec
