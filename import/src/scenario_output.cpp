// Writes an import as a scenario file (scenario_output.hpp). This is the one file of the
// importer that knows the scenario format's types (Scenario, Plan, the loader and the writer);
// the catalog entries and the target use the model's own types and rules.
#include "svcsim/import/scenario_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/writer.hpp"
#include "svcsim/model/target_spec.hpp"
#include "text.hpp"

namespace svcsim::import {
namespace {

/// The fault kinds of scenarios.md's example: the two add faults and two reboot faults that
/// every servicing chain meets.
constexpr model::FaultSet default_fault_kinds =
    model::fault_bit(model::Fault::execute_failure) |
    model::fault_bit(model::Fault::power_loss_staging) |
    model::fault_bit(model::Fault::startup_failure) |
    model::fault_bit(model::Fault::commit_interrupted);

/// A YAML double-quoted scalar, valid whatever the text holds.
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (character == '"' || character == '\\') {
      out += '\\';
      out += character;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += character;
    }
  }
  return out + "\"";
}

/// A comment line's text: printable, one line, never ending a YAML scalar early.
std::string comment(std::string_view text) { return detail::printable(text, 400); }

std::string_view target_name(model::TargetKind kind) {
  switch (kind) {
    case model::TargetKind::online: return "device";
    case model::TargetKind::install_wim: return "install";
    case model::TargetKind::boot_wim: return "boot";
    case model::TargetKind::winre_wim: return "winre";
    case model::TargetKind::media: return "media";
  }
  return "target";
}

/// The comment on a field: the innermost file it came from and the attribute ("LCUCompDB_KB5086672.xml:
/// CompDB/@TargetOSVersion \"10.0.26100.8117\""); the package's header lists the full paths.
std::string origin_of_field(const ImportedUpdate& update, std::string_view field) {
  for (const FieldSource& source : update.sources) {
    if (source.field != field) continue;
    if (source.document.empty()) return source.attribute;
    const std::size_t separator = source.document.rfind(" > ");
    const std::string innermost = separator == std::string::npos
                                      ? source.document
                                      : source.document.substr(separator + 3);
    return innermost + ": " + source.attribute;
  }
  SVCSIM_ASSERT_MSG(false, "a field was set without its origin");
  return "";
}

std::string file_list(const ImportResult& imported) {
  std::string files;
  for (const ImportedUpdate& update : imported.updates) {
    files += (files.empty() ? "" : ", ") + update.package.file;
  }
  return files;
}

scenario::Scenario build_scenario(const ImportResult& imported, const ScenarioOptions& options) {
  scenario::Scenario scenario;
  scenario.name = fmt::format("Imported from {} .msu file{}", imported.updates.size(),
                              imported.updates.size() == 1 ? "" : "s");
  scenario.source = "svcsim import of " + file_list(imported);
  for (const ImportedUpdate& update : imported.updates) {
    scenario.catalog.packages.push_back(update.package);
  }

  model::TargetSpec target;
  target.name = target_name(options.target_kind);
  target.kind = options.target_kind;
  if (target.kind != model::TargetKind::media) {
    target.build = imported.build;
    target.ubr = options.ubr;
    target.ssu_version = options.ssu_version;
  }
  target.flags = model::default_starting_flags(target.kind);
  // The loader derives these when a file leaves them out; the same model functions give the
  // values the written file will load to.
  target.base_ubr = model::derive_base_ubr(scenario.catalog, target);
  const auto base_build = model::derive_base_build(scenario.catalog, target);
  SVCSIM_ASSERT_MSG(base_build.has_value(), "a target with no installed package has a base build");
  target.base_build = *base_build;
  scenario.targets.push_back(std::move(target));
  scenario.default_target = 0;

  for (const model::Package& package : scenario.catalog.packages) {
    auto step = scenario::parse_plan_step(scenario, package.id, scenario.default_target);
    SVCSIM_ASSERT_MSG(step.has_value(), package.id.c_str());
    scenario.plan.steps.push_back(*std::move(step));
  }
  scenario.faults.max = options.fault_count_max;
  scenario.faults.kinds = options.fault_count_max > 0 ? default_fault_kinds : 0;
  return scenario;
}

