// The rules of names_valid.hpp: Windows file names (as "Naming Files, Paths, and Namespaces"
// states them), the safe alphabet of ids and target names, CBS identities, and free text.
#include "svcsim/model/names_valid.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "svcsim/model/utf8.hpp"

namespace svcsim::model {
namespace {

using namespace std::string_view_literals;

bool is_ascii_letter_or_digit(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9');
}

/// How a message names one character: "'/'", "a space", "U+001B".
std::string character_text(char32_t code_point, std::string_view bytes) {
  if (code_point == ' ') return "a space";
  if (is_unsafe_code_point(code_point)) return code_point_name(code_point);
  if (code_point < 0x80) return fmt::format("'{}'", bytes);
  return fmt::format("'{}' ({})", bytes, code_point_name(code_point));
}

/// The first character of `text` outside the alphabet, reported as "may hold only ...".
Result<Ok, std::string> check_alphabet(std::string_view text, std::string_view extra,
                                       std::string_view alphabet_text, std::size_t length_max) {
  if (text.empty()) return unexpected(std::string("it is empty"));
  if (!is_ascii_letter_or_digit(text.front())) {
    const Utf8Char first = decode_utf8(text, 0);
    return unexpected(fmt::format("it must start with a letter or a digit, not {}",
                                  first.valid ? character_text(first.code_point,
                                                               text.substr(0, first.length))
                                              : "a byte that is not UTF-8"));
  }
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    if (!character.valid) return unexpected(std::string("it is not valid UTF-8 text"));
    const char byte = text[offset];
    const bool allowed = character.length == 1 &&
                         (is_ascii_letter_or_digit(byte) || extra.find(byte) != std::string_view::npos);
    if (!allowed) {
      return unexpected(fmt::format("it may hold only {} (found {})", alphabet_text,
                                    character_text(character.code_point,
                                                   text.substr(offset, character.length))));
    }
    offset += character.length;
  }
  if (text.size() > length_max) {
    return unexpected(fmt::format("it is {} characters long; at most {} are allowed", text.size(),
                                  length_max));
  }
  return Ok{};
}

/// ASCII upper case of `text` (device names are matched case-insensitively).
std::string upper_ascii(std::string_view text) {
  std::string result(text);
  for (char& character : result) {
    if (character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
  }
  return result;
}

/// Whether `stem` (a file name up to its first dot, trailing spaces dropped) is a DOS device.
bool is_reserved_device_name(std::string_view stem) {
  const std::string upper = upper_ascii(stem);
  constexpr std::array plain = {"CON"sv, "PRN"sv, "AUX"sv, "NUL"sv, "CONIN$"sv, "CONOUT$"sv};
  if (std::find(plain.begin(), plain.end(), upper) != plain.end()) return true;
  if (upper.size() < 4) return false;
  const std::string_view prefix = std::string_view(upper).substr(0, 3);
  if (prefix != "COM" && prefix != "LPT") return false;
  const std::string_view number = std::string_view(upper).substr(3);
  // COM0-COM9, and the superscript digits Windows also treats as device numbers.
  return (number.size() == 1 && number[0] >= '0' && number[0] <= '9') || number == "\u00B9" ||
         number == "\u00B2" || number == "\u00B3";
}

}  // namespace

Result<Ok, std::string> check_file_name(std::string_view name) {
  if (name.empty()) return unexpected(std::string("it is empty"));
  if (!is_valid_utf8(name)) return unexpected(std::string("it is not valid UTF-8 text"));
  for (std::size_t offset = 0; offset < name.size();) {
    const Utf8Char character = decode_utf8(name, offset);
    const std::string_view bytes = name.substr(offset, character.length);
    offset += character.length;
    if (character.code_point == '/' || character.code_point == '\\') {
      return unexpected(fmt::format("it contains '{}', a path separator; give the file's name "
                                    "alone (it is looked up in the package folder)",
                                    bytes));
    }
    if (is_unsafe_code_point(character.code_point)) {
      return unexpected(fmt::format("it contains {}, a control or invisible character",
                                    code_point_name(character.code_point)));
    }
    if (std::string_view("<>:\"|?*").find(static_cast<char>(character.code_point)) !=
            std::string_view::npos &&
        character.code_point < 0x80) {
      return unexpected(fmt::format("it contains '{}', which Windows does not allow in a file "
                                    "name (none of < > : \" / \\ | ? * is allowed)",
                                    bytes));
    }
  }
  if (name.find("..") != std::string_view::npos) {
    return unexpected(std::string("it contains '..', a parent-folder reference"));
  }
  if (name.back() == '.' || name.back() == ' ') {
    return unexpected(fmt::format("it ends with {}, which Windows drops from a file name",
                                  name.back() == '.' ? "a dot" : "a space"));
  }
  std::string_view stem = name.substr(0, name.find('.'));
  while (!stem.empty() && stem.back() == ' ') stem.remove_suffix(1);
  if (is_reserved_device_name(stem)) {
    return unexpected(fmt::format("'{}' is a reserved device name in Windows (with or without an "
                                  "extension)",
                                  stem));
  }
  if (const std::size_t units = utf16_length(name); units > file_name_length_max) {
    return unexpected(fmt::format("it is {} characters long; Windows allows at most {}", units,
                                  file_name_length_max));
  }
  return Ok{};
}

Result<Ok, std::string> check_identifier(std::string_view name) {
  return check_alphabet(name, "_.-", "letters, digits, '_', '.' and '-'", identifier_length_max);
}

Result<Ok, std::string> check_identity(std::string_view identity) {
  return check_alphabet(identity, "_.-~", "letters, digits, '_', '.', '-' and '~'",
                        identity_length_max);
}

Result<Ok, std::string> check_text(std::string_view text, TextLines lines, std::size_t length_max) {
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    if (!character.valid) return unexpected(std::string("it is not valid UTF-8 text"));
    offset += character.length;
    if (character.code_point == '\n') {
      if (lines == TextLines::many) continue;
      return unexpected(std::string("it contains a line break; it must fit on one line"));
    }
    if (is_unsafe_code_point(character.code_point)) {
      return unexpected(fmt::format("it contains {}, a control or invisible character",
                                    code_point_name(character.code_point)));
    }
  }
  if (text.size() > length_max) {
    return unexpected(fmt::format("it is {} bytes long; at most {} are allowed", text.size(),
                                  length_max));
  }
  return Ok{};
}

}  // namespace svcsim::model
