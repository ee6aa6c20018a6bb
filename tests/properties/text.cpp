// Readable text for property failures (see text.hpp).
#include "text.hpp"

#include <string_view>

#include "svcsim/model/result_code.hpp"

namespace svcsim::properties {
namespace {

std::string flags_text(model::TargetFlags flags) {
  std::string text = "flags{";
  bool first = true;
  for (int flag = 0; flag < model::target_flag_count; ++flag) {
    const auto kind = static_cast<model::TargetFlag>(flag);
    if (!flags.has(kind)) continue;
    if (!first) text += ",";
    text += model::target_flag_name(kind);
    first = false;
  }
  return text + "}";
}

std::string image_text(const model::ServicingContext& context, const model::ServicedImage& image) {
  std::string text = "ubr " + std::to_string(image.ubr) + " build " + std::to_string(image.build) +
                     " ssu " + std::to_string(image.ssu_version) + " " + flags_text(image.flags);
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    text += " " + context.package(index).id + "=" +
            std::string(model::cbs_state_name(image.packages.get(index)));
    if (image.packages.origin(index)) text += "*";
  }
  return text;
}

std::string indices_text(const model::Catalog& catalog,
                         const std::vector<model::PackageIndex>& indices) {
  std::string text = "[";
  for (std::size_t position = 0; position < indices.size(); ++position) {
    if (position > 0) text += ", ";
    text += catalog[indices[position]].id;
  }
  return text + "]";
}

std::string applies_to_text(model::TargetKindSet kinds) {
  std::string text;
  for (int kind = 0; kind < model::target_kind_count; ++kind) {
    const auto target_kind = static_cast<model::TargetKind>(kind);
    if ((kinds & model::target_kind_bit(target_kind)) == 0) continue;
    if (!text.empty()) text += ",";
    text += model::target_kind_name(target_kind);
  }
  return "[" + text + "]";
}

}  // namespace

std::string operation_text(const model::ServicingContext& context, const model::Operation& operation,
                           model::Fault fault) {
  std::string text;
  const auto package_id = [&] { return context.package(operation.package).id; };
  switch (operation.kind) {
    case model::OperationKind::add: text = "add " + package_id(); break;
    case model::OperationKind::add_folder: text = "method1 " + package_id(); break;
    case model::OperationKind::remove: text = "remove " + package_id(); break;
    case model::OperationKind::cleanup:
      text = operation.reset_base ? "cleanup /ResetBase" : "cleanup";
      break;
    default: text = std::string(model::operation_kind_name(operation.kind)); break;
  }
  if (operation.prevent_pending) text += " /PreventPending";
  if (fault != model::Fault::none) text += " [" + std::string(model::fault_name(fault)) + "]";
  return text;
}

std::string state_text(const model::ServicingContext& context, const model::TargetState& state) {
  std::string text = image_text(context, state);
  if (model::is_offline(context.target_kind)) {
    text += " | committed: " + image_text(context, state.committed);
  }
  return text;
}

std::string scenario_text(const model::Scenario& scenario) {
  std::string text = "scenario (" + std::to_string(scenario.catalog.size()) + " packages)\n";
  for (const model::Package& package : scenario.catalog.packages) {
    text += "  " + package.id + " " + std::string(model::package_kind_name(package.kind)) +
            " revision " + std::to_string(package.revision);
    if (package.baseline != 0) text += " baseline " + std::to_string(package.baseline);
    if (package.bundled_ssu != 0) text += " bundled_ssu " + std::to_string(package.bundled_ssu);
    if (package.ssu_min != 0) text += " ssu_min " + std::to_string(package.ssu_min);
    if (package.requires_ubr_min != 0) {
      text += " requires_ubr_min " + std::to_string(package.requires_ubr_min);
    }
    if (!package.requires_packages.empty()) {
      text += " requires " + indices_text(scenario.catalog, package.requires_packages);
    }
    text += " applies_to " + applies_to_text(package.applies_to) + " restart " +
            std::string(model::restart_type_name(package.restart));
    if (package.permanent) text += " permanent";
    if (package.online_actions) text += " online_actions";
    text += "\n";
  }
  const model::Knobs& knobs = scenario.knobs;
  text += "  knobs: missing_baseline_error " +
          model::hresult_text(model::hresult(knobs.missing_baseline_error)) +
          " already_installed_exit " + std::to_string(knobs.already_installed_exit) +
          " baseline_sees_pending " + (knobs.baseline_sees_pending ? "true" : "false") +
          " ssu_blocked_by_pending_reboot " +
          (knobs.ssu_blocked_by_pending_reboot ? "true" : "false") + "\n";
  for (const model::TargetSpec& target : scenario.targets) {
    text += "  target " + target.name + " " + std::string(model::target_kind_name(target.kind)) +
            " build " + std::to_string(target.build) + " ubr " + std::to_string(target.ubr) +
            " base_ubr " + std::to_string(target.base_ubr) + " ssu_version " +
            std::to_string(target.ssu_version) + " installed " +
            indices_text(scenario.catalog, target.installed) + " superseded " +
            indices_text(scenario.catalog, target.superseded) + " " + flags_text(target.flags) +
            "\n";
  }
  const model::Plan& plan = scenario.plan;
  text += "  plan:";
  for (const model::PlanStep& step : plan.steps) text += " " + step.text;
  text += std::string(" reboot ") +
          (plan.reboot == model::RebootPolicy::at_end ? "at_end" : "after_3010") +
          (plan.on_error == model::ErrorPolicy::stop ? " on_error stop" : " on_error continue") +
          (plan.prevent_pending ? " /PreventPending" : "") + " faults.max " +
          std::to_string(scenario.faults.max) + "\n";
  return text;
}

}  // namespace svcsim::properties

namespace svcsim::model {

void showValue(const Scenario& scenario, std::ostream& os) {
  os << properties::scenario_text(scenario);
}

}  // namespace svcsim::model
