// Reads the sections that describe the machine before the plan runs: knobs (the model's choices
// where Microsoft's documentation is silent), packages (the catalog) and targets (start states).
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cycle_finder.hpp"
#include "scenario_reader.hpp"
#include "svcsim/model/names_valid.hpp"
#include "svcsim/model/target_spec.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

namespace {

using namespace std::string_view_literals;

// The keys each mapping of these sections may hold (scenarios.md).
constexpr std::array knob_keys = {"missing_baseline_error"sv, "already_installed_exit"sv,
                                  "baseline_sees_pending"sv, "ssu_blocked_by_pending_reboot"sv,
                                  "remove_absent_error"sv,   "older_checkpoint"sv,
                                  "corrupt_store_adds"sv};
constexpr std::array package_keys = {
    "id"sv,       "kind"sv,        "file"sv,     "identity"sv,         "revision"sv,
    "baseline"sv, "bundled_ssu"sv, "ssu_min"sv,  "requires_ubr_min"sv, "target_build"sv,
    "applies_to"sv, "restart"sv,   "permanent"sv, "requires"sv,        "online_actions"sv,
    "defect"sv,   "regression"sv};
constexpr std::array defect_keys = {"at"sv, "code"sv, "probability"sv};
constexpr std::array regression_keys = {"probability"sv, "fixed_by"sv, "symptom"sv};
constexpr std::array target_keys = {"name"sv,        "kind"sv,       "build"sv,
                                    "ubr"sv,         "base_ubr"sv,   "base_build"sv,
                                    "ssu_version"sv, "installed"sv,  "superseded"sv,
                                    "install_pending"sv, "staged"sv, "flags"sv};
// The media folder holds setup files, not an image: no build, UBR, stack, flags, or records
// other than the installed Setup DUs (check_starting_records has the rule; these are its keys).
constexpr std::array media_target_keys = {"name"sv, "kind"sv, "installed"sv};

/// The message for a `kind:` or `applies_to:` entry that names no target kind. It lists the
/// four DISM kinds; `media` is offered only to a near miss, since the loader tests pin this
/// message as it was before the media kind.
std::string unknown_target_kind(std::string_view text) {
  std::vector<std::string_view> image_kinds;
  for (int kind = 0; kind < target_kind_count; ++kind) {
    if ((image_target_kinds & target_kind_bit(static_cast<TargetKind>(kind))) != 0) {
      image_kinds.push_back(target_kind_name(static_cast<TargetKind>(kind)));
    }
  }
  std::string message =
      "unknown target kind " + quote(text) + " (expected one of: " + join(image_kinds) + ")";
  const std::string_view media = target_kind_name(TargetKind::media);
  if (edit_distance(text, media) <= 2) {
    message += ", or did you mean '" + std::string(media) + "' (the media folder)?";
  }
  return message;
}

}  // namespace

// ---- knobs ----------------------------------------------------------------------------------

bool ScenarioReader::read_knobs(const Field& at, Knobs& knobs) {
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
  if (const Field* field = fields.get("older_checkpoint")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "applicable") {
      knobs.older_checkpoint = OlderCheckpoint::applicable;
    } else if (text == "not_applicable") {
      knobs.older_checkpoint = OlderCheckpoint::not_applicable;
    } else {
      return fail_at(*field, "older_checkpoint must be applicable or not_applicable, not " +
                                 quote(text));
    }
  }
  if (const Field* field = fields.get("corrupt_store_adds")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    if (text == "succeed") {
      knobs.corrupt_store_adds = CorruptStoreAdds::succeed;
    } else if (text == "fail") {
      knobs.corrupt_store_adds = CorruptStoreAdds::fail;
    } else {
      return fail_at(*field, "corrupt_store_adds must be succeed or fail, not " + quote(text));
    }
  }
  return true;
}

bool ScenarioReader::read_probability(const Field& field, double& probability) {
  std::string text;
  if (!read_scalar(field, text)) return false;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      !(value > 0.0 && value <= 1.0)) {
    return fail_at(field, "probability must be a number above 0 and at most 1 (the share of "
                          "devices that have it), not " + quote(text));
  }
  probability = value;
  return true;
}

bool ScenarioReader::read_defect(const Field& at, Defect& defect) {
  Fields fields;
  if (!read_mapping(at, defect_keys, fields)) return false;
  if (const Field* field = fields.get("at")) {
    std::string text;
    if (!read_scalar(*field, text)) return false;
    const auto where = parse_defect_at(text);
    if (!where) return fail_at(*field, "defect.at must be add or commit, not " + quote(text));
    defect.at = *where;
  }
  if (const Field* field = fields.get("code")) {
    if (!read_error_code(*field, defect.code)) return false;
  }
  if (const Field* field = fields.get("probability")) {
    if (!read_probability(*field, defect.probability)) return false;
  }
  return true;
}

