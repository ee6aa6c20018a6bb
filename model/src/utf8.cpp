// UTF-8 decoding (RFC 3629) and the unsafe code points of utf8.hpp.
#include "svcsim/model/utf8.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "svcsim/model/assert.hpp"

namespace svcsim::model {

Utf8Char decode_utf8(std::string_view text, std::size_t offset) {
  SVCSIM_ASSERT(offset < text.size());
  const auto byte_at = [&](std::size_t index) {
    return static_cast<unsigned char>(text[offset + index]);
  };
  const unsigned char lead = byte_at(0);
  const Utf8Char invalid{lead, 1, false};
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;  // the smallest value this length may encode (no overlong forms)
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
    minimum = 0x10000;
  } else {
    return invalid;  // a continuation byte, 0xC0/0xC1 (always overlong) or 0xF5..0xFF
  }
  if (offset + length > text.size()) return invalid;
  for (std::size_t index = 1; index < length; ++index) {
    const unsigned char continuation = byte_at(index);
    if ((continuation & 0xC0u) != 0x80u) return invalid;
    code_point = code_point << 6 | (continuation & 0x3Fu);
  }
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return invalid;
  }
  SVCSIM_ASSERT(length >= 2 && length <= 4);
  return {code_point, length, true};
}

void append_utf8(std::string& out, char32_t code_point) {
  SVCSIM_ASSERT(code_point <= 0x10FFFF);
  SVCSIM_ASSERT(code_point < 0xD800 || code_point > 0xDFFF);
  const auto byte = [&](std::uint32_t value) { out += static_cast<char>(value); };
  const auto value = static_cast<std::uint32_t>(code_point);
  if (value < 0x80) {
    byte(value);
  } else if (value < 0x800) {
    byte(0xC0 | (value >> 6));
    byte(0x80 | (value & 0x3F));
  } else if (value < 0x10000) {
    byte(0xE0 | (value >> 12));
    byte(0x80 | ((value >> 6) & 0x3F));
    byte(0x80 | (value & 0x3F));
  } else {
    byte(0xF0 | (value >> 18));
    byte(0x80 | ((value >> 12) & 0x3F));
    byte(0x80 | ((value >> 6) & 0x3F));
    byte(0x80 | (value & 0x3F));
  }
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    if (!character.valid) return false;
    offset += character.length;
  }
  return true;
}

bool is_unsafe_code_point(char32_t code_point) {
  if (code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F)) return true;
  switch (code_point) {
    case 0x061C:  // ARABIC LETTER MARK
    case 0x200E:  // LEFT-TO-RIGHT MARK
    case 0x200F:  // RIGHT-TO-LEFT MARK
    case 0x2028:  // LINE SEPARATOR
    case 0x2029:  // PARAGRAPH SEPARATOR
    case 0xFEFF:  // ZERO WIDTH NO-BREAK SPACE (byte order mark)
    case 0xFFFE:  // noncharacters: XML 1.0 cannot carry them
    case 0xFFFF:
      return true;
    default:
      break;
  }
  return (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

std::string code_point_name(char32_t code_point) {
  return fmt::format("U+{:04X}", static_cast<std::uint32_t>(code_point));
}

std::size_t utf16_length(std::string_view text) {
  std::size_t units = 0;
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    units += character.valid && character.code_point >= 0x10000 ? 2 : 1;
    offset += character.length;
  }
  return units;
}

}  // namespace svcsim::model
