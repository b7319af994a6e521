// Parsing of single text fields shared by every reader: numbers, times, ids, UTF-8 checks and
// the quoting of bad values in error messages. Parsers return false instead of throwing so the
// caller, which knows the file, line and field, builds the InputError.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lmrec {

// Drops leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);

// A finite float in plain or exponent notation; rejects NaN, inf and trailing text.
bool parse_float(std::string_view s, float& out);
// A decimal integer, with no sign other than '-'.
bool parse_int(std::string_view s, int64_t& out);
// A time as seconds since 1970: an integer, a decimal number (rounded) or an ISO-8601 date
// "YYYY-MM-DD", optionally followed by "THH:MM[:SS]" or " HH:MM[:SS]" and "Z", read as UTC.
bool parse_time(std::string_view s, int64_t& out);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
// Pure ASCII, the common case, is checked 8 bytes at a time.
bool is_valid_utf8(std::string_view s);
// True when `s` holds a control byte (below 0x20, or 0x7f). Ids are refused with one: items.txt
// and other files lmrec writes hold one id a line, and an id with a line break would not read
// back as itself.
bool has_control_char(std::string_view s);
// Converts ISO-8859-1 (latin-1) bytes to UTF-8.
std::string latin1_to_utf8(std::string_view s);
// Text that is valid UTF-8 stays as it is; anything else is read as latin-1. Files documented
// as latin-1 (MovieLens 100K) are sometimes re-encoded, and a latin-1 string with accented
// letters is almost never valid UTF-8, so this does not garble either kind.
std::string utf8_or_latin1(std::string_view s);

// ASCII lower case, for case-insensitive names and tag deduplication.
std::string ascii_lower(std::string_view s);
// A value quoted for an error message: "abc", shortened past 60 bytes, control and non-UTF-8
// bytes shown as \xNN.
std::string quote_text(std::string_view s);

}  // namespace lmrec
