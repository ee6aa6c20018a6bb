// Small text helpers shared by the model's sources (step parsing, the scenario loader, the
// messages of the rules in target_spec.cpp and package.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "svcsim/model/utf8.hpp"

namespace svcsim::model::detail {

// Quoted user text is cut at this length, so that a long id cannot make a message huge.
inline constexpr std::size_t quoted_length_max = 40;

/// Replaces control and invisible characters (utf8.hpp) and bytes that are not UTF-8 with '?', so
/// that user text can never break the one-line format of a message or reorder what it shows.
inline std::string clean(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    if (character.valid && !is_unsafe_code_point(character.code_point)) {
      result += text.substr(offset, character.length);
    } else {
      result += '?';
    }
    offset += character.length;
  }
  return result;
}

/// User text as it appears inside a message: cleaned, shortened, in single quotes.
inline std::string quote(std::string_view text) {
  const bool long_text = text.size() > quoted_length_max;
  // Cut between characters, not inside one (a UTF-8 continuation byte is 10xxxxxx).
  std::size_t cut = std::min(text.size(), quoted_length_max);
  while (long_text && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "'" + std::string.
  std::string result(1, '\'');
  result += clean(text.substr(0, cut));
  if (long_text) result += "...";
  result += '\'';
  return result;
}

/// "an install_wim", "a boot_wim", "an ssu": a kind name with the article it is read with.
inline std::string with_article(std::string_view name) {
  const bool vowel_sound =
      name == "ssu" || (!name.empty() && std::string_view("aeiou").find(name.front()) !=
                                             std::string_view::npos);
  return (vowel_sound ? "an " : "a ") + std::string(name);
}

/// `text` without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace svcsim::model::detail
