// Loads scenario YAML files (scenarios.md) into a Scenario, checking every key and value so that a
// malformed file yields exactly one error with file, line, column and key path, never a crash.
#include "svcsim/model/scenario_loader.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/exception.hpp>
#include <boost/graph/topological_sort.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/invariants.hpp"

namespace svcsim::model {

std::string ScenarioError::to_string() const {
  // An error with no place (the file could not be read) has nothing to point at, so it reads
  // "FILE: MESSAGE" rather than carrying a meaningless ":0:0".
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  text += ": " + message;
  if (!key.empty()) text += " (" + key + ')';
  // The contract is one line per error; the loader already cleans what it quotes, this is the
  // last guard (a file name may contain anything).
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

namespace {

using namespace std::string_view_literals;

// Bounds on what a scenario may declare. Packages are bounded by the state's bit planes; the
// others keep every loop over user input short (a fuzzer's file must load in microseconds).
constexpr std::size_t package_count_limit = package_count_max;
constexpr std::size_t target_count_max = 64;
constexpr std::size_t step_count_max = 256;
constexpr std::size_t before_count_max = 1024;
constexpr std::size_t order_expectation_count_max = 1024;
constexpr int fault_count_budget_max = 8;
constexpr std::size_t count_digits_max = 200;  // 64! has 90 digits
constexpr std::size_t file_size_max = std::size_t{16} << 20;
constexpr std::size_t quoted_length_max = 40;
constexpr std::size_t listed_names_max = 12;

constexpr std::array top_level_keys = {"name"sv,    "source"sv, "knobs"sv,  "packages"sv,
                                       "targets"sv, "plan"sv,   "faults"sv, "expect"sv};
constexpr std::array knob_keys = {"missing_baseline_error"sv, "already_installed_exit"sv,
                                  "baseline_sees_pending"sv, "ssu_blocked_by_pending_reboot"sv,
                                  "remove_absent_error"sv};
constexpr std::array package_keys = {
    "id"sv,       "kind"sv,        "file"sv,     "identity"sv,         "revision"sv,
    "baseline"sv, "bundled_ssu"sv, "ssu_min"sv,  "requires_ubr_min"sv, "target_build"sv,
    "applies_to"sv, "restart"sv,   "permanent"sv, "requires"sv,        "online_actions"sv};
constexpr std::array target_keys = {"name"sv,        "kind"sv,      "build"sv,
                                    "ubr"sv,         "base_ubr"sv,  "base_build"sv,
                                    "ssu_version"sv, "installed"sv, "superseded"sv,
                                    "flags"sv};
constexpr std::array plan_keys = {"target"sv, "steps"sv,    "before"sv,
                                  "reboot"sv, "on_error"sv, "prevent_pending"sv};
constexpr std::array fault_keys = {"max"sv, "kinds"sv};
constexpr std::array expect_keys = {"documented_order"sv, "end_state"sv, "orders"sv,
                                    "explore"sv};
constexpr std::array end_state_keys = {"build"sv, "ubr"sv, "ssu_version"sv, "packages"sv};
constexpr std::array order_keys = {"order"sv, "class"sv, "first_error"sv, "end_state"sv};
constexpr std::array explore_keys = {"orders"sv, "classes"sv, "codes"sv, "runs"sv, "allow"sv};
constexpr std::array run_keys = {"faults"sv, "total"sv, "classes"sv, "codes"sv};

/// Replaces control characters so that user text can never break the one-line format.
std::string clean(std::string_view text) {
  std::string result(text);
  for (char& character : result) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7F) character = '?';
  }
  return result;
}

/// User text as it appears inside a message: cleaned, shortened, in single quotes.
std::string quote(std::string_view text) {
  const bool long_text = text.size() > quoted_length_max;
  std::string result = "'" + clean(text.substr(0, quoted_length_max));
  if (long_text) result += "...";
  return result + "'";
}

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

/// Levenshtein distance, bounded: long keys are never "close" to a valid one.
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

/// "an install_wim", "a boot_wim", "an ssu": a kind name with the article it is read with.
std::string with_article(std::string_view name) {
  const bool vowel_sound = name == "ssu" || (!name.empty() && std::string_view("aeiou").find(
                                                                  name.front()) != std::string_view::npos);
  return (vowel_sound ? "an " : "a ") + std::string(name);
}

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char character) {
           return character >= '0' && character <= '9';
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
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

/// A value in the document together with where it came from.
struct Field {
  YAML::Node node;      // the value
  std::string path;     // "packages[1].revision": the key path in messages
  std::string label;    // "revision", "requires[0]": what messages call the value
  YAML::Mark mark;      // where the value is (its key's place when the value is empty)
  YAML::Mark key_mark;  // where its key is (the value's own place for a list entry)
};

// Fields are always built by construction, never by assigning a YAML::Node: assignment writes
// through to the node it refers to, i.e. it would change the document.
Field child_field(const Field& parent, const YAML::Node& key, const YAML::Node& value,
                  const std::string& name) {
  const YAML::Mark key_mark = mark_or(key, parent.mark);
  return Field{value, parent.path.empty() ? clean(name) : parent.path + '.' + clean(name),
               clean(name), value.IsNull() ? key_mark : mark_or(value, key_mark), key_mark};
}

Field item_field(const Field& parent, const YAML::Node& value, std::size_t index) {
  const std::string suffix = '[' + std::to_string(index) + ']';
  const YAML::Mark mark = mark_or(value, parent.mark);
  return Field{value, parent.path + suffix, parent.label + suffix, mark, mark};
}

/// A value that is not itself a node of the document (a mapping key read as a value, the
/// argument of a step), reported at `place`.
Field synthetic_field(const Field& place, const std::string& text, std::string label) {
  return Field{YAML::Node(text), place.path, std::move(label), place.mark, place.key_mark};
}

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

/// A constraint edge for cycle detection, with the place that declared it.
struct Edge {
  std::size_t from = 0;
  std::size_t to = 0;
  const Field* declared = nullptr;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

/// Records the predecessor tree and the first back edge of a depth-first search: the back edge
/// closes a cycle, and the tree path from its target to its source is the rest of it.
class CycleRecorder : public boost::default_dfs_visitor {
 public:
  CycleRecorder(std::vector<std::size_t>* parent, std::optional<std::pair<std::size_t, std::size_t>>* back)
      : parent_(parent), back_(back) {}
  void tree_edge(Graph::edge_descriptor edge, const Graph& graph) const {
    (*parent_)[boost::target(edge, graph)] = boost::source(edge, graph);
  }
  void back_edge(Graph::edge_descriptor edge, const Graph& graph) const {
    if (!*back_) *back_ = std::pair{boost::source(edge, graph), boost::target(edge, graph)};
  }

 private:
  std::vector<std::size_t>* parent_;
  std::optional<std::pair<std::size_t, std::size_t>>* back_;
};

struct Cycle {
  std::vector<std::size_t> vertices;  // v0 -> v1 -> ... -> v0 (v0 repeated at the end)
  std::size_t closing_edge = 0;       // index into the edge list
};

/// A cycle among `edges` over `vertex_count` vertices, if there is one.
std::optional<Cycle> find_cycle(std::size_t vertex_count, const std::vector<Edge>& edges) {
  Graph graph(vertex_count);
  for (const Edge& edge : edges) boost::add_edge(edge.from, edge.to, graph);
  std::vector<Graph::vertex_descriptor> sorted;
  try {
    boost::topological_sort(graph, std::back_inserter(sorted));
    return std::nullopt;
  } catch (const boost::not_a_dag&) {
    // Fall through: name the cycle for the message.
  }
  std::vector<std::size_t> parent(vertex_count, vertex_count);
  std::optional<std::pair<std::size_t, std::size_t>> back;
  boost::depth_first_search(graph, boost::visitor(CycleRecorder(&parent, &back)));
  SVCSIM_ASSERT(back.has_value());
  const auto [source, target] = *back;

  Cycle cycle;
  std::vector<std::size_t> reversed{source};
  for (std::size_t vertex = source; vertex != target && reversed.size() <= vertex_count;) {
    vertex = parent[vertex];
    SVCSIM_ASSERT(vertex < vertex_count);
    reversed.push_back(vertex);
  }
  cycle.vertices.assign(reversed.rbegin(), reversed.rend());
  cycle.vertices.push_back(target);
  for (std::size_t index = 0; index < edges.size(); ++index) {
    if (edges[index].from == source && edges[index].to == target) {
      cycle.closing_edge = index;
      break;
    }
  }
  return cycle;
}

/// Checks a YAML document against scenarios.md and builds the Scenario. Every read_* function
/// returns false after recording the first error; nothing is thrown.
class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  bool load(const YAML::Node& root, Scenario& scenario);
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

 private:
  bool fail_at(const Field& field, const std::string& message) {
    return fail(field.mark, field.path, message);
  }
  bool fail_at_key(const Field& field, const std::string& message) {
    return fail(field.key_mark, field.path, message);
  }

  // Generic readers.
  bool read_mapping(const Field& at, std::span<const std::string_view> allowed, Fields& fields);
  bool read_list(const Field& at, std::size_t count_max, std::vector<Field>& items);
  bool read_scalar(const Field& field, std::string& text);
  bool read_string(const Field& field, std::string& text);
  bool read_uint32(const Field& field, std::uint32_t& value);
  bool read_int32(const Field& field, std::int32_t& value);
  bool read_bool(const Field& field, bool& value);
  bool read_small_int(const Field& field, int minimum, int maximum, int& value);
  bool read_count(const Field& field, std::string& count);
  bool read_package_id(const Field& field, const Catalog& catalog, PackageIndex& index);
  bool read_step(const Field& field, const Catalog& catalog, Operation& operation, std::string& text);
  bool read_error_code(const Field& field, ResultCode& code);
  bool read_class(const Field& field, OutcomeClass& outcome_class);
  bool require(const Fields& fields, const Field& at, std::string_view name, const Field*& field,
               std::string_view hint = {});

  // Sections of the file.
  bool read_knobs(const Field& at, Knobs& knobs);
  bool read_packages(const Field& at, Catalog& catalog);
  bool read_package(const Field& at, Package& package, YAML::Mark& id_mark,
                    std::vector<Field>& requires_items);
  bool read_targets(const Field& at, Scenario& scenario);
  bool read_target(const Field& at, const Scenario& scenario, TargetSpec& target);
  bool read_flags(const Field& at, TargetSpec& target);
  bool read_plan(const Field& at, Scenario& scenario);
  bool read_before(const Field& at, const Catalog& catalog, Plan& plan,
                   std::vector<Field>& pairs);
  bool read_faults(const Field* at, FaultBudget& faults);
  bool read_expect(const Field& at, const Scenario& scenario, Expectation& expect);
  bool read_end_state(const Field& at, const Catalog& catalog, EndStateExpectation& end_state);
  bool read_explore(const Field& at, const Scenario& scenario, ExploreExpectation& explore);
  bool read_run_counts(const Fields& fields, RunCountExpectation& run);

  std::string file_;
  std::optional<ScenarioError> error_;
};

bool Loader::read_mapping(const Field& at, std::span<const std::string_view> allowed,
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

bool Loader::require(const Fields& fields, const Field& at, std::string_view name,
                     const Field*& field, std::string_view hint) {
  field = fields.get(name);
  if (field != nullptr) return true;
  const std::string path = at.path.empty() ? std::string(name) : at.path + '.' + std::string(name);
  std::string message = "missing required key '" + std::string(name) + "'";
  if (!hint.empty()) message += " (" + std::string(hint) + ")";
  return fail(at.mark, path, message);
}

bool Loader::read_list(const Field& at, std::size_t count_max, std::vector<Field>& items) {
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

bool Loader::read_scalar(const Field& field, std::string& text) {
  if (!field.node.IsScalar()) {
    const std::string what = field.node.IsNull()       ? "empty"
                             : field.node.IsSequence() ? "a list"
                                                       : "a mapping";
    return fail_at(field, field.label + " must be a single value, not " + what);
  }
  text = field.node.Scalar();
  return true;
}

bool Loader::read_string(const Field& field, std::string& text) {
  if (!read_scalar(field, text)) return false;
  if (trim(text).empty()) return fail_at(field, field.label + " must not be empty");
  return true;
}

bool Loader::read_uint32(const Field& field, std::uint32_t& value) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const std::string message =
      field.label + " must be a whole number from 0 to 4294967295, not " + quote(text);
  if (!is_digits(text)) return fail_at(field, message);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return fail_at(field, message);
  return true;
}

bool Loader::read_int32(const Field& field, std::int32_t& value) {
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

bool Loader::read_small_int(const Field& field, int minimum, int maximum, int& value) {
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

bool Loader::read_bool(const Field& field, bool& value) {
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

bool Loader::read_count(const Field& field, std::string& count) {
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

bool Loader::read_package_id(const Field& field, const Catalog& catalog, PackageIndex& index) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const auto found = catalog.find(text);
  if (!found) {
    std::vector<std::string_view> ids;
    for (const Package& package : catalog.packages) ids.push_back(package.id);
    return fail_at(field, "unknown package " + quote(text) + " (known packages: " + join(ids) + ")");
  }
  index = *found;
  return true;
}

bool Loader::read_step(const Field& field, const Catalog& catalog, Operation& operation,
                       std::string& text) {
  std::string written;
  if (!read_scalar(field, written)) return false;
  text = std::string(trim(written));
  const auto parsed = parse_step(catalog, text);
  if (!parsed) {
    // Name the unknown package where the step has the shape of one, since that is the usual typo.
    for (std::string_view prefix : {"method1("sv, "remove("sv}) {
      if (text.size() > prefix.size() && text.compare(0, prefix.size(), prefix) == 0 &&
          text.back() == ')') {
        PackageIndex ignored = 0;
        const std::string argument(
            trim(std::string_view(text).substr(prefix.size(), text.size() - prefix.size() - 1)));
        if (!read_package_id(synthetic_field(field, argument, field.label), catalog, ignored)) {
          return false;
        }
      }
    }
    if (text.find_first_of("()") == std::string::npos && !text.empty()) {
      std::vector<std::string_view> ids;
      for (const Package& package : catalog.packages) ids.push_back(package.id);
      return fail_at(field, "unknown step " + quote(text) +
                                ": neither a package id nor a step keyword (known packages: " +
                                join(ids) + ")");
    }
    return fail_at(field, "unknown step " + quote(text) +
                              " (a step is a package id, method1(ID), remove(ID), reboot, cleanup, "
                              "cleanup(reset_base), revert_pending, mount, commit or discard)");
  }
  operation = *parsed;
  return true;
}

bool Loader::read_error_code(const Field& field, ResultCode& code) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const auto parsed = parse_result_code(text);
  if (!parsed || is_success(*parsed)) {
    std::vector<std::string> known;
    for (int value = 0; value < result_code_count; ++value) {
      const auto candidate = static_cast<ResultCode>(value);
      if (!is_success(candidate)) known.push_back(hresult_text(hresult(candidate)));
    }
    std::string message = field.label + " must be the HRESULT of a known error code, not " +
                          quote(text) + " (one of: ";
    for (std::size_t index = 0; index < known.size(); ++index) {
      message += (index > 0 ? ", " : "") + known[index];
    }
    return fail_at(field, message + ")");
  }
  code = *parsed;
  return true;
}

bool Loader::read_class(const Field& field, OutcomeClass& outcome_class) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  const auto parsed = parse_outcome_class(text);
  if (!parsed) {
    return fail_at(field, "unknown outcome class " + quote(text) + " (expected one of: " +
                              join(enum_names<OutcomeClass>(outcome_class_count,
                                                            outcome_class_name)) +
                              ")");
  }
  outcome_class = *parsed;
  return true;
}

// ---- knobs ----------------------------------------------------------------------------------

bool Loader::read_knobs(const Field& at, Knobs& knobs) {
  Fields fields;
  if (!read_mapping(at, knob_keys, fields)) return false;
  if (const Field* field = fields.get("missing_baseline_error")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    const auto code = parse_result_code(text);
    if (code != ResultCode::cbs_e_missing_prerequisite_baseline &&
        code != ResultCode::cbs_e_not_applicable) {
      return fail_at(*field, "missing_baseline_error must be 0x800F0838 or 0x800F081E, not " +
                                 quote(text));
    }
    knobs.missing_baseline_error = *code;
  }
  if (const Field* field = fields.get("already_installed_exit")) {
    if (!read_int32(*field, knobs.already_installed_exit)) return false;
  }
  if (const Field* field = fields.get("baseline_sees_pending")) {
    if (!read_bool(*field, knobs.baseline_sees_pending)) return false;
  }
  if (const Field* field = fields.get("ssu_blocked_by_pending_reboot")) {
    if (!read_bool(*field, knobs.ssu_blocked_by_pending_reboot)) return false;
  }
  if (const Field* field = fields.get("remove_absent_error")) {
    if (!read_error_code(*field, knobs.remove_absent_error)) return false;
  }
  return true;
}

// ---- packages -------------------------------------------------------------------------------

bool Loader::read_package(const Field& at, Package& package, YAML::Mark& id_mark,
                          std::vector<Field>& requires_items) {
  Fields fields;
  if (!read_mapping(at, package_keys, fields)) return false;
  const Field* id_field = nullptr;
  const Field* kind_field = nullptr;
  if (!require(fields, at, "id", id_field) || !require(fields, at, "kind", kind_field)) {
    return false;
  }

  std::string id;
  if (!read_string(*id_field, id)) return false;
  id_mark = id_field->mark;
  for (std::string_view keyword : step_keywords) {
    if (id == keyword) {
      return fail_at(*id_field, "package id " + quote(id) +
                                    " is a step keyword; steps could not tell them apart");
    }
  }
  if (std::any_of(id.begin(), id.end(), [](char character) {
        const auto byte = static_cast<unsigned char>(character);
        return character == '(' || character == ')' || character == ',' || byte <= 0x20 ||
               byte == 0x7F;
      })) {
    return fail_at(*id_field, "package id " + quote(id) +
                                  " must not contain '(', ')', ',' or whitespace");
  }

  std::string kind_text;
  if (!read_scalar(*kind_field, kind_text)) return false;
  const auto kind = parse_package_kind(kind_text);
  if (!kind) {
    return fail_at(*kind_field,
                   "unknown package kind " + quote(kind_text) + " (expected one of: " +
                       join(enum_names<PackageKind>(package_kind_count, package_kind_name)) + ")");
  }
  package = package_defaults(*kind);
  package.id = id;
  package.file = lower_case(id) + ".msu";
  package.identity = "Package_for_" + id + "~31bf3856ad364e35~amd64~~0.0.0.0";

  if (const Field* field = fields.get("file")) {
    if (!read_string(*field, package.file)) return false;
  }
  if (const Field* field = fields.get("identity")) {
    if (!read_string(*field, package.identity)) return false;
  }

  const std::string kind_name(package_kind_name(*kind));
  const bool needs_revision = *kind == PackageKind::ssu || is_cumulative(*kind);
  if (const Field* field = fields.get("revision")) {
    if (!read_uint32(*field, package.revision)) return false;
  } else if (needs_revision) {
    const Field* ignored = nullptr;
    return require(fields, at, "revision", ignored,
                   with_article(kind_name) + " needs the revision it brings");
  }

  // Fields that only one family of packages has: set on another kind they would be silently
  // ignored by the model, so they are errors.
  struct Restricted {
    std::string_view name;
    std::uint32_t* value;
    bool allowed;
    std::string_view which;
  };
  const std::array restricted = {
      Restricted{"baseline", &package.baseline, is_cumulative(*kind), "cu and checkpoint_cu"},
      Restricted{"bundled_ssu", &package.bundled_ssu, true, ""},
      Restricted{"ssu_min", &package.ssu_min, true, ""},
      Restricted{"requires_ubr_min", &package.requires_ubr_min,
                 *kind == PackageKind::enablement, "enablement"},
      Restricted{"target_build", &package.target_build, *kind == PackageKind::enablement,
                 "enablement"},
  };
  for (const Restricted& entry : restricted) {
    const Field* field = fields.get(entry.name);
    if (field == nullptr) continue;
    if (!entry.allowed) {
      return fail_at_key(*field, std::string(entry.name) + " applies only to " +
                                     std::string(entry.which) + " packages, not to " +
                                     with_article(kind_name));
    }
    if (!read_uint32(*field, *entry.value)) return false;
  }

  if (const Field* field = fields.get("applies_to")) {
    std::vector<Field> items;
    if (!read_list(*field, target_kind_count * 2, items)) return false;
    if (items.empty()) {
      return fail_at(*field, "applies_to must name at least one target kind (" +
                                 join(enum_names<TargetKind>(target_kind_count,
                                                             target_kind_name)) +
                                 ")");
    }
    package.applies_to = 0;
    for (const Field& item : items) {
      std::string text;
      if (!read_scalar(item, text)) return false;
      const auto target_kind = parse_target_kind(text);
      if (!target_kind) {
        return fail_at(item, "unknown target kind " + quote(text) + " (expected one of: " +
                                 join(enum_names<TargetKind>(target_kind_count,
                                                             target_kind_name)) +
                                 ")");
      }
      const TargetKindSet bit = target_kind_bit(*target_kind);
      if ((package.applies_to & bit) != 0) {
        return fail_at(item, "target kind " + quote(text) + " is listed twice in applies_to");
      }
      package.applies_to = static_cast<TargetKindSet>(package.applies_to | bit);
    }
  }
  if (const Field* field = fields.get("restart")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    const auto restart = parse_restart_type(text);
    if (!restart) {
      return fail_at(*field, "unknown restart type " + quote(text) +
                                 " (expected one of: no, possible, required)");
    }
    package.restart = *restart;
  }
  if (const Field* field = fields.get("permanent")) {
    if (!read_bool(*field, package.permanent)) return false;
    if (*kind == PackageKind::ssu && !package.permanent) {
      return fail_at(*field, "an ssu is always permanent; permanent: false is not possible");
    }
  }
  if (const Field* field = fields.get("online_actions")) {
    if (!read_bool(*field, package.online_actions)) return false;
  }
  if (const Field* field = fields.get("requires")) {
    // Resolved once every id is known, since a package may require one listed after it.
    if (!read_list(*field, package_count_limit, requires_items)) return false;
  }
  return true;
}

bool Loader::read_packages(const Field& at, Catalog& catalog) {
  if (at.node.IsSequence() && at.node.size() > package_count_limit) {
    auto extra = at.node.begin();
    std::advance(extra, package_count_limit);
    return fail_at(item_field(at, *extra, package_count_limit),
                   "too many packages: at most " + std::to_string(package_count_limit) +
                       " (the state keeps one bit per package)");
  }
  std::vector<Field> items;
  if (!read_list(at, package_count_limit, items)) return false;
  if (items.empty()) return fail_at(at, "packages must list at least one package");

  std::vector<std::vector<Field>> requires_items(items.size());
  std::map<std::string, int, std::less<>> id_lines;
  for (std::size_t index = 0; index < items.size(); ++index) {
    Package package;
    YAML::Mark id_mark;
    if (!read_package(items[index], package, id_mark, requires_items[index])) return false;
    if (auto previous = id_lines.find(package.id); previous != id_lines.end()) {
      return fail(id_mark, items[index].path + ".id",
                  "duplicate package id " + quote(package.id) + " (first defined on line " +
                      std::to_string(previous->second) + ")");
    }
    id_lines.emplace(package.id, id_mark.line + 1);
    catalog.packages.push_back(std::move(package));
  }

  std::vector<Edge> edges;
  for (std::size_t index = 0; index < items.size(); ++index) {
    Package& package = catalog.packages[index];
    for (const Field& item : requires_items[index]) {
      PackageIndex required = 0;
      if (!read_package_id(item, catalog, required)) return false;
      if (required == index) {
        return fail_at(item, "package " + quote(package.id) + " cannot require itself");
      }
      if (std::find(package.requires_packages.begin(), package.requires_packages.end(),
                    required) != package.requires_packages.end()) {
        return fail_at(item, quote(catalog[required].id) + " is listed twice in requires");
      }
      package.requires_packages.push_back(required);
      edges.push_back(Edge{index, required, &item});
    }
  }
  if (const auto cycle = find_cycle(catalog.size(), edges)) {
    std::string message = "requires form a cycle: ";
    for (std::size_t position = 0; position < cycle->vertices.size(); ++position) {
      if (position > 0) message += " requires ";
      message += catalog.packages[cycle->vertices[position]].id;
    }
    return fail_at(*edges[cycle->closing_edge].declared, message);
  }
  return true;
}

// ---- targets --------------------------------------------------------------------------------

bool Loader::read_flags(const Field& at, TargetSpec& target) {
  Fields fields;
  const auto names = enum_names<TargetFlag>(target_flag_count, target_flag_name);
  if (!read_mapping(at, names, fields)) return false;
  const bool offline = is_offline(target.kind);
  if (offline) target.flags.set(TargetFlag::mounted);  // an offline target starts mounted
  const std::string kind_name(target_kind_name(target.kind));
  for (const auto& [name, field] : fields.entries()) {
    bool on = false;
    if (!read_bool(field, on)) return false;
    const auto flag = static_cast<TargetFlag>(
        std::find(names.begin(), names.end(), name) - names.begin());
    if (on && !offline && flag == TargetFlag::mounted) {
      return fail_at(field, "mounted applies only to offline targets (install_wim, boot_wim, "
                            "winre_wim), not to an online target");
    }
    if (on && !offline && flag == TargetFlag::pending_online_actions) {
      return fail_at(field, "pending_online_actions applies only to offline targets; an online "
                            "target uses reboot_pending");
    }
    if (on && offline &&
        (flag == TargetFlag::reboot_pending || flag == TargetFlag::commit_interrupted)) {
      return fail_at(field, name + " applies only to online targets, not to " + with_article(kind_name) +
                                " (offline targets use pending_online_actions)");
    }
    target.flags.set(flag, on);
  }
  return true;
}

bool Loader::read_target(const Field& at, const Scenario& scenario, TargetSpec& target) {
  Fields fields;
  if (!read_mapping(at, target_keys, fields)) return false;
  const Field* name = nullptr;
  const Field* kind = nullptr;
  const Field* build = nullptr;
  const Field* ubr = nullptr;
  const Field* ssu_version = nullptr;
  if (!require(fields, at, "name", name) || !require(fields, at, "kind", kind) ||
      !require(fields, at, "build", build) || !require(fields, at, "ubr", ubr) ||
      !require(fields, at, "ssu_version", ssu_version)) {
    return false;
  }
  if (!read_string(*name, target.name)) return false;
  std::string kind_text;
  if (!read_scalar(*kind, kind_text)) return false;
  const auto target_kind = parse_target_kind(kind_text);
  if (!target_kind) {
    return fail_at(*kind, "unknown target kind " + quote(kind_text) + " (expected one of: " +
                              join(enum_names<TargetKind>(target_kind_count, target_kind_name)) +
                              ")");
  }
  target.kind = *target_kind;
  if (!read_uint32(*build, target.build) || !read_uint32(*ubr, target.ubr) ||
      !read_uint32(*ssu_version, target.ssu_version)) {
    return false;
  }

  const Catalog& catalog = scenario.catalog;
  const std::string kind_name(target_kind_name(target.kind));
  std::set<PackageIndex> listed;
  for (auto [list_name, list] : {std::pair{"installed"sv, &target.installed},
                                 std::pair{"superseded"sv, &target.superseded}}) {
    const Field* field = fields.get(list_name);
    if (field == nullptr) continue;
    std::vector<Field> items;
    if (!read_list(*field, package_count_limit, items)) return false;
    for (const Field& item : items) {
      PackageIndex index = 0;
      if (!read_package_id(item, catalog, index)) return false;
      const Package& package = catalog[index];
      if (!listed.insert(index).second) {
        return fail_at(item, quote(package.id) +
                                 " is listed twice in installed and superseded (a package has "
                                 "one state)");
      }
      if ((package.applies_to & target_kind_bit(target.kind)) == 0) {
        return fail_at(item, quote(package.id) + " (" +
                                 std::string(package_kind_name(package.kind)) +
                                 ") does not apply to " + with_article(kind_name) + " target");
      }
      if (list_name == "superseded" && !is_cumulative(package.kind)) {
        return fail_at(item, "only cu and checkpoint_cu packages can be superseded; " +
                                 quote(package.id) + " is " +
                                 with_article(package_kind_name(package.kind)));
      }
      list->push_back(index);
    }
  }

  // The base UBR is what the target reports with no CU record committed. Without a committed CU
  // that explains `ubr`, `ubr` itself is the base.
  const bool ubr_from_package =
      std::any_of(target.installed.begin(), target.installed.end(), [&](PackageIndex index) {
        return is_cumulative(catalog[index].kind) && catalog[index].revision >= target.ubr;
      });
  target.base_ubr = ubr_from_package ? 1 : target.ubr;
  if (const Field* field = fields.get("base_ubr")) {
    if (!read_uint32(*field, target.base_ubr)) return false;
  }
  target.base_build = target.build;
  if (const Field* field = fields.get("base_build")) {
    if (!read_uint32(*field, target.base_build)) return false;
  } else {
    for (PackageIndex index : target.installed) {
      if (catalog[index].kind == PackageKind::enablement) {
        const Field* ignored = nullptr;
        return require(fields, at, "base_build", ignored,
                       "enablement package " + quote(catalog[index].id) +
                           " is installed, so build is not the base build");
      }
    }
  }

  if (const Field* field = fields.get("flags")) {
    if (!read_flags(*field, target)) return false;
  } else if (is_offline(target.kind)) {
    target.flags.set(TargetFlag::mounted);
  }
  return true;
}

bool Loader::read_targets(const Field& at, Scenario& scenario) {
  std::vector<Field> items;
  if (!read_list(at, target_count_max, items)) return false;
  if (items.empty()) return fail_at(at, "targets must list at least one target");
  std::map<std::string, int, std::less<>> name_lines;
  for (std::size_t index = 0; index < items.size(); ++index) {
    TargetSpec target;
    if (!read_target(items[index], scenario, target)) return false;
    const YAML::Node name_node = items[index].node["name"];
    const YAML::Mark name_mark = mark_or(name_node, items[index].mark);
    if (auto previous = name_lines.find(target.name); previous != name_lines.end()) {
      return fail(name_mark, items[index].path + ".name",
                  "duplicate target name " + quote(target.name) + " (first defined on line " +
                      std::to_string(previous->second) + ")");
    }
    name_lines.emplace(target.name, name_mark.line + 1);
    scenario.targets.push_back(std::move(target));

    // The declared start must itself be a state the model can reach; a contradiction here would
    // otherwise surface as an invariant failure in the middle of an exploration.
    const ServicingContext context = make_context(scenario, index);
    const TargetState state = initial_state(scenario, index);
    const InvariantViolation violation = check_state(context, state);
    if (violation) {
      return fail_at(items[index], "the starting state is impossible: " +
                                       describe(context, state, violation));
    }
  }
  return true;
}

// ---- plan -----------------------------------------------------------------------------------

bool Loader::read_before(const Field& at, const Catalog& catalog, Plan& plan,
                         std::vector<Field>& pairs) {
  if (!read_list(at, before_count_max, pairs)) return false;
  // Steps are matched by what they do, so "method1( KB1 )" and "method1(KB1)" are one step. The
  // steps' operations are compared without /PreventPending, which is not part of a step's text.
  std::vector<Operation> step_operations;
  for (const PlanStep& step : plan.steps) {
    Operation operation = step.operation;
    operation.prevent_pending = false;
    step_operations.push_back(operation);
  }
  std::vector<Edge> edges;
  std::set<std::pair<std::size_t, std::size_t>> seen;
  for (const Field& pair : pairs) {
    if (!pair.node.IsSequence() || pair.node.size() != 2) {
      return fail_at(pair, pair.label + " must be a pair of step texts, e.g. [KB1, KB2]");
    }
    std::vector<Field> sides;
    if (!read_list(pair, 2, sides)) return false;
    std::array<std::vector<std::size_t>, 2> occurrences;
    std::array<Operation, 2> operations;
    std::array<std::string, 2> texts;
    for (std::size_t side = 0; side < 2; ++side) {
      if (!read_step(sides[side], catalog, operations[side], texts[side])) return false;
      for (std::size_t index = 0; index < step_operations.size(); ++index) {
        if (step_operations[index] == operations[side]) occurrences[side].push_back(index);
      }
      if (occurrences[side].empty()) {
        std::vector<std::string_view> steps;
        for (const PlanStep& step : plan.steps) steps.push_back(step.text);
        return fail_at(sides[side], quote(texts[side]) + " is not a step of the plan (steps: " +
                                        join(steps) + ")");
      }
    }
    if (operations[0] == operations[1]) {
      return fail_at(pair, "a step cannot come before itself: " + quote(texts[0]) + " before " +
                               quote(texts[1]));
    }
    // A step written twice in the plan gets the constraint at every occurrence.
    for (std::size_t first : occurrences[0]) {
      for (std::size_t second : occurrences[1]) {
        if (seen.insert({first, second}).second) {
          plan.before.emplace_back(first, second);
          edges.push_back(Edge{first, second, &pair});
        }
      }
    }
  }
  if (const auto cycle = find_cycle(plan.steps.size(), edges)) {
    std::string message = "order constraints form a cycle: ";
    for (std::size_t position = 0; position < cycle->vertices.size(); ++position) {
      if (position > 0) message += " before ";
      message += plan.steps[cycle->vertices[position]].text;
    }
    return fail_at(*edges[cycle->closing_edge].declared, message);
  }
  return true;
}

bool Loader::read_plan(const Field& at, Scenario& scenario) {
  Fields fields;
  if (!read_mapping(at, plan_keys, fields)) return false;
  Plan& plan = scenario.plan;

  std::vector<std::string_view> target_names;
  for (const TargetSpec& target : scenario.targets) target_names.push_back(target.name);
  if (const Field* field = fields.get("target")) {
    std::string name;
    if (!read_scalar(*field, name)) return false;
    const auto found = std::find(target_names.begin(), target_names.end(), name);
    if (found == target_names.end()) {
      return fail_at(*field, "unknown target " + quote(name) + " (targets: " +
                                 join(target_names) + ")");
    }
    plan.target = static_cast<std::size_t>(found - target_names.begin());
  } else if (scenario.targets.size() > 1) {
    const Field* ignored = nullptr;
    return require(fields, at, "target", ignored,
                   "there are " + std::to_string(scenario.targets.size()) +
                       " targets: " + join(target_names));
  }
  const TargetSpec& target = scenario.targets[plan.target];
  const std::string kind_name(target_kind_name(target.kind));

  if (const Field* field = fields.get("prevent_pending")) {
    if (!read_bool(*field, plan.prevent_pending)) return false;
  }

  const Field* steps_field = nullptr;
  if (!require(fields, at, "steps", steps_field)) return false;
  std::vector<Field> step_items;
  if (!read_list(*steps_field, step_count_max, step_items)) return false;
  if (step_items.empty()) {
    return fail_at(*steps_field, "steps must list at least one step (a package id, "
                                 "method1(ID), remove(ID), reboot, cleanup, ...)");
  }
  const Catalog& catalog = scenario.catalog;
  for (const Field& item : step_items) {
    PlanStep step;
    if (!read_step(item, catalog, step.operation, step.text)) return false;
    const OperationKind kind = step.operation.kind;
    if (kind == OperationKind::add_folder &&
        !is_cumulative(catalog[step.operation.package].kind)) {
      const Package& package = catalog[step.operation.package];
      return fail_at(item, "method1 needs a cu or checkpoint_cu, but " + quote(package.id) +
                               " is " + with_article(package_kind_name(package.kind)));
    }
    if (kind == OperationKind::reboot && is_offline(target.kind)) {
      return fail_at(item, "reboot is only for online targets; target " + quote(target.name) +
                               " is " + with_article(kind_name) + " (offline targets use mount, commit "
                               "and discard)");
    }
    if ((kind == OperationKind::mount || kind == OperationKind::commit ||
         kind == OperationKind::discard) &&
        !is_offline(target.kind)) {
      return fail_at(item, std::string(operation_kind_name(kind)) +
                               " is only for offline targets; target " + quote(target.name) +
                               " is online");
    }
    if (kind == OperationKind::add || kind == OperationKind::add_folder) {
      step.operation.prevent_pending = plan.prevent_pending;
    }
    plan.steps.push_back(std::move(step));
  }

  if (const Field* field = fields.get("before")) {
    std::vector<Field> pairs;
    if (!read_before(*field, catalog, plan, pairs)) return false;
  }
  if (const Field* field = fields.get("reboot")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "after_3010") {
      plan.reboot = RebootPolicy::after_3010;
    } else if (text == "at_end") {
      plan.reboot = RebootPolicy::at_end;
    } else {
      return fail_at(*field, "unknown reboot policy " + quote(text) +
                                 " (expected one of: after_3010, at_end)");
    }
  }
  if (const Field* field = fields.get("on_error")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "stop") {
      plan.on_error = ErrorPolicy::stop;
    } else if (text == "continue") {
      plan.on_error = ErrorPolicy::continue_on_error;
    } else {
      return fail_at(*field, "unknown error policy " + quote(text) +
                                 " (expected one of: stop, continue)");
    }
  }
  return true;
}

// ---- faults ---------------------------------------------------------------------------------

bool Loader::read_faults(const Field* at, FaultBudget& faults) {
  if (at == nullptr) return true;  // no faults: max 0, no kinds
  Fields fields;
  if (!read_mapping(*at, fault_keys, fields)) return false;
  const Field* max = nullptr;
  if (!require(fields, *at, "max", max)) return false;
  if (!read_small_int(*max, 0, fault_count_budget_max, faults.max)) return false;
  if (const Field* field = fields.get("kinds")) {
    std::vector<Field> items;
    if (!read_list(*field, fault_count, items)) return false;
    for (const Field& item : items) {
      std::string text;
      if (!read_scalar(item, text)) return false;
      const auto fault = parse_fault(text);
      if (!fault) {
        return fail_at(item, "unknown fault " + quote(text) + " (expected one of: " +
                                 join(enum_names<Fault>(fault_count, fault_name, 1)) + ")");
      }
      if ((faults.kinds & fault_bit(*fault)) != 0) {
        return fail_at(item, "fault " + quote(text) + " is listed twice in kinds");
      }
      faults.kinds = static_cast<FaultSet>(faults.kinds | fault_bit(*fault));
    }
  }
  if (faults.max > 0 && faults.kinds == 0) {
    return fail_at(*max, "faults.max is " + std::to_string(faults.max) +
                             " but no fault kinds are listed (add kinds: [...] or set max: 0)");
  }
  return true;
}

// ---- expect ---------------------------------------------------------------------------------

bool Loader::read_end_state(const Field& at, const Catalog& catalog,
                            EndStateExpectation& end_state) {
  Fields fields;
  if (!read_mapping(at, end_state_keys, fields)) return false;
  for (auto [name, value] : {std::pair{"build"sv, &end_state.build},
                             std::pair{"ubr"sv, &end_state.ubr},
                             std::pair{"ssu_version"sv, &end_state.ssu_version}}) {
    if (const Field* field = fields.get(name)) {
      std::uint32_t number = 0;
      if (!read_uint32(*field, number)) return false;
      *value = number;
    }
  }
  if (const Field* field = fields.get("packages")) {
    Fields packages;
    if (!read_mapping(*field, {}, packages)) return false;
    for (const auto& [id, state_field] : packages.entries()) {
      const auto index = catalog.find(id);
      if (!index) {
        std::vector<std::string_view> ids;
        for (const Package& package : catalog.packages) ids.push_back(package.id);
        return fail_at_key(state_field, "unknown package " + quote(id) + " (known packages: " +
                                            join(ids) + ")");
      }
      std::string text;
      if (!read_scalar(state_field, text)) return false;
      const auto state = parse_cbs_state(text);
      if (!state) {
        return fail_at(state_field, "unknown package state " + quote(text) + " (expected one of: " +
                                        join(enum_names<CbsState>(cbs_state_count,
                                                                  cbs_state_name)) +
                                        ")");
      }
      end_state.packages.emplace_back(*index, *state);
    }
  }
  return true;
}

bool Loader::read_run_counts(const Fields& fields, RunCountExpectation& run) {
  if (const Field* field = fields.get("total")) {
    std::string count;
    if (!read_count(*field, count)) return false;
    run.total = count;
  }
  if (const Field* field = fields.get("classes")) {
    Fields classes;
    if (!read_mapping(*field, {}, classes)) return false;
    for (const auto& [name, count_field] : classes.entries()) {
      const auto outcome_class = parse_outcome_class(name);
      if (!outcome_class) {
        return fail_at_key(count_field,
                           "unknown outcome class " + quote(name) + " (expected one of: " +
                               join(enum_names<OutcomeClass>(outcome_class_count,
                                                             outcome_class_name)) +
                               ")");
      }
      std::string count;
      if (!read_count(count_field, count)) return false;
      run.classes[*outcome_class] = count;
    }
  }
  if (const Field* field = fields.get("codes")) {
    Fields codes;
    if (!read_mapping(*field, {}, codes)) return false;
    for (const auto& [text, count_field] : codes.entries()) {
      ResultCode code{};
      Field key = synthetic_field(count_field, text, "a key of codes");
      key.mark = count_field.key_mark;
      if (!read_error_code(key, code)) return false;
      std::string count;
      if (!read_count(count_field, count)) return false;
      run.codes[hresult(code)] = count;
    }
  }
  return true;
}

bool Loader::read_explore(const Field& at, const Scenario& scenario,
                          ExploreExpectation& explore) {
  Fields fields;
  if (!read_mapping(at, explore_keys, fields)) return false;
  if (const Field* field = fields.get("orders")) {
    std::string count;
    if (!read_count(*field, count)) return false;
    explore.orders = count;
  }
  // `classes`/`codes` at the top of explore are the counts of fault-free runs.
  if (fields.get("classes") != nullptr || fields.get("codes") != nullptr) {
    RunCountExpectation run;
    if (!read_run_counts(fields, run)) return false;
    explore.runs.push_back(std::move(run));
  }
  if (const Field* field = fields.get("runs")) {
    std::vector<Field> items;
    if (!read_list(*field, fault_count_budget_max + 1, items)) return false;
    for (const Field& item : items) {
      Fields run_fields;
      if (!read_mapping(item, run_keys, run_fields)) return false;
      const Field* faults = nullptr;
      if (!require(run_fields, item, "faults", faults)) return false;
      RunCountExpectation run;
      if (!read_small_int(*faults, 0, fault_count_budget_max, run.faults)) return false;
      if (run.faults > scenario.faults.max) {
        return fail_at(*faults, "runs with " + std::to_string(run.faults) +
                                    " faults cannot happen: faults.max is " +
                                    std::to_string(scenario.faults.max));
      }
      for (const RunCountExpectation& other : explore.runs) {
        if (other.faults == run.faults) {
          return fail_at(*faults, "counts for runs with " + std::to_string(run.faults) +
                                      " faults are given twice" +
                                      (run.faults == 0 ? " (explore.classes/codes are the "
                                                         "counts for 0 faults)"
                                                       : ""));
        }
      }
      if (!read_run_counts(run_fields, run)) return false;
      explore.runs.push_back(std::move(run));
    }
  }
  if (const Field* field = fields.get("allow")) {
    std::vector<Field> items;
    if (!read_list(*field, outcome_class_count, items)) return false;
    explore.allow.clear();
    for (const Field& item : items) {
      OutcomeClass outcome_class{};
      if (!read_class(item, outcome_class)) return false;
      if (std::find(explore.allow.begin(), explore.allow.end(), outcome_class) !=
          explore.allow.end()) {
        return fail_at(item, "outcome class " + quote(outcome_class_name(outcome_class)) +
                                 " is listed twice in allow");
      }
      explore.allow.push_back(outcome_class);
    }
  }
  std::stable_sort(explore.runs.begin(), explore.runs.end(),
                   [](const RunCountExpectation& left, const RunCountExpectation& right) {
                     return left.faults < right.faults;
                   });
  return true;
}

bool Loader::read_expect(const Field& at, const Scenario& scenario, Expectation& expect) {
  Fields fields;
  if (!read_mapping(at, expect_keys, fields)) return false;
  if (const Field* field = fields.get("documented_order")) {
    OutcomeClass outcome_class{};
    if (!read_class(*field, outcome_class)) return false;
    expect.documented_order = outcome_class;
  }
  if (const Field* field = fields.get("end_state")) {
    if (!read_end_state(*field, scenario.catalog, expect.end_state)) return false;
  }
  if (const Field* field = fields.get("orders")) {
    std::vector<Field> items;
    if (!read_list(*field, order_expectation_count_max, items)) return false;
    for (const Field& item : items) {
      Fields order_fields;
      if (!read_mapping(item, order_keys, order_fields)) return false;
      const Field* order = nullptr;
      if (!require(order_fields, item, "order", order)) return false;
      OrderExpectation expectation;
      std::vector<Field> texts;
      if (!read_list(*order, step_count_max, texts)) return false;
      if (texts.empty()) return fail_at(*order, "order must list at least one step");
      for (const Field& text_field : texts) {
        Operation ignored;
        std::string text;
        if (!read_step(text_field, scenario.catalog, ignored, text)) return false;
        expectation.order.push_back(std::move(text));
      }
      if (const Field* class_field = order_fields.get("class")) {
        OutcomeClass outcome_class{};
        if (!read_class(*class_field, outcome_class)) return false;
        expectation.outcome_class = outcome_class;
      }
      if (const Field* error_field = order_fields.get("first_error")) {
        ResultCode code{};
        if (!read_error_code(*error_field, code)) return false;
        expectation.first_error = code;
      }
      if (const Field* end_field = order_fields.get("end_state")) {
        if (!read_end_state(*end_field, scenario.catalog, expectation.end_state)) return false;
      }
      expect.orders.push_back(std::move(expectation));
    }
  }
  if (const Field* field = fields.get("explore")) {
    if (!read_explore(*field, scenario, expect.explore)) return false;
  }
  return true;
}

// ---- the whole file -------------------------------------------------------------------------

bool Loader::load(const YAML::Node& root, Scenario& scenario) {
  const YAML::Mark start = mark_or(root, YAML::Mark());
  const Field top{root, "", "the scenario file", start, start};
  if (!root.IsMap()) {
    return fail_at(top, "a scenario file must be a mapping with the keys name, packages, "
                        "targets and plan (optional: source, knobs, faults, expect)");
  }
  Fields fields;
  if (!read_mapping(top, top_level_keys, fields)) return false;
  const Field* name = nullptr;
  const Field* packages = nullptr;
  const Field* targets = nullptr;
  const Field* plan = nullptr;
  if (!require(fields, top, "name", name) || !require(fields, top, "packages", packages) ||
      !require(fields, top, "targets", targets) || !require(fields, top, "plan", plan)) {
    return false;
  }
  if (!read_string(*name, scenario.name)) return false;
  if (const Field* field = fields.get("source")) {
    if (!read_scalar(*field, scenario.source)) return false;
  }
  if (const Field* field = fields.get("knobs")) {
    if (!read_knobs(*field, scenario.knobs)) return false;
  }
  return read_packages(*packages, scenario.catalog) && read_targets(*targets, scenario) &&
         read_plan(*plan, scenario) && read_faults(fields.get("faults"), scenario.faults) &&
         (fields.get("expect") == nullptr ||
          read_expect(*fields.get("expect"), scenario, scenario.expect));
}

/// Records where each document starts, nothing else: used to count documents without building
/// them.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> starts;
};