bool ScenarioReader::read_regression(const Field& at, Regression& regression,
                                     std::vector<Field>& fixed_by_items) {
  Fields fields;
  if (!read_mapping(at, regression_keys, fields)) return false;
  if (const Field* field = fields.get("probability")) {
    if (!read_probability(*field, regression.probability)) return false;
  }
  if (const Field* field = fields.get("symptom")) {
    if (!read_string(*field, regression.symptom)) return false;
  }
  const Field* fixed_by = nullptr;
  if (!require(fields, at, "fixed_by", fixed_by, "a regression names the packages that fix it")) {
    return false;
  }
  // Resolved once every id is known, like requires.
  return read_list(*fixed_by, package_count_limit, fixed_by_items);
}

// ---- packages -------------------------------------------------------------------------------

bool ScenarioReader::read_package_id(const Field& field, const Catalog& catalog,
                                     PackageIndex& index) {
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

bool ScenarioReader::read_package(const Field& at, Package& package, YAML::Mark& id_mark,
                                  std::vector<Field>& requires_items,
                                  std::vector<Field>& fixed_by_items) {
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
  if (auto checked = check_identifier(id); !checked) {
    return fail_at(*id_field, "package id " + quote(id) + " is not valid: " + checked.error());
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
    if (auto checked = check_file_name(package.file); !checked) {
      return fail_at(*field, "file " + quote(package.file) +
                                 " is not a valid Windows file name: " + checked.error());
    }
  }
  if (const Field* field = fields.get("identity")) {
    if (!read_string(*field, package.identity)) return false;
    if (auto checked = check_identity(package.identity); !checked) {
      return fail_at(*field, "identity " + quote(package.identity) +
                                 " is not a valid CBS package identity: " + checked.error());
    }
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
      if (!target_kind) return fail_at(item, unknown_target_kind(text));
      const TargetKindSet bit = target_kind_bit(*target_kind);
      if ((package.applies_to & bit) != 0) {
        return fail_at(item, "target kind " + quote(text) + " is listed twice in applies_to");
      }
      package.applies_to = static_cast<TargetKindSet>(package.applies_to | bit);
    }
    if (auto checked = check_applies_to(package); !checked) return fail_at(*field, checked.error());
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
    if (auto checked = check_permanent(package); !checked) return fail_at(*field, checked.error());
  }
  if (const Field* field = fields.get("online_actions")) {
    if (!read_bool(*field, package.online_actions)) return false;
  }
  if (const Field* field = fields.get("requires")) {
    // Resolved once every id is known, since a package may require one listed after it.
    if (!read_list(*field, package_count_limit, requires_items)) return false;
  }
  if (const Field* field = fields.get("defect")) {
    Defect defect;
    if (!read_defect(*field, defect)) return false;
    package.defect = defect;
  }
  if (const Field* field = fields.get("regression")) {
    Regression regression;
    if (!read_regression(*field, regression, fixed_by_items)) return false;
    package.regression = std::move(regression);
  }
  return true;
}

