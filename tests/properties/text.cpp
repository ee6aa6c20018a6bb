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

}  // namespace svcsim::properties
