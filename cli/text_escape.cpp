// The escaping functions of text_escape.hpp, all built on one walk over the UTF-8 characters.
#include "text_escape.hpp"

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/utf8.hpp"

namespace svcsim::cli {
namespace {

/// How one character that must not appear as it is gets shown.
std::string escape_sequence(const model::Utf8Char& character) {
  if (!character.valid || character.code_point < 0x80) {
    switch (character.valid ? character.code_point : 0xFFFFFFFF) {
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      default: return fmt::format("\\x{:02x}", static_cast<std::uint32_t>(character.code_point));
    }
  }
  return fmt::format("\\u{:04x}", static_cast<std::uint32_t>(character.code_point));
}

/// Walks `text` character by character. A character that is not printable is written as
/// `unprintable(escape_sequence)` unless `keep` lets it stand (a line feed in multi-line text);
/// `special` may write a printable character its own way (returning true), else it stands.
template <typename Keep, typename Special, typename Unprintable>
std::string escape(std::string_view text, Keep keep, Special special, Unprintable unprintable) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    const model::Utf8Char character = model::decode_utf8(text, offset);
    const std::string_view bytes = text.substr(offset, character.length);
    offset += character.length;
    const bool printable = character.valid && !model::is_unsafe_code_point(character.code_point);
    if (!printable && !(character.valid && keep(character.code_point))) {
      result += unprintable(escape_sequence(character));
    } else if (!special(character.code_point, result)) {
      result += bytes;
    }
  }
  return result;
}

bool keep_none(char32_t) { return false; }
bool keep_line_feed(char32_t code_point) { return code_point == '\n'; }
bool no_special(char32_t, std::string&) { return false; }
std::string as_is(std::string sequence) { return sequence; }

bool xml_special(char32_t code_point, std::string& out) {
  switch (code_point) {
    case '&': out += "&amp;"; return true;
    case '<': out += "&lt;"; return true;
    case '>': out += "&gt;"; return true;
    default: return false;
  }
}

}  // namespace

std::string visible(std::string_view text) { return escape(text, keep_none, no_special, as_is); }

std::string visible_lines(std::string_view text) {
  return escape(text, keep_line_feed, no_special, as_is);
}

std::string xml_text(std::string_view text) {
  // Tab and line feed are XML characters; they keep a failure's text readable.
  return escape(
      text, [](char32_t code_point) { return code_point == '\n' || code_point == '\t'; },
      xml_special, as_is);
}

std::string xml_attribute(std::string_view text) {
  const std::string result = escape(
      text, keep_none,
      [](char32_t code_point, std::string& out) {
        switch (code_point) {
          case '"': out += "&quot;"; return true;
          case '\'': out += "&apos;"; return true;
          default: return xml_special(code_point, out);
        }
      },
      as_is);
  SVCSIM_ASSERT(result.find_first_of("\n\"<") == std::string::npos);
  return result;
}

std::string dot_quoted(std::string_view text) {
  std::string result = "\"";
  result += escape(
      text, keep_none,
      [](char32_t code_point, std::string& out) {
        switch (code_point) {
          case '"': out += "\\\""; return true;
          case '\\': out += "\\\\"; return true;
          default: return false;
        }
      },
      [](std::string sequence) {
        // A line feed is DOT's own line break; any other escape shows its backslash, which
        // Graphviz would otherwise read (\r, \l are line breaks too).
        return sequence == "\\n" ? sequence : "\\" + sequence;
      });
  SVCSIM_ASSERT(result.find('\n') == std::string::npos);
  return result + "\"";
}

std::string json_text(const nlohmann::ordered_json& document) {
  return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace svcsim::cli
