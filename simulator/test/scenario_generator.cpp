// Scenario generators for property tests (see scenario_generator.hpp).
#include "scenario_generator.hpp"

#include <algorithm>
#include <string>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/invariants.hpp"

namespace svcsim::simulator::testing {
namespace {

using model::PackageKind;
using model::TargetKind;

/// True with probability `percent`/100 whatever the generation size, shrinking to false: a plain
/// `inRange(0, 100) < percent` is scaled by the size, so at small sizes (the first cases, and
/// every shrink) it is always 0 and every rare option (unserviceable, store_corrupt, overrides)
/// would be on.
bool chance(int percent) { return *rc::gen::resize(100, rc::gen::inRange(0, 100)) >= 100 - percent; }

model::Package gen_package(int index, const std::vector<std::uint32_t>& checkpoints) {
  // Weighted toward what chains are made of: CUs, checkpoints and SSUs.
  static const std::vector<PackageKind> kinds = {
      PackageKind::cu, PackageKind::cu, PackageKind::cu, PackageKind::checkpoint_cu,
      PackageKind::checkpoint_cu, PackageKind::ssu, PackageKind::ssu, PackageKind::dotnet_cu,
      PackageKind::enablement, PackageKind::language_pack, PackageKind::fod,
      PackageKind::safeos_du, PackageKind::setup_du};
  const PackageKind kind = *rc::gen::elementOf(kinds);
  model::Package package = model::package_defaults(kind);
  package.id = "KB" + std::to_string(5000000 + index);
  package.file = "windows11.0-kb" + std::to_string(5000000 + index) + "-x64.msu";
  package.identity = "Package_for_" + package.id + "~31bf3856ad364e35~amd64~~0.0.0.0";
  if (model::is_cumulative(kind)) {
    package.revision = static_cast<std::uint32_t>(*rc::gen::inRange(1, 30)) * 100;
    if (!checkpoints.empty() && chance(60)) package.baseline = *rc::gen::elementOf(checkpoints);
    if (chance(30)) package.bundled_ssu = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
    if (chance(30)) package.ssu_min = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
  } else if (kind == PackageKind::ssu) {
    package.revision = static_cast<std::uint32_t>(*rc::gen::inRange(1, 10)) * 100;
  } else if (kind == PackageKind::enablement && chance(50)) {
    package.requires_ubr_min = static_cast<std::uint32_t>(*rc::gen::inRange(1, 30)) * 100;
  }
  if (chance(10)) package.restart = *rc::gen::element(model::RestartType::no, model::RestartType::possible,
                                                      model::RestartType::required);
  if (chance(5) && kind != PackageKind::ssu) package.permanent = true;
  if (chance(10)) package.online_actions = !package.online_actions;
  if (chance(10)) {
    package.applies_to = static_cast<model::TargetKindSet>(
        *rc::gen::inRange(1, model::all_target_kinds + 1) & model::all_target_kinds);
    // The model's catalog rules decide which overrides exist (a setup_du goes only to media).
    if (!model::check_applies_to(package)) package.applies_to = model::package_defaults(kind).applies_to;
  }
  return package;
}

/// A starting state that is consistent by construction: non-CU packages installed at random,
/// at most one current CU, older CU records superseded or absent.
void gen_start(scenario::Scenario& scenario, model::TargetSpec& target) {
  const model::Catalog& catalog = scenario.catalog;
  target.base_ubr = *rc::gen::element(1u, 500u);
  target.base_build = 26100;
  const std::uint32_t kind_bit = model::target_kind_bit(target.kind);
  std::optional<model::PackageIndex> current;
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const model::Package& package = catalog[index];
    if ((package.applies_to & kind_bit) == 0 || !chance(25)) continue;
    if (model::is_cumulative(package.kind)) {
      if (package.revision > target.base_ubr &&
          (!current || catalog[*current].revision < package.revision)) {
        current = index;
      }
      continue;
    }
    if (package.kind == PackageKind::ssu || !package.online_actions ||
        target.kind == TargetKind::online) {
      target.installed.push_back(index);
    }
  }
  target.ubr = target.base_ubr;
  if (current) {
    target.installed.push_back(*current);
    target.ubr = catalog[*current].revision;
    for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
      const auto index = static_cast<model::PackageIndex>(slot);
      const model::Package& package = catalog[index];
      if (index != *current && model::is_cumulative(package.kind) &&
          (package.applies_to & kind_bit) != 0 && package.revision < target.ubr && chance(50)) {
        target.superseded.push_back(index);
      }
    }
  }
  target.ssu_version = static_cast<std::uint32_t>(*rc::gen::inRange(0, 6)) * 100 + 1;
  target.build = 26100;
  for (model::PackageIndex index : target.installed) {
    const model::Package& package = catalog[index];
    if (package.kind == PackageKind::ssu) target.ssu_version = std::max(target.ssu_version, package.revision);
    if (package.kind == PackageKind::enablement) target.build = 26200;
  }
  if (target.kind == TargetKind::online) {
    if (chance(10)) target.flags.set(model::TargetFlag::reboot_pending);
  } else {
    target.flags.set(model::TargetFlag::mounted);
  }
  if (chance(15)) target.flags.set(model::TargetFlag::components_reset);
  if (chance(5)) target.flags.set(model::TargetFlag::store_corrupt);
  if (chance(3)) target.flags.set(model::TargetFlag::unserviceable);
}

