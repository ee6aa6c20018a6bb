// Small text helpers shared by the model's sources (step parsing, the scenario loader, the
// messages of the rules in target_spec.cpp and package.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace svcsim::model::detail {

// Quoted user text is cut at this length, so that a long id cannot make a message huge.
inline constexpr std::size_t quoted_length_max = 40;

/// Replaces control characters so that user text can never break the one-line format.
inline std::string clean(std::string_view text) {
  std::string result(text);
  for (char& character : result) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7F) character = '?';
  }
  return result;
}

/// User text as it appears inside a message: cleaned, shortened, in single quotes.
inline std::string quote(std::string_view text) {
  const bool long_text = text.size() > quoted_length_max;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "'" + std::string.
  std::string result(1, '\'');
  result += clean(text.substr(0, quoted_length_max));
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