/// Checks that `text` holds at most one document. YAML::LoadAll is not used: on some malformed
/// input (a stray ',' at the start) yaml-cpp 0.7 returns empty documents forever without
/// consuming anything, so at most two documents are asked for here.
bool check_single_document(const std::string& text, Loader& loader) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) return true;
  SVCSIM_ASSERT(starts.starts.size() == 2);
  const YAML::Mark& first = starts.starts[0];
  const YAML::Mark& second = starts.starts[1];
  if (second.pos == first.pos) {
    const auto position = static_cast<std::size_t>(std::max(second.pos, 0));
    const std::string found = position < text.size() ? quote(text.substr(position, 1)) : "nothing";
    return loader.fail(second, "", "invalid YAML: unexpected " + found + " where a document starts");
  }
  return loader.fail(second, "", "a scenario file holds one YAML document, but another one starts here");
}

}  // namespace

Result<Scenario, ScenarioError> load_scenario_text(const std::string& text,
                                                   const std::string& path) {
  Loader loader(path);
  Scenario scenario;
  scenario.path = path;
  try {
    if (!check_single_document(text, loader)) return unexpected(loader.error());
    const YAML::Node root = YAML::Load(text);
    if (!loader.load(root, scenario)) return unexpected(loader.error());
  } catch (const YAML::Exception& exception) {
    // Syntax errors (and yaml-cpp's own depth limit) carry the place where parsing stopped.
    loader.fail(exception.mark, "", "invalid YAML: " + exception.msg);
    return unexpected(loader.error());
  }
  return scenario;
}