// Every operation of one target is generated below; copy_winre needs two targets and is held to
// the oracle on the shipped media scenarios. A new kind must be added here.
static_assert(model::operation_kind_count == 10, "generate the new operation kind in gen_step");

model::PlanStep gen_step(const scenario::Scenario& scenario, bool offline) {
  const model::Catalog& catalog = scenario.catalog;
  const auto index = static_cast<model::PackageIndex>(
      *rc::gen::inRange<std::size_t>(0, catalog.size()));
  const std::string& id = catalog[index].id;
  std::vector<std::string> texts = {id, id, id, id, "cleanup", "cleanup(reset_base)",
                                    "revert_pending", "remove(" + id + ")"};
  if (model::is_cumulative(catalog[index].kind)) texts.push_back("method1(" + id + ")");
  if (offline) {
    texts.insert(texts.end(), {"commit", "discard", "mount"});
  } else {
    texts.insert(texts.end(), {"reboot", "reboot"});
  }
  const std::string text = *rc::gen::elementOf(texts);
  return model::PlanStep{text, *scenario::parse_step(catalog, text)};
}

/// v2 (servicing-model.md §2): a defect or a regression on some packages, at probability 1 or
/// below, each regression fixed by another package of the catalog. At most
/// device_property_count_max in all, as the loader requires.
void add_device_properties(model::Catalog& catalog) {
  int count = 0;
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    model::Package& package = catalog.packages[slot];
    if (count < model::device_property_count_max && chance(15)) {
      model::Defect defect;
      defect.at = chance(50) ? model::DefectAt::add : model::DefectAt::commit;
      // Named codes, and one outside the table (0x80070643, as #13 cites), interned.
      defect.code = *rc::gen::element(model::ResultCode::cbs_e_installers_failed,
                                      model::ResultCode::error_sxs_component_store_corrupt,
                                      model::ResultCode::psfx_e_missing_payload_file,
                                      *model::intern_result_code(0x80070643u));
      defect.probability = chance(50) ? 1.0 : 0.5;
      package.defect = defect;
      ++count;
    }
    if (count < model::device_property_count_max && catalog.size() > 1 && chance(15)) {
      model::Regression regression;
      regression.probability = chance(40) ? 1.0 : 0.3;
      auto fix = static_cast<model::PackageIndex>(*rc::gen::inRange<std::size_t>(0, catalog.size() - 1));
      if (fix >= slot) ++fix;  // any package but itself
      regression.fixed_by.push_back(fix);
      regression.symptom = "generated";
      package.regression = regression;
      ++count;
    }
  }
}

