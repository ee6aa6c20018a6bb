// The DISM output parsers. Each walks its input line by line, at most once, and keeps at most
// what the input holds: a fuzz target runs each (fuzz/dism_console_parser_fuzzer.cpp,
// fuzz/get_packages_parser_fuzzer.cpp).
#include "svcsim/adapter/dism_parse.hpp"

#include <array>
#include <charconv>
#include <limits>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/utf8.hpp"

namespace svcsim::adapter {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t index = 0; index < prefix.size(); ++index) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(text[index]) != lower(prefix[index])) return false;
  }
  return true;
}


/// UTF-16LE is recognised by its byte-order mark, or by the shape of ASCII text in it: zero
/// bytes at odd offsets of the first (up to 64) bytes and none at even ones.
bool looks_utf16le(std::string_view bytes) {
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xFE) {
    return true;
  }
  const std::size_t probe = std::min<std::size_t>(bytes.size() & ~std::size_t{1}, 64);
  if (probe < 4) return false;
  for (std::size_t index = 0; index < probe; index += 2) {
    if (bytes[index] == '\0' || bytes[index + 1] != '\0') return false;
  }
  return true;
}

std::string utf16le_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() / 2);
  std::size_t offset = 0;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
      static_cast<unsigned char>(bytes[1]) == 0xFE) {
    offset = 2;
  }
  const auto unit_at = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
  };
  while (offset + 1 < bytes.size()) {
    const std::uint32_t unit = unit_at(offset);
    offset += 2;
    if (unit >= 0xD800 && unit <= 0xDBFF && offset + 1 < bytes.size()) {
      const std::uint32_t low = unit_at(offset);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        offset += 2;
        model::append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        continue;
      }
    }
    model::append_utf8(out, unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit);
  }
  if (offset < bytes.size()) model::append_utf8(out, 0xFFFD);  // half a code unit: output was cut
  return out;
}

