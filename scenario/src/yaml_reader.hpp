// Reads values out of a yaml-cpp document with a place attached to each, recording the first
// error as a one-line ScenarioError (file, line, column, key path) instead of throwing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/model/text.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

// Messages list at most this many names, so that a long catalog cannot make a message huge.
inline constexpr std::size_t listed_names_max = 12;

// clean(), quote() and with_article() come from text.hpp: the model's rules use them too.

/// Levenshtein distance, bounded: long names are never "close" to a valid one.
std::size_t edit_distance(std::string_view left, std::string_view right);

/// "a, b, c" from a list of names (at most listed_names_max, then "...").
template <typename Names>
std::string join(const Names& names, std::size_t count_max = listed_names_max) {
  std::string result;
  std::size_t count = 0;
  for (const auto& name : names) {
    if (count == count_max) return result + ", ...";
    if (count > 0) result += ", ";
    result += std::string_view(name);
    ++count;
  }
  return result;
}

/// Names of an enum, from its name function, in enumerator order starting at `first`.
template <typename Enum, typename NameOf>
std::vector<std::string_view> enum_names(int count, NameOf name_of, int first = 0) {
  std::vector<std::string_view> names;
  for (int value = first; value < count; ++value) names.push_back(name_of(static_cast<Enum>(value)));
  return names;
}

std::string lower_case(std::string_view text);

YAML::Mark mark_or(const YAML::Node& node, const YAML::Mark& fallback);

/// A value in the document together with where it came from.
struct Field {
  YAML::Node node;      // the value
  std::string path;     // "packages[1].revision": the key path in messages
  std::string label;    // "revision", "requires[0]": what messages call the value
  YAML::Mark mark;      // where the value is (its key's place when the value is empty)
  YAML::Mark key_mark;  // where its key is (the value's own place for a list entry)
};

// Fields are always built by construction (these functions), never by assigning a YAML::Node:
// assignment writes through to the node it refers to, i.e. it would change the document.
Field item_field(const Field& parent, const YAML::Node& value, std::size_t index);

/// A value that is not itself a node of the document (a mapping key read as a value, the
/// argument of a step), reported at `place`.
Field synthetic_field(const Field& place, const std::string& text, std::string label);

/// The entries of one mapping, by key, in document order.
class Fields {
 public:
  void add(std::string name, Field field) { entries_.emplace_back(std::move(name), std::move(field)); }
  const Field* get(std::string_view name) const {
    for (const auto& [entry_name, field] : entries_) {
      if (entry_name == name) return &field;
    }
    return nullptr;
  }
  const std::vector<std::pair<std::string, Field>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, Field>> entries_;
};

/// Reads the generic shapes of a document (mappings with known keys, lists, scalars, numbers,
/// booleans). Every read_* function returns false after recording the first error; nothing is
/// thrown. Readers of a particular format derive from it.
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  ScenarioError error() const {
    SVCSIM_ASSERT(error_.has_value());
    return *error_;
  }

  bool fail(const YAML::Mark& mark, const std::string& key, const std::string& message) {
    if (!error_) {
      ScenarioError error;
      error.file = file_;
      error.line = std::max(mark.line, 0) + 1;
      error.column = std::max(mark.column, 0) + 1;
      error.key = clean(key);
      error.message = clean(message);
      error_ = std::move(error);
    }
    return false;
  }

 protected:
  bool fail_at(const Field& field, const std::string& message) {
    return fail(field.mark, field.path, message);
  }
  bool fail_at_key(const Field& field, const std::string& message) {
    return fail(field.key_mark, field.path, message);
  }

  /// Reads a mapping whose keys are all in `allowed` (any key when it is empty), each at most
  /// once; an unknown key is reported with the closest valid one.
  bool read_mapping(const Field& at, std::span<const std::string_view> allowed, Fields& fields);
  bool read_list(const Field& at, std::size_t count_max, std::vector<Field>& items);
  bool read_scalar(const Field& field, std::string& text);
  bool read_string(const Field& field, std::string& text);
  bool read_uint32(const Field& field, std::uint32_t& value);
  bool read_int32(const Field& field, std::int32_t& value);
  bool read_bool(const Field& field, bool& value);
  bool read_small_int(const Field& field, int minimum, int maximum, int& value);
  /// A count that may exceed 64 bits, as canonical decimal text.
  bool read_count(const Field& field, std::string& count);
  bool require(const Fields& fields, const Field& at, std::string_view name, const Field*& field,
               std::string_view hint = {});

 private:
  std::string file_;
  std::optional<ScenarioError> error_;
};

/// How deep mappings and lists may nest. The deepest place a scenario uses is
/// expect.orders[i].end_state.packages (6 levels); yaml-cpp's own guard only says "bad file".
inline constexpr int nesting_depth_max = 32;

/// Checks the raw bytes before any YAML parsing: well-formed UTF-8 and no control or invisible
/// character except tab, line feed and carriage return (a byte order mark may open the file).
/// A binary file or a file in another encoding is reported at its first offending byte.
bool check_text_encoding(const std::string& text, YamlReader& reader);

/// Checks the document's shape as the parser sees it, before building it: at most one document,
/// nesting at most nesting_depth_max deep, and every quoted scalar closed (yaml-cpp 0.7 lets an
/// unclosed quote run to the end of the file, which then lacks every key after it).
bool check_document_shape(const std::string& text, YamlReader& reader);

}  // namespace svcsim::scenario::detail