bool ScenarioReader::read_packages(const Field& at, Catalog& catalog) {
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
  std::vector<std::vector<Field>> fixed_by_items(items.size());
  std::map<std::string, int, std::less<>> id_lines;
  std::size_t device_property_count = 0;
  for (std::size_t index = 0; index < items.size(); ++index) {
    Package package;
    YAML::Mark id_mark;
    if (!read_package(items[index], package, id_mark, requires_items[index],
                      fixed_by_items[index])) {
      return false;
    }
    device_property_count += (package.defect ? 1u : 0u) + (package.regression ? 1u : 0u);
    if (device_property_count > static_cast<std::size_t>(device_property_count_max)) {
      return fail_at(items[index], "too many defects and regressions: at most " +
                                       std::to_string(device_property_count_max) +
                                       " in a catalog (a device is a small bit set)");
    }
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
    for (const Field& item : fixed_by_items[index]) {
      PackageIndex fix = 0;
      if (!read_package_id(item, catalog, fix)) return false;
      if (fix == index) {
        return fail_at(item, "package " + quote(package.id) + " cannot fix its own regression");
      }
      std::vector<PackageIndex>& fixes = package.regression->fixed_by;
      if (std::find(fixes.begin(), fixes.end(), fix) != fixes.end()) {
        return fail_at(item, quote(catalog[fix].id) + " is listed twice in fixed_by");
      }
      fixes.push_back(fix);
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

bool ScenarioReader::read_flags(const Field& at, TargetSpec& target) {
  Fields fields;
  const auto names = enum_names<TargetFlag>(target_flag_count, target_flag_name);
  if (!read_mapping(at, names, fields)) return false;
  for (const auto& [name, field] : fields.entries()) {
    bool on = false;
    if (!read_bool(field, on)) return false;
    const auto flag = static_cast<TargetFlag>(
        std::find(names.begin(), names.end(), name) - names.begin());
    if (on) {
      if (auto checked = check_starting_flag(target.kind, flag); !checked) {
        return fail_at(field, checked.error());
      }
    }
    target.flags.set(flag, on);
  }
  // install_pending records set their flag (initial_state); a file that says the flag is off
  // contradicts itself, and silently overruling it would change a result.
  const TargetFlag implied = pending_flag(target.kind);
  if (!target.install_pending.empty() && !target.flags.has(implied)) {
    if (const Field* field = fields.get(target_flag_name(implied))) {
      return fail_at(*field, std::string(target_flag_name(implied)) +
                         " cannot be false while install_pending lists records: a pending "
                         "record sets it");
    }
  }
  return true;
}

bool ScenarioReader::read_target(const Field& at, const Scenario& scenario, TargetSpec& target) {
  Fields fields;
  if (!read_mapping(at, target_keys, fields)) return false;
  const Field* name = nullptr;
  const Field* kind = nullptr;
  if (!require(fields, at, "name", name) || !require(fields, at, "kind", kind)) return false;
  // A media target (a folder of setup files) has no build, UBR or servicing stack to declare.
  const bool media = kind->node.IsScalar() &&
                     parse_target_kind(kind->node.Scalar()) == TargetKind::media;
  const Field* build = nullptr;
  const Field* ubr = nullptr;
  const Field* ssu_version = nullptr;
  if (!media && (!require(fields, at, "build", build) || !require(fields, at, "ubr", ubr) ||
                 !require(fields, at, "ssu_version", ssu_version))) {
    return false;
  }
  if (!read_string(*name, target.name)) return false;
  if (auto checked = check_identifier(target.name); !checked) {
    return fail_at(*name, "target name " + quote(target.name) + " is not valid: " + checked.error());
  }
  std::string kind_text;
  if (!read_scalar(*kind, kind_text)) return false;
  const auto target_kind = parse_target_kind(kind_text);
  if (!target_kind) return fail_at(*kind, unknown_target_kind(kind_text));
  target.kind = *target_kind;
  if (media) {
    for (const auto& [key, field] : fields.entries()) {
      if (std::find(media_target_keys.begin(), media_target_keys.end(), key) !=
          media_target_keys.end()) {
        continue;
      }
      return fail_at_key(field, key + " does not apply to a media target (the media folder holds "
                                      "setup files, not an image; valid for media: " +
                                      join(media_target_keys, media_target_keys.size()) + ")");
    }
  } else if (!read_uint32(*build, target.build) || !read_uint32(*ubr, target.ubr) ||
             !read_uint32(*ssu_version, target.ssu_version)) {
    return false;
  }
  target.flags = default_starting_flags(target.kind);

  // Each record is checked as it is read (check_starting_record), so an error names the entry
  // that caused it; the rules themselves are the model's (target_spec.hpp).
  const Catalog& catalog = scenario.catalog;
  for (const StartingList list :
       {StartingList::installed, StartingList::superseded, StartingList::install_pending,
        StartingList::staged}) {
    const Field* field = fields.get(starting_list_name(list));
    if (field == nullptr) continue;
    std::vector<Field> items;
    if (!read_list(*field, package_count_limit, items)) return false;
    std::vector<PackageIndex>& records = starting_records(target, list);
    for (const Field& item : items) {
      PackageIndex index = 0;
      if (!read_package_id(item, catalog, index)) return false;
      records.push_back(index);
      if (auto checked = check_starting_record(catalog, target, list, records.size() - 1);
          !checked) {
        return fail_at(item, checked.error());
      }
    }
  }

  target.base_ubr = derive_base_ubr(catalog, target);
  if (const Field* field = fields.get("base_ubr")) {
    if (!read_uint32(*field, target.base_ubr)) return false;
  }
  if (const Field* field = fields.get("base_build")) {
    if (!read_uint32(*field, target.base_build)) return false;
  } else if (auto derived = derive_base_build(catalog, target)) {
    target.base_build = *derived;
  } else {
    const Field* ignored = nullptr;
    return require(fields, at, "base_build", ignored, derived.error());
  }

  if (const Field* field = fields.get("flags")) {
    if (!read_flags(*field, target)) return false;
  }
  return true;
}

bool ScenarioReader::read_targets(const Field& at, Scenario& scenario) {
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

    // The whole start, once more, as the model judges it: what was not caught at an entry (the
    // records together against ubr and build: the invariants) is reported at the target.
    if (auto checked = check_starting_records(scenario.catalog, target); !checked) {
      return fail_at(items[index], checked.error());
    }
    scenario.targets.push_back(std::move(target));
  }
  return true;
}
}  // namespace svcsim::scenario::detail
