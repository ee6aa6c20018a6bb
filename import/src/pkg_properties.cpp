// The pkgProperties.txt parser (pkg_properties.hpp): decode, split lines, read Key="Value".
#include "svcsim/import/pkg_properties.hpp"

#include <fmt/format.h>

#include <set>

#include "svcsim/import/metadata.hpp"
#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import {
namespace {

/// Lines of one file; a real one has about fifteen.
constexpr std::size_t line_count_max = 10000;

/// A key as compared: lower case, no spaces ("applicabilityinfo").
std::string key_form(std::string_view key) {
  std::string out;
  for (char character : detail::lower_case(key)) {
    if (character != ' ') out += character;
  }
  return out;
}

Result<std::string, std::string> decode(std::string_view bytes) {
  const auto starts = [&bytes](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  std::optional<std::string> text;
  if (starts("\xFF\xFE")) {
    text = detail::utf16_to_utf8(bytes.substr(2), false);
  } else if (starts("\xFE\xFF")) {
    text = detail::utf16_to_utf8(bytes.substr(2), true);
  } else if (starts("\xEF\xBB\xBF")) {
    text = std::string(bytes.substr(3));
  } else if (bytes.size() >= 2 && bytes[0] != '\0' && bytes[1] == '\0') {
    // UTF-16LE without a byte-order mark: an ASCII first character followed by a zero byte.
    text = detail::utf16_to_utf8(bytes, false);
  } else {
    text = std::string(bytes);
  }
  if (!text) return unexpected(std::string("the file is not valid UTF-16 (odd length or unpaired surrogate)"));
  if (text->find('\0') != std::string::npos) {
    return unexpected(std::string("the file holds a NUL character (not text, or a mixed encoding)"));
  }
  return *std::move(text);
}

}  // namespace

std::optional<std::string> PkgProperties::find(std::string_view key) const {
  const std::string wanted = key_form(key);
  for (const auto& [name, value] : entries) {
    if (key_form(name) == wanted) return value;
  }
  return std::nullopt;
}

Result<PkgProperties, std::string> parse_pkg_properties(std::string_view bytes) {
  if (bytes.size() > metadata_bytes_max) {
    return unexpected(fmt::format("the file has {} bytes, more than the {} MiB a metadata file may have",
                                  bytes.size(), metadata_bytes_max >> 20));
  }
  auto text = decode(bytes);
  if (!text) return unexpected(text.error());

  PkgProperties properties;
  std::set<std::string> keys_seen;  // in key_form
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text->size()) {
    if (++line_number > line_count_max) {
      return unexpected(fmt::format("the file has more than {} lines", line_count_max));
    }
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string_view line = std::string_view(*text).substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    // Key="Value": the key ends at the first '="', the value at the last '"'.
    const std::size_t equals = line.find("=\"");
    if (equals == std::string_view::npos || equals == 0 || line.size() < equals + 3 ||
        line.back() != '"') {
      return unexpected(fmt::format("line {} is not Key=\"Value\": {}", line_number,
                                    detail::in_quotes(line)));
    }
    std::string key(line.substr(0, equals));
    std::string value(line.substr(equals + 2, line.size() - equals - 3));
    if (!keys_seen.insert(key_form(key)).second) {
      return unexpected(fmt::format("line {}: key {} is given twice", line_number, detail::in_quotes(key)));
    }
    properties.entries.emplace_back(std::move(key), std::move(value));
  }
  SVCSIM_ASSERT(line_number <= line_count_max);
  SVCSIM_ASSERT(properties.entries.size() <= line_number);
  return properties;
}

}  // namespace svcsim::import
