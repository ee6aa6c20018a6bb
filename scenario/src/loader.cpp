// Loads scenario YAML files (scenarios.md) into a Scenario, checking every key and value so that a
// malformed file yields exactly one error with file, line, column and key path, never a crash.
// The format's readers are in scenario_*_reader.cpp; this file holds the entry points.
#include "svcsim/scenario/loader.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "scenario_reader.hpp"
#include "svcsim/model/names_valid.hpp"

namespace svcsim::scenario {

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

namespace detail {

namespace {

using namespace std::string_view_literals;

constexpr std::array top_level_keys = {"name"sv,    "source"sv, "knobs"sv,  "packages"sv,
                                       "targets"sv, "plan"sv,   "faults"sv, "expect"sv};

}  // namespace

// ---- the whole file -------------------------------------------------------------------------

bool ScenarioReader::load(const YAML::Node& root, Scenario& scenario) {
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
  if (auto checked = check_text(scenario.name, TextLines::one, scenario_name_length_max);
      !checked) {
    return fail_at(*name, "name " + quote(scenario.name) + " is not valid: " + checked.error());
  }
  if (const Field* field = fields.get("source")) {
    if (!read_scalar(*field, scenario.source)) return false;
    if (auto checked = check_text(scenario.source, TextLines::many, source_length_max);
        !checked) {
      return fail_at(*field, "source is not valid: " + checked.error());
    }
  }
  if (const Field* field = fields.get("knobs")) {
    if (!read_knobs(*field, scenario.knobs)) return false;
  }
  return read_packages(*packages, scenario.catalog) && read_targets(*targets, scenario) &&
         read_plan(*plan, scenario) && read_faults(fields.get("faults"), scenario.catalog, scenario.faults) &&
         (fields.get("expect") == nullptr ||
          read_expect(*fields.get("expect"), scenario, scenario.expect));
}

}  // namespace detail

Result<Scenario, ScenarioError> load_scenario_text(const std::string& text,
                                                   const std::string& path) {
  detail::ScenarioReader loader(path);
  Scenario scenario;
  scenario.path = path;
  try {
    if (!detail::check_text_encoding(text, loader) || !detail::check_document_shape(text, loader)) {
      return unexpected(loader.error());
    }
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
    if (!reason.empty()) reason[0] = detail::lower_case(reason.substr(0, 1))[0];
    error.message = "cannot read file: " + reason;
    return unexpected(std::move(error));
  }
  std::string text;
  std::array<char, 65536> buffer{};
  bool too_large = false;
  while (true) {
    const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), stream);
    text.append(buffer.data(), count);
    if (text.size() > detail::file_size_max) {
      too_large = true;
      break;
    }
    if (count < buffer.size()) break;
  }
  const int read_errno = std::ferror(stream) != 0 ? errno : 0;
  std::fclose(stream);
  if (read_errno != 0) {
    std::string reason = std::generic_category().message(read_errno);
    if (!reason.empty()) reason[0] = detail::lower_case(reason.substr(0, 1))[0];
    error.message = "cannot read file: " + reason;
    return unexpected(std::move(error));
  }
  if (too_large) {
    error.message = "cannot read file: larger than " + std::to_string(detail::file_size_max >> 20) +
                    " MiB, which no scenario needs";
    return unexpected(std::move(error));
  }
  return load_scenario_text(text, path);
}

}  // namespace svcsim::scenario