void write_package(std::string& out, const ImportedUpdate& update, const model::TargetSpec& target) {
  const model::Package& package = update.package;
  out += fmt::format("  # {} ({}), read from:\n", comment(update.package.file),
                     layout_name(update.layout));
  std::vector<std::string> documents;
  for (const FieldSource& source : update.sources) {
    if (source.document.empty()) continue;
    if (std::find(documents.begin(), documents.end(), source.document) != documents.end()) continue;
    documents.push_back(source.document);
    out += "  #   " + comment(source.document) + "\n";
  }
  out += fmt::format("  - id: {}  # {}\n", package.id, comment(origin_of_field(update, "id")));
  out += fmt::format("    kind: {}  # {}\n", model::package_kind_name(package.kind),
                     comment(origin_of_field(update, "kind")));
  out += fmt::format("    file: {}  # {}\n", yaml_quoted(package.file),
                     comment(origin_of_field(update, "file")));
  if (!package.identity.empty()) {
    out += fmt::format("    identity: {}  # {}\n", yaml_quoted(package.identity),
                       comment(origin_of_field(update, "identity")));
  }
  const auto number = [&](std::string_view key, std::uint32_t value) {
    if (value == 0) return;
    out += fmt::format("    {}: {}  # {}\n", key, value, comment(origin_of_field(update, key)));
  };
  number("revision", package.revision);
  number("baseline", package.baseline);
  number("bundled_ssu", package.bundled_ssu);
  // An SSU is permanent by the model's table; the file says so only for other kinds.
  if (package.permanent && package.kind != model::PackageKind::ssu) {
    out += fmt::format("    permanent: true  # {}\n", comment(origin_of_field(update, "permanent")));
  }
  for (const std::string& left_out : update.left_out) {
    out += "    # left out: " + comment(left_out) + "\n";
  }
  for (const std::string& note : update.notes) out += "    # note: " + comment(note) + "\n";
  if ((package.applies_to & model::target_kind_bit(target.kind)) == 0) {
    out += fmt::format("    # note: by the model's table a {} does not apply to a {} target; "
                       "explore shows what DISM then answers\n",
                       model::package_kind_name(package.kind), model::target_kind_name(target.kind));
  }
}

void write_target(std::string& out, const ImportResult& imported, const model::TargetSpec& target,
                  const ScenarioOptions& options) {
  out += "targets:\n";
  out += "  # Not in any .msu: the target the files are applied to, chosen with --target, --ubr\n"
         "  # and --ssu-version (defaults: online, the branch's release (UBR 1) with its original\n"
         "  # servicing stack: the oldest device the files could meet).\n";
  out += fmt::format("  - name: {}\n", yaml_quoted(target.name));
  out += fmt::format("    kind: {}  # --target\n", model::target_kind_name(target.kind));
  if (target.kind == model::TargetKind::media) return;
  out += fmt::format("    build: {}  # every file agrees: {}\n", target.build,
                     comment(imported.build_origin));
  out += fmt::format("    ubr: {}  # --ubr{}\n", target.ubr, options.ubr == 1 ? " (default)" : "");
  out += fmt::format("    ssu_version: {}  # --ssu-version{}\n", target.ssu_version,
                     options.ssu_version == 1 ? " (default)" : "");
  out += "    installed: []\n";
  out += "    superseded: []\n";
}

