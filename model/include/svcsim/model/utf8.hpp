// UTF-8 decoding and the code points that must never reach a console, a log or a report as they
// are. Shared by the name rules (names_valid.hpp), the scenario loader's check of a whole file,
// and every output that shows user text (cli/).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace svcsim::model {

/// One decoded character: its code point and how many bytes it took. `valid` is false for a byte
/// that starts no well-formed UTF-8 sequence (a stray continuation byte, a truncated or overlong
/// sequence, a surrogate, a value past U+10FFFF); then `length` is 1 and `code_point` is the byte.
struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = true;
};

/// Decodes the character at `offset` (which must be inside `text`).
///
///   decode_utf8("\xC3\xA9", 0) == {U'é', 2, true}
Utf8Char decode_utf8(std::string_view text, std::size_t offset);

/// Appends `code_point`, a Unicode scalar value (at most U+10FFFF, not a surrogate), as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view text);

/// Characters that change how text is shown rather than showing something: the C0 controls
/// (escape, line breaks, tab, ...), DEL, the C1 controls (U+0080-U+009F, some terminals read
/// U+009B as an escape), the line and paragraph separators U+2028/U+2029, the bidirectional
/// marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A-U+202E,
/// U+2066-U+2069: they reorder what a reader sees), U+FEFF, and the noncharacters U+FFFE and
/// U+FFFF (XML 1.0 cannot carry them). A name holding one could forge a
/// line or hide what it says, so names refuse them and every output shows them escaped.
bool is_unsafe_code_point(char32_t code_point);

/// "U+001B": how messages name a character.
std::string code_point_name(char32_t code_point);

/// The number of UTF-16 code units `text` takes (how Windows counts a file name's length);
/// an invalid byte counts as one.
std::size_t utf16_length(std::string_view text);

}  // namespace svcsim::model
