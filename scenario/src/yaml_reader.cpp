// The generic half of the scenario loader: text helpers for messages and the YamlReader's
// readers of mappings, lists and scalars, each reporting the first error at its place.
#include "yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include "svcsim/model/utf8.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

namespace {

// Keeps the work per value small whatever the file holds (quote() keeps messages short).
constexpr std::size_t count_digits_max = 200;  // 64! has 90 digits

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char character) {
           return character >= '0' && character <= '9';
         });
}

// Built by construction, like every Field (yaml_reader.hpp says why).
Field child_field(const Field& parent, const YAML::Node& key, const YAML::Node& value,
                  const std::string& name) {
  const YAML::Mark key_mark = mark_or(key, parent.mark);
  return Field{value, parent.path.empty() ? clean(name) : parent.path + '.' + clean(name),
               clean(name), value.IsNull() ? key_mark : mark_or(value, key_mark), key_mark};
}

/// Thrown from inside the event parser to stop it at the first shape error.
struct ShapeError {
  YAML::Mark mark;
  std::string message;
};

/// Where a quoted scalar that starts at `start` (its opening quote) is closed, or npos. YAML's
/// rules: in double quotes a backslash escapes the next character; in single quotes '' is a
/// quote.
std::size_t closing_quote(const std::string& text, std::size_t start) {
  const char quote_character = text[start];
  for (std::size_t position = start + 1; position < text.size(); ++position) {
    const char character = text[position];
    if (quote_character == '"' && character == '\\') {
      ++position;
    } else if (character == quote_character) {
      if (quote_character == '\'' && position + 1 < text.size() && text[position + 1] == '\'') {
        ++position;
        continue;
      }
      return position;
    }
  }
  return std::string::npos;
}

/// Watches the parser's events: where each document starts, how deep the nesting goes, and
/// whether each quoted scalar is closed. Builds nothing.
class ShapeWatcher : public YAML::EventHandler {
 public:
  explicit ShapeWatcher(const std::string& text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    starts.push_back(mark);
    depth_ = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    if (mark.pos < 0) return;
    const auto start = static_cast<std::size_t>(mark.pos);
    if (start >= text_.size() || (text_[start] != '"' && text_[start] != '\'')) return;
    if (closing_quote(text_, start) == std::string::npos) {
      throw ShapeError{mark, std::string("invalid YAML: the quote ") + text_[start] +
                                 " opened here is never closed"};
    }
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

  std::vector<YAML::Mark> starts;

 private:
  void enter(const YAML::Mark& mark) {
    if (++depth_ > nesting_depth_max) {
      throw ShapeError{mark, "mappings and lists nest deeper than " +
                                 std::to_string(nesting_depth_max) +
                                 " levels here; a scenario needs at most 6"};
    }
  }

  const std::string& text_;
  int depth_ = 0;
};

}  // namespace