/// A `tolerate` list (v2): codes a plan may choose to count as success.
std::vector<std::uint32_t> gen_tolerate(const model::Catalog& catalog) {
  std::vector<std::uint32_t> codes = {0x8007007Eu};
  if (chance(50)) codes.push_back(0x800F081Eu);
  for (const model::Package& package : catalog.packages) {
    if (package.defect && chance(50)) codes.push_back(model::hresult(package.defect->code));
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

}  // namespace

rc::Gen<scenario::Scenario> gen_scenario(ScenarioLimits limits) {
  return rc::gen::exec([limits] {
    scenario::Scenario scenario;
    scenario.path = "generated.yaml";
    scenario.name = "generated";
    const int package_count = *rc::gen::inRange(1, limits.package_count_max + 1);
    std::vector<std::uint32_t> checkpoints;
    for (int index = 0; index < package_count; ++index) {
      model::Package package = gen_package(index, checkpoints);
      if (package.kind == PackageKind::checkpoint_cu) checkpoints.push_back(package.revision);
      if (index > 0 && chance(10)) {
        package.requires_packages.push_back(
            static_cast<model::PackageIndex>(*rc::gen::inRange(0, index)));
      }
      scenario.catalog.packages.push_back(std::move(package));
    }
    add_device_properties(scenario.catalog);
    scenario.knobs.older_checkpoint = chance(80) ? model::OlderCheckpoint::applicable
                                                 : model::OlderCheckpoint::not_applicable;
    scenario.knobs.corrupt_store_adds =
        chance(50) ? model::CorruptStoreAdds::succeed : model::CorruptStoreAdds::fail;
    scenario.knobs.missing_baseline_error =
        chance(50) ? model::ResultCode::cbs_e_missing_prerequisite_baseline
                   : model::ResultCode::cbs_e_not_applicable;
    scenario.knobs.already_installed_exit = chance(80) ? 0 : 2359302;
    scenario.knobs.baseline_sees_pending = chance(70);
    scenario.knobs.ssu_blocked_by_pending_reboot = chance(70);

    model::TargetSpec target;
    target.name = "target";
    target.kind = *rc::gen::element(TargetKind::online, TargetKind::online, TargetKind::install_wim,
                                    TargetKind::boot_wim, TargetKind::winre_wim);
    scenario.targets.push_back(target);
    gen_start(scenario, scenario.targets[0]);
    const model::ServicingContext context = scenario::make_context(scenario, 0);
    RC_PRE(!model::check_state(context, scenario::initial_state(scenario, 0)));

    model::Plan& plan = scenario.plan;

    plan.reboot = *rc::gen::weightedElement<model::RebootPolicy>(
        {{6, model::RebootPolicy::after_3010}, {2, model::RebootPolicy::at_end},
         {2, model::RebootPolicy::never}});
    // A low bound now and then, so that reboot loops end runs (v2, §4.3).
    if (chance(30)) plan.reboot_count_max = static_cast<std::uint16_t>(*rc::gen::inRange(0, 3));
    if (chance(25)) plan.tolerate = gen_tolerate(scenario.catalog);
    plan.on_error = chance(60) ? model::ErrorPolicy::stop : model::ErrorPolicy::continue_on_error;
    plan.prevent_pending = chance(15);
    const int step_count = *rc::gen::inRange(1, limits.step_count_max + 1);
    const bool offline = model::is_offline(scenario.targets[0].kind);
    if (!offline && chance(15)) {
      // A loop as automation writes it: the same add and a reboot, again and again.
      const model::PlanStep add = gen_step(scenario, offline);
      for (int index = 0; index + 1 < step_count; index += 2) {
        plan.steps.push_back(add);
        plan.steps.push_back(model::PlanStep{"reboot", *scenario::parse_step(scenario.catalog, "reboot")});
      }
    }
    while (static_cast<int>(plan.steps.size()) < step_count) {
      plan.steps.push_back(gen_step(scenario, offline));
    }
    for (model::PlanStep& step : plan.steps) step.operation = model::plan_operation(plan, step.operation);
    // As the loader does: lifecycle steps keep their place, then the file's own pairs.
    plan.before = model::lifecycle_constraints(plan);
    for (std::size_t first = 0; first < plan.steps.size(); ++first) {
      for (std::size_t second = first + 1; second < plan.steps.size(); ++second) {
        const std::pair<std::size_t, std::size_t> pair{first, second};
        if (chance(10) && std::find(plan.before.begin(), plan.before.end(), pair) == plan.before.end()) {
          plan.before.push_back(pair);
        }
      }
    }
    scenario.faults.max = *rc::gen::inRange(0, limits.fault_count_max + 1);
    if (scenario.faults.max > 0) {
      // Any non-empty subset of model::all_faults: derived from the model's count, so a new
      // fault kind is generated (and held to the oracle) the day it is added.
      scenario.faults.kinds = static_cast<model::FaultSet>(
          (*rc::gen::inRange(1, 1 << (model::fault_count - 1)) << 1) & model::all_faults);
      if (scenario.faults.kinds == 0) scenario.faults.kinds = model::fault_bit(model::Fault::execute_failure);
      // Each device property below probability 1 (v2) is listed now and then: explore and the
      // oracle then branch on a device with it and one without.
      const std::vector<model::DeviceProperty> properties = model::device_properties(scenario.catalog);
      const model::DeviceBits always = model::device_always(scenario.catalog);
      for (std::size_t slot = 0; slot < properties.size(); ++slot) {
        const auto bit = static_cast<model::DeviceBits>(1u << slot);
        if ((always & bit) == 0 && chance(70)) {
          scenario.faults.devices = static_cast<model::DeviceBits>(scenario.faults.devices | bit);
        }
      }
    }
    return scenario;
  });
}

}  // namespace svcsim::simulator::testing