Result<Scenario, ScenarioError> load_scenario_file(const std::string& path) {
  ScenarioError error;
  error.file = path;
  std::FILE* stream = std::fopen(path.c_str(), "rb");
  if (stream == nullptr) {
    std::string reason = std::generic_category().message(errno);
    if (!reason.empty()) reason[0] = lower_case(reason.substr(0, 1))[0];
    error.message = "cannot read file: " + reason;
    return unexpected(std::move(error));
  }
  std::string text;
  std::array<char, 65536> buffer{};
  bool too_large = false;
  while (true) {
    const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), stream);
    text.append(buffer.data(), count);
    if (text.size() > file_size_max) {
      too_large = true;
      break;
    }
    if (count < buffer.size()) break;
  }
  const int read_errno = std::ferror(stream) != 0 ? errno : 0;
  std::fclose(stream);
  if (read_errno != 0) {
    std::string reason = std::generic_category().message(read_errno);
    if (!reason.empty()) reason[0] = lower_case(reason.substr(0, 1))[0];
    error.message = "cannot read file: " + reason;
    return unexpected(std::move(error));
  }
  if (too_large) {
    error.message = "cannot read file: larger than " + std::to_string(file_size_max >> 20) +
                    " MiB, which no scenario needs";
    return unexpected(std::move(error));
  }
  return load_scenario_text(text, path);
}

}  // namespace svcsim::model
