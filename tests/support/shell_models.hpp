// Test models of how the three shells svcsim writes command lines for read them back: a line of a
// cmd.exe script (percent expansion, then quoting and special characters, then the program's
// CommandLineToArgvW), PowerShell (single-quoted strings and barewords), and a POSIX sh word.
// Each returns the arguments the program would receive, or nothing with the reason when the line
// would do something else: run a second command, expand a variable, redirect. The property tests
// (cli/test) and the name_validator fuzz target hold every rendering to them.
//
// Models, not emulators: they accept only what the renderers are meant to produce and refuse
// anything a shell would treat specially, so a rendering that relies on a rule they do not know
// fails loudly instead of passing by luck.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/utf8.hpp"

namespace svcsim::test_support {

/// The arguments (program name first) of one line of a .cmd script, or nullopt with `why`.
inline std::optional<std::vector<std::string>> cmd_script_arguments(std::string_view line,
                                                                    std::string* why) {
  const auto refuse = [why](std::string reason) -> std::optional<std::vector<std::string>> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  // Phase 1: percent expansion. In a script %% is one %, and any other % starts a variable.
  std::string expanded;
  for (std::size_t position = 0; position < line.size(); ++position) {
    if (line[position] != '%') {
      expanded += line[position];
      continue;
    }
    if (position + 1 < line.size() && line[position + 1] == '%') {
      expanded += '%';
      ++position;
      continue;
    }
    return refuse("a single % would expand a variable");
  }
  // Phase 2: outside double quotes these characters are cmd's own (a second command, a
  // redirection, an escape, a block); '!' would expand under delayed expansion.
  bool quoted = false;
  for (const char character : expanded) {
    if (character == '"') quoted = !quoted;
    if (static_cast<unsigned char>(character) < 0x20) return refuse("a control character");
    if (!quoted && std::string_view("&|<>^()!").find(character) != std::string_view::npos) {
      return refuse(std::string("an unquoted '") + character + "'");
    }
  }
  if (quoted) return refuse("an unclosed double quote");
  // Phase 3: the program splits its command line as CommandLineToArgvW does.
  std::vector<std::string> arguments;
  std::string current;
  bool in_argument = false;
  quoted = false;
  for (std::size_t position = 0; position < expanded.size(); ++position) {
    const char character = expanded[position];
    if (character == '\\') {
      std::size_t count = 0;
      while (position < expanded.size() && expanded[position] == '\\') {
        ++count;
        ++position;
      }
      in_argument = true;
      if (position < expanded.size() && expanded[position] == '"') {
        current.append(count / 2, '\\');
        if (count % 2 == 1) {
          current += '"';
          continue;
        }
        --position;  // the quote is read on the next pass
        continue;
      }
      current.append(count, '\\');
      --position;
      continue;
    }
    if (character == '"') {
      quoted = !quoted;
      in_argument = true;
      continue;
    }
    if ((character == ' ' || character == '\t') && !quoted) {
      if (in_argument) arguments.push_back(current);
      current.clear();
      in_argument = false;
      continue;
    }
    current += character;
    in_argument = true;
  }
  if (in_argument) arguments.push_back(current);
  return arguments;
}

/// The arguments of one PowerShell command line whose arguments are barewords of safe characters
/// or single-quoted strings (adjacent parts join into one argument), or nullopt with `why`.
inline std::optional<std::vector<std::string>> powershell_arguments(std::string_view line,
                                                                    std::string* why) {
  const auto refuse = [why](std::string reason) -> std::optional<std::vector<std::string>> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  const auto is_single_quote = [](const model::Utf8Char& character) {
    return character.valid && (character.code_point == '\'' ||
                               (character.code_point >= 0x2018 && character.code_point <= 0x201B));
  };
  std::vector<std::string> arguments;
  std::string current;
  bool in_argument = false;
  for (std::size_t offset = 0; offset < line.size();) {
    const model::Utf8Char character = model::decode_utf8(line, offset);
    if (is_single_quote(character)) {
      offset += character.length;
      in_argument = true;
      while (true) {
        if (offset >= line.size()) return refuse("an unclosed single quote");
        const model::Utf8Char inner = model::decode_utf8(line, offset);
        if (is_single_quote(inner)) {
          const std::size_t next = offset + inner.length;
          if (next < line.size() && is_single_quote(model::decode_utf8(line, next))) {
            // A doubled quote is one quote character: the second one, as PowerShell keeps it.
            current += line.substr(next, model::decode_utf8(line, next).length);
            offset = next + model::decode_utf8(line, next).length;
            continue;
          }
          offset = next;
          break;
        }
        current += line.substr(offset, inner.length);
        offset += inner.length;
      }
      continue;
    }
    const char byte = line[offset];
    if (byte == ' ') {
      if (in_argument) arguments.push_back(current);
      current.clear();
      in_argument = false;
      ++offset;
      continue;
    }
    const bool safe = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                      (byte >= '0' && byte <= '9') ||
                      std::string_view("_.:\\/~+-*").find(byte) != std::string_view::npos;
    if (!safe) return refuse(std::string("an unquoted '") + byte + "'");
    current += byte;
    in_argument = true;
    ++offset;
  }
  if (in_argument) arguments.push_back(current);
  return arguments;
}

/// The words of one POSIX sh line made of plain words (letters, digits, _ - . , : / + = @ %) and
/// single-quoted strings with '\'' for a quote, or nullopt with `why`.
inline std::optional<std::vector<std::string>> posix_sh_arguments(std::string_view line,
                                                                  std::string* why) {
  const auto refuse = [why](std::string reason) -> std::optional<std::vector<std::string>> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  for (std::size_t position = 0; position < line.size(); ++position) {
    const char character = line[position];
    if (character == '\'') {
      const std::size_t close = line.find('\'', position + 1);
      if (close == std::string_view::npos) return refuse("an unclosed single quote");
      current += line.substr(position + 1, close - position - 1);
      position = close;
      in_word = true;
      continue;
    }
    if (character == '\\' && position + 1 < line.size() && line[position + 1] == '\'') {
      current += '\'';
      ++position;
      in_word = true;
      continue;
    }
    if (character == ' ') {
      if (in_word) words.push_back(current);
      current.clear();
      in_word = false;
      continue;
    }
    const bool safe = (character >= 'a' && character <= 'z') ||
                      (character >= 'A' && character <= 'Z') ||
                      (character >= '0' && character <= '9') ||
                      std::string_view("_-.,:/+=@%").find(character) != std::string_view::npos;
    if (!safe) return refuse(std::string("an unquoted '") + character + "'");
    current += character;
    in_word = true;
  }
  if (in_word) words.push_back(current);
  return words;
}

/// `text` as a YAML double-quoted scalar that parses back to exactly `text`: every byte outside
/// printable ASCII and every quote and backslash escaped (bytes that are not UTF-8 cannot be
/// written in YAML at all; they are written raw so the loader sees and refuses them).
inline std::string yaml_double_quoted(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t offset = 0; offset < text.size();) {
    const model::Utf8Char character = model::decode_utf8(text, offset);
    const std::string_view bytes = text.substr(offset, character.length);
    offset += character.length;
    if (!character.valid) {
      out += bytes;
      continue;
    }
    const char32_t code_point = character.code_point;
    if (code_point == '"' || code_point == '\\') {
      out += '\\';
      out += static_cast<char>(code_point);
    } else if (code_point >= 0x20 && code_point < 0x7F) {
      out += static_cast<char>(code_point);
    } else {
      out += "\\U";
      for (int shift = 28; shift >= 0; shift -= 4) out += hex[(code_point >> shift) & 0xF];
    }
  }
  return out + "\"";
}

}  // namespace svcsim::test_support