/// Splits at LF (input already decoded).
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text, int base = 10) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// "10.0.26100.8117" after "Image Version:".
void read_image_version(std::string_view line, std::optional<std::uint32_t>& build,
                        std::optional<std::uint32_t>& ubr) {
  std::string_view rest = trim(line.substr(line.find(':') + 1));
  std::array<std::optional<std::uint32_t>, 4> parts;
  for (std::size_t part = 0; part < 4; ++part) {
    const std::size_t dot = rest.find('.');
    parts[part] = parse_number<std::uint32_t>(part == 3 ? rest : rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (parts[2] && parts[3]) {
    build = parts[2];
    ubr = parts[3];
  }
}

constexpr std::string_view exit_code_prefix = "svcsim-exit-code:";

}  // namespace

std::string decode_console(std::string_view bytes) {
  std::string text;
  if (looks_utf16le(bytes)) {
    text = utf16le_to_utf8(bytes);
  } else {
    text.assign(bytes);
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t index = 0; index < text.size(); ++index) {
    if (text[index] == '\r') {
      out += '\n';
      if (index + 1 < text.size() && text[index + 1] == '\n') ++index;
    } else {
      out += text[index];
    }
  }
  return out;
}

std::optional<std::uint32_t> exit_code_hresult(std::int64_t code) {
  if (code < std::numeric_limits<std::int32_t>::min() ||
      code > std::numeric_limits<std::uint32_t>::max()) {
    return std::nullopt;
  }
  if (code < 0) return static_cast<std::uint32_t>(static_cast<std::int32_t>(code));
  const auto value = static_cast<std::uint32_t>(code);
  // A Win32 code is below 0x10000; the rest are HRESULTs read unsigned (or a success HRESULT
  // such as WU_S_ALREADY_INSTALLED, 0x00240006).
  if (value == 0 || value >= 0x10000) return value;
  return 0x80070000u | value;
}

std::optional<std::uint32_t> exit_code_hresult(std::string_view text) {
  text = trim(text);
  const auto number = parse_number<std::int64_t>(text);
  if (!number) return std::nullopt;
  return exit_code_hresult(*number);
}

ConsoleReport parse_console(std::string_view text) {
  ConsoleReport report;
  const std::vector<std::string_view> lines = split_lines(text);
  bool after_error = false;
  for (std::string_view raw : lines) {
    const std::string_view line = trim(raw);
    if (starts_with_nocase(line, exit_code_prefix)) {
      report.exit_code_line = parse_number<std::int64_t>(trim(line.substr(exit_code_prefix.size())));
      continue;
    }
    if (starts_with_nocase(line, "Image Version:")) {
      read_image_version(line, report.image_build, report.image_ubr);
    } else if (line == "The operation completed successfully.") {
      report.completed = true;
    } else if (line == "Restart Windows to complete this operation.") {
      report.restart_required = true;
    } else if (starts_with_nocase(line, "Error:") && !report.error_hresult) {
      const std::string_view number = trim(line.substr(6));
      report.error_text = std::string(number);
      if (starts_with_nocase(number, "0x")) {
        report.error_hresult = parse_number<std::uint32_t>(number.substr(2), 16);
      } else if (const auto win32 = parse_number<std::uint32_t>(number); win32 && *win32 < 0x10000) {
        report.error_hresult = 0x80070000u | *win32;
      }
      after_error = report.error_hresult.has_value();
    } else if (after_error && !line.empty() && !starts_with_nocase(line, "The DISM log file")) {
      report.messages.emplace_back(line);
    }
  }
  report.truncated = !report.completed && !report.error_hresult;
  return report;
}

Result<PackageListing, ParseError> parse_get_packages(std::string_view text) {
  PackageListing listing;
  const std::vector<std::string_view> lines = split_lines(text);
  bool in_listing = false;
  bool completed = false;
  ListedPackage current;
  int fields_seen = 0;  // of the current List record
  const auto finish_record = [&] {
    if (fields_seen == 0) return;
    if (current.identity.empty() || fields_seen < 4) listing.truncated = true;
    if (!current.identity.empty()) listing.packages.push_back(current);
    current = ListedPackage{};
    fields_seen = 0;
  };
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const int line_number = static_cast<int>(index) + 1;
    const std::string_view line = trim(lines[index]);
    if (starts_with_nocase(line, exit_code_prefix)) continue;
    if (starts_with_nocase(line, "Image Version:")) {
      read_image_version(line, listing.image_build, listing.image_ubr);
      continue;
    }
    if (starts_with_nocase(line, "Error:")) {
      return unexpected(ParseError{line_number, "DISM reported an error instead of a listing: " + std::string(line)});
    }
    if (line == "The operation completed successfully.") {
      finish_record();
      completed = true;
      break;
    }
    if (starts_with_nocase(line, "Packages listing:")) {
      in_listing = true;
      continue;
    }
    if (!in_listing || line.empty()) {
      if (in_listing) finish_record();
      continue;
    }
    if (line.find('|') != std::string_view::npos || line.find_first_not_of("- |") == std::string_view::npos) {
      // Table form: skip the dashed lines and the heading, split rows at '|'.
      listing.table = true;
      if (line.find_first_not_of("- |") == std::string_view::npos) continue;
      std::vector<std::string_view> cells;
      std::string_view rest = line;
      for (int cell = 0; cell < 4; ++cell) {
        const std::size_t bar = rest.find('|');
        cells.push_back(trim(rest.substr(0, bar)));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
      if (cells[0] == "Package Identity") continue;
      if (cells.size() < 4) {
        listing.truncated = true;
        if (!cells[0].empty()) listing.packages.push_back({std::string(cells[0]), {}, {}, {}});
        continue;
      }
      listing.packages.push_back({std::string(cells[0]), std::string(cells[1]),
                                  std::string(cells[2]), std::string(cells[3])});
      continue;
    }
    const std::size_t colon = line.find(" : ");
    const std::size_t bare = line.size() >= 2 && line.substr(line.size() - 2) == " :" ? line.size() - 2
                                                                                       : std::string_view::npos;
    const std::size_t split = colon != std::string_view::npos ? colon : bare;
    if (split == std::string_view::npos) {
      return unexpected(ParseError{line_number, "neither a 'Label : value' line nor a table row: " +
                                         std::string(line.substr(0, 80))});
    }
    const std::string_view label = trim(line.substr(0, split));
    const std::string_view value =
        split + 3 <= line.size() ? trim(line.substr(split + 3)) : std::string_view{};
    if (label == "Package Identity") {
      finish_record();
      current.identity = std::string(value);
    } else if (label == "State") {
      current.state = std::string(value);
    } else if (label == "Release Type") {
      current.release_type = std::string(value);
    } else if (label == "Install Time") {
      current.install_time = std::string(value);
    } else {
      continue;  // a label DISM may add in a later version: not ours to judge
    }
    ++fields_seen;
  }
  if (!completed) {
    finish_record();
    listing.truncated = true;
  }
  SVCSIM_ASSERT(fields_seen == 0);
  return listing;
}

}  // namespace svcsim::adapter
