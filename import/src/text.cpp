// Text helpers of the importer (text.hpp).
#include "text.hpp"

#include <cstdint>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/utf8.hpp"

namespace svcsim::import::detail {
namespace {

char lower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a') : character;
}

}  // namespace

std::optional<std::string> utf16_to_utf8(std::string_view bytes, bool big_endian) {
  if (bytes.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(bytes.size() / 2);
  const std::size_t unit_count = bytes.size() / 2;
  auto unit_at = [&](std::size_t index) {
    const auto first = static_cast<unsigned char>(bytes[2 * index]);
    const auto second = static_cast<unsigned char>(bytes[2 * index + 1]);
    return static_cast<std::uint32_t>(big_endian ? (first << 8) | second : (second << 8) | first);
  };
  for (std::size_t index = 0; index < unit_count; ++index) {
    const std::uint32_t unit = unit_at(index);
    if (unit >= 0xDC00 && unit <= 0xDFFF) return std::nullopt;  // a low surrogate first
    if (unit < 0xD800 || unit > 0xDBFF) {
      model::append_utf8(out, unit);
      continue;
    }
    if (index + 1 >= unit_count) return std::nullopt;  // a high surrogate at the end
    const std::uint32_t low = unit_at(index + 1);
    if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
    model::append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
    ++index;
  }
  SVCSIM_ASSERT(out.size() >= unit_count / 2);
  return out;
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& character : out) character = lower(character);
  return out;
}

bool equals_ignoring_case(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  for (std::size_t index = 0; index < left.size(); ++index) {
    if (lower(left[index]) != lower(right[index])) return false;
  }
  return true;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         equals_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

std::string printable(std::string_view text, std::size_t length_max) {
  SVCSIM_ASSERT(length_max >= 4);
  std::string out;
  for (char character : text) {
    if (out.size() >= length_max) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(character);
    out += byte >= 0x20 && byte < 0x7F ? character : '?';
  }
  SVCSIM_ASSERT(out.size() <= length_max + 3);
  return out;
}

std::string in_quotes(std::string_view text) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, its bug 105329) on "'" + string.
  std::string out(1, '\'');
  out += printable(text);
  out += '\'';
  return out;
}

std::string_view base_name(std::string_view path) {
  const std::size_t separator = path.find_last_of("/\\");
  return separator == std::string_view::npos ? path : path.substr(separator + 1);
}

}  // namespace svcsim::import::detail