std::string write_text(const ImportResult& imported, const scenario::Scenario& scenario,
                       const ScenarioOptions& options) {
  std::string out;
  out += fmt::format("# Written by `svcsim import` from {} .msu file{}:\n", imported.updates.size(),
                     imported.updates.size() == 1 ? "" : "s");
  for (const ImportedUpdate& update : imported.updates) out += "#   " + comment(update.package.file) + "\n";
  out += fmt::format(
      "# Every imported field says where it came from (the file inside the .msu, the attribute);\n"
      "# what the files cannot give is listed as left out and keeps the model's default for the\n"
      "# kind (servicing-model.md, section 2). Nothing is guessed.\n"
      "#   product:      {}\n"
      "#   architecture: {}\n"
      "# knobs: the model's defaults; no .msu says how DISM behaves.\n",
      comment(imported.product_origin),
      comment(imported.architecture));
  out += "name: " + yaml_quoted(scenario.name) + "\n";
  out += "source: " + yaml_quoted(scenario.source) + "\n";
  const model::TargetSpec& target = scenario.targets.front();
  out += "packages:\n";
  for (const ImportedUpdate& update : imported.updates) write_package(out, update, target);
  write_target(out, imported, target, options);

  out += "plan:\n";
  out += "  target: " + yaml_quoted(target.name) + "\n";
  out += "  # The order the metadata implies: servicing stacks, then cumulative updates by revision\n"
         "  # (a checkpoint before every update that names it as baseline), then the rest.\n";
  std::string steps;
  for (const model::PlanStep& step : scenario.plan.steps) {
    steps += (steps.empty() ? "" : ", ") + step.text;
  }
  out += "  steps: [" + steps + "]\n";
  out += "  reboot: after_3010  # not metadata: reboot when DISM asks (exit 3010)\n";
  out += "  on_error: stop      # not metadata: stop at the first error, as a careful script does\n";
  if (scenario.faults.max > 0) {
    std::string kinds;
    for (int kind = 1; kind < model::fault_count; ++kind) {
      const auto fault = static_cast<model::Fault>(kind);
      if ((scenario.faults.kinds & model::fault_bit(fault)) == 0) continue;
      kinds += (kinds.empty() ? "" : ", ") + std::string(model::fault_name(fault));
    }
    out += "# Not metadata: the exploration budget (--faults), with the fault kinds of scenarios.md's\n"
           "# example.\n";
    out += fmt::format("faults:\n  max: {}\n  kinds: [{}]\n", scenario.faults.max, kinds);
  }
  return out;
}

}  // namespace

Result<std::string, std::string> write_import_scenario(const ImportResult& imported,
                                                       const ScenarioOptions& options) {
  SVCSIM_ASSERT(!imported.updates.empty());
  SVCSIM_ASSERT(imported.updates.size() <= static_cast<std::size_t>(model::package_count_max));
  const scenario::Scenario scenario = build_scenario(imported, options);
  // The model's rules on a starting state (a UBR the stack could not have, ...): the user chose
  // the start, so a refusal is theirs to fix.
  if (auto checked = model::check_starting_records(scenario.catalog, scenario.targets.front());
      !checked) {
    return unexpected("the target --target/--ubr/--ssu-version describe is impossible: " +
                      checked.error());
  }
  std::string text = write_text(imported, scenario, options);

  // The written file must load back to what was built: the loader is the format's judge. A
  // difference is a bug here, not bad input (every value came through the checks above).
  auto loaded = scenario::load_scenario_text(text, "imported.yaml");
  SVCSIM_ASSERT_MSG(loaded.has_value(),
                    loaded.has_value() ? "" : loaded.error().to_string().c_str());
  scenario::Scenario expected = scenario;
  for (std::size_t index = 0; index < expected.catalog.packages.size(); ++index) {
    // An identity the files do not give is left out; the loader then fills in its placeholder.
    model::Package& package = expected.catalog.packages[index];
    if (package.identity.empty()) package.identity = loaded->catalog.packages[index].identity;
  }
  SVCSIM_ASSERT_MSG(scenario::to_yaml(expected) == scenario::to_yaml(*loaded),
                    "the imported scenario does not load back to what was built");
  return text;
}

}  // namespace svcsim::import
