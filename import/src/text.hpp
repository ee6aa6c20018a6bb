// Text helpers of the importer: encodings of the metadata files, case-blind comparisons of
// archive names, and making untrusted text safe to show in a one-line message or a comment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace svcsim::import::detail {

/// UTF-16 (little- or big-endian, no byte-order mark in `bytes`) to UTF-8. nullopt for an odd
/// byte count or an unpaired surrogate.
std::optional<std::string> utf16_to_utf8(std::string_view bytes, bool big_endian);

/// ASCII lower case.
std::string lower_case(std::string_view text);
bool equals_ignoring_case(std::string_view left, std::string_view right);
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);
bool ends_with_ignoring_case(std::string_view text, std::string_view suffix);

/// The text with every byte outside printable ASCII replaced by '?', cut to `length_max` bytes
/// (with "..." appended when cut): file contents may hold line breaks or escape sequences that
/// would forge a line of output or a YAML line.
std::string printable(std::string_view text, std::size_t length_max = 120);

/// `'text'` made printable: how messages quote a value read from a file.
std::string in_quotes(std::string_view text);

/// The last component of an archive path, splitting on both '/' and '\\'.
std::string_view base_name(std::string_view path);

}  // namespace svcsim::import::detail