std::size_t edit_distance(std::string_view left, std::string_view right) {
  constexpr std::size_t length_max = 64;
  if (left.size() > length_max || right.size() > length_max) return length_max;
  std::vector<std::size_t> row(right.size() + 1);
  for (std::size_t column = 0; column <= right.size(); ++column) row[column] = column;
  for (std::size_t line = 1; line <= left.size(); ++line) {
    std::size_t diagonal = row[0];
    row[0] = line;
    for (std::size_t column = 1; column <= right.size(); ++column) {
      const std::size_t above = row[column];
      const std::size_t substitution = diagonal + (left[line - 1] == right[column - 1] ? 0 : 1);
      row[column] = std::min({above + 1, row[column - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[right.size()];
}

std::string lower_case(std::string_view text) {
  std::string result(text);
  for (char& character : result) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return result;
}

YAML::Mark mark_or(const YAML::Node& node, const YAML::Mark& fallback) {
  if (!node.IsDefined()) return fallback;
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? fallback : mark;
}

Field item_field(const Field& parent, const YAML::Node& value, std::size_t index) {
  const std::string suffix = '[' + std::to_string(index) + ']';
  const YAML::Mark mark = mark_or(value, parent.mark);
  return Field{value, parent.path + suffix, parent.label + suffix, mark, mark};
}

Field synthetic_field(const Field& place, const std::string& text, std::string label) {
  return Field{YAML::Node(text), place.path, std::move(label), place.mark, place.key_mark};
}

bool YamlReader::read_mapping(const Field& at, std::span<const std::string_view> allowed,
                              Fields& fields) {
  if (!at.node.IsMap()) {
    return fail_at(at, at.label + " must be a mapping of keys to values" +
                           (allowed.empty() ? std::string{} : " (" + join(allowed, allowed.size()) + ")"));
  }
  // yaml-cpp keeps every entry of a mapping, duplicates included, so duplicates are found here.
  std::map<std::string, int, std::less<>> first_line;
  for (auto iterator = at.node.begin(); iterator != at.node.end(); ++iterator) {
    // Copies, not references: the iterator's `->` yields a temporary pair.
    const YAML::Node key = iterator->first;
    const YAML::Node value = iterator->second;
    const YAML::Mark key_mark = mark_or(key, at.mark);
    if (!key.IsScalar()) {
      return fail(key_mark, at.path, "keys of " + at.label + " must be plain names");
    }
    const std::string& name = key.Scalar();
    Field field = child_field(at, key, value, name);
    // yaml-cpp 0.7 reads YAML 1.1's merge key as an ordinary key named "<<".
    if (name == "<<" && key.Tag() != "!") {
      return fail_at_key(field, "merge keys ('<<') are not supported; write the keys out in full");
    }
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = "unknown key " + quote(name);
      for (std::string_view candidate : allowed) {
        if (edit_distance(name, candidate) <= 2) {
          message += ", did you mean '" + std::string(candidate) + "'?";
          break;
        }
      }
      return fail_at_key(field, message + " (valid here: " + join(allowed, allowed.size()) + ")");
    }
    if (auto previous = first_line.find(name); previous != first_line.end()) {
      return fail_at_key(field, "duplicate key " + quote(name) + " (first given on line " +
                                    std::to_string(previous->second) + ")");
    }
    first_line.emplace(name, key_mark.line + 1);
    fields.add(name, std::move(field));
  }
  return true;
}

bool YamlReader::require(const Fields& fields, const Field& at, std::string_view name,
                         const Field*& field, std::string_view hint) {
  field = fields.get(name);
  if (field != nullptr) return true;
  const std::string path = at.path.empty() ? std::string(name) : at.path + '.' + std::string(name);
  std::string message = "missing required key '" + std::string(name) + "'";
  if (!hint.empty()) message += " (" + std::string(hint) + ")";
  return fail(at.mark, path, message);
}

bool YamlReader::read_list(const Field& at, std::size_t count_max, std::vector<Field>& items) {
  if (!at.node.IsSequence()) {
    return fail_at(at, at.label + " must be a list, e.g. [a, b] ([] for none)");
  }
  std::size_t index = 0;
  for (auto iterator = at.node.begin(); iterator != at.node.end(); ++iterator, ++index) {
    Field item = item_field(at, *iterator, index);
    if (index == count_max) {
      return fail_at(item, "too many entries in " + at.label + " (at most " +
                               std::to_string(count_max) + ")");
    }
    items.push_back(std::move(item));
  }
  return true;
}

bool YamlReader::read_scalar(const Field& field, std::string& text) {
  if (!field.node.IsScalar()) {
    const std::string what = field.node.IsNull()       ? "empty"
                             : field.node.IsSequence() ? "a list"
                                                       : "a mapping";
    return fail_at(field, field.label + " must be a single value, not " + what);
  }
  text = field.node.Scalar();
  return true;
}

bool YamlReader::read_string(const Field& field, std::string& text) {
  if (!read_scalar(field, text)) return false;
  if (trim(text).empty()) return fail_at(field, field.label + " must not be empty");
  return true;
}

bool YamlReader::read_uint32(const Field& field, std::uint32_t& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const std::string message =
      field.label + " must be a whole number from 0 to 4294967295, not " + quote(text);
  if (!is_digits(text)) return fail_at(field, message);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return fail_at(field, message);
  return true;
}

bool YamlReader::read_int32(const Field& field, std::int32_t& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const std::string message = field.label +
                              " must be a whole number from -2147483648 to 2147483647, not " +
                              quote(text);
  const std::string_view digits = !text.empty() && text[0] == '-' ? std::string_view(text).substr(1)
                                                                  : std::string_view(text);
  if (!is_digits(digits)) return fail_at(field, message);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return fail_at(field, message);
  return true;
}

bool YamlReader::read_small_int(const Field& field, int minimum, int maximum, int& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const std::string message = field.label + " must be a whole number from " +
                              std::to_string(minimum) + " to " + std::to_string(maximum) +
                              ", not " + quote(text);
  if (!is_digits(text)) return fail_at(field, message);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < minimum ||
      value > maximum) {
    return fail_at(field, message);
  }
  return true;
}

bool YamlReader::read_bool(const Field& field, bool& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  if (text == "true" || text == "True" || text == "TRUE") {
    value = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    value = false;
  } else {
    return fail_at(field, field.label + " must be true or false, not " + quote(text));
  }
  return true;
}

bool YamlReader::read_count(const Field& field, std::string& count) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  // Counts are exact and may exceed 64 bits (orders of 21 steps and more), so they stay decimal
  // text; only the canonical form (no leading zeros) is stored.
  if (!is_digits(text) || text.size() > count_digits_max) {
    return fail_at(field, field.label + " must be a whole number of at most " +
                              std::to_string(count_digits_max) + " digits, not " + quote(text));
  }
  const std::size_t first_nonzero = text.find_first_not_of('0');
  count = first_nonzero == std::string::npos ? "0" : text.substr(first_nonzero);
  return true;
}

bool check_text_encoding(const std::string& text, YamlReader& reader) {
  int line = 0;
  std::size_t line_start = 0;
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Char character = decode_utf8(text, offset);
    YAML::Mark mark;
    mark.pos = static_cast<int>(offset);
    mark.line = line;
    mark.column = static_cast<int>(offset - line_start);  // bytes, as yaml-cpp counts columns
    if (!character.valid) {
      return reader.fail(mark, "",
                         fmt::format("not UTF-8 text: byte 0x{:02X} starts no UTF-8 character "
                                     "(a scenario file is UTF-8 YAML)",
                                     static_cast<unsigned char>(text[offset])));
    }
    const char32_t code_point = character.code_point;
    const bool layout = code_point == '\t' || code_point == '\n' || code_point == '\r';
    const bool byte_order_mark = code_point == 0xFEFF && offset == 0;
    if (is_unsafe_code_point(code_point) && !layout && !byte_order_mark) {
      const bool control = code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
      return reader.fail(mark, "",
                         fmt::format("{} {} in the file (a scenario file is UTF-8 YAML text{})",
                                     control ? "control character" : "invisible character",
                                     code_point_name(code_point),
                                     control ? "; is this a binary file?" : ""));
    }
    offset += character.length;
    if (code_point == '\n') {
      ++line;
      line_start = offset;
    }
  }
  return true;
}

// YAML::LoadAll is not used: on some malformed input (a stray ',' at the start) yaml-cpp 0.7
// returns empty documents forever without consuming anything, so at most two documents are asked
// for here.
bool check_document_shape(const std::string& text, YamlReader& reader) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  ShapeWatcher starts(text);
  try {
    if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) return true;
  } catch (const ShapeError& error) {
    return reader.fail(error.mark, "", error.message);
  }
  SVCSIM_ASSERT(starts.starts.size() == 2);
  const YAML::Mark& first = starts.starts[0];
  const YAML::Mark& second = starts.starts[1];
  if (second.pos == first.pos) {
    const auto position = static_cast<std::size_t>(std::max(second.pos, 0));
    const std::string found = position < text.size() ? quote(text.substr(position, 1)) : "nothing";
    return reader.fail(second, "", "invalid YAML: unexpected " + found + " where a document starts");
  }
  return reader.fail(second, "", "a scenario file holds one YAML document, but another one starts here");
}

}  // namespace svcsim::scenario::detail
