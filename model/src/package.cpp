// Package defaults by kind: the table of servicing-model.md §2.
#include "svcsim/model/package.hpp"

namespace svcsim::model {
namespace {

constexpr TargetKindSet kinds(std::initializer_list<TargetKind> list) {
  TargetKindSet set = 0;
  for (TargetKind kind : list) set = static_cast<TargetKindSet>(set | target_kind_bit(kind));
  return set;
}

}  // namespace

Package package_defaults(PackageKind kind) {
  Package package;
  package.kind = kind;
  switch (kind) {
    case PackageKind::ssu:
      package.applies_to = all_target_kinds;
      package.restart = RestartType::no;
      package.permanent = true;
      break;
    case PackageKind::checkpoint_cu:
    case PackageKind::cu:
      package.applies_to =
          kinds({TargetKind::online, TargetKind::install_wim, TargetKind::boot_wim});
      package.restart = RestartType::required;
      break;
    case PackageKind::safeos_du:
      package.applies_to = kinds({TargetKind::winre_wim});
      package.restart = RestartType::no;
      break;
    case PackageKind::setup_du:
      // Files expanded into the media's \sources, not a CBS package: a step that only has an
      // order. It "applies" everywhere so that a misplaced one is an ordering warning, not an
      // error.
      package.applies_to = all_target_kinds;
      package.restart = RestartType::no;
      break;
    case PackageKind::dotnet_cu:
      package.applies_to = kinds({TargetKind::online, TargetKind::install_wim});
      package.restart = RestartType::required;
      package.online_actions = true;  // "offline add leaves online actions pending"
      break;
    case PackageKind::enablement:
      package.applies_to = kinds({TargetKind::online, TargetKind::install_wim});
      package.restart = RestartType::required;
      break;
    case PackageKind::language_pack:
    case PackageKind::fod:
      package.applies_to = all_target_kinds;
      package.restart = RestartType::possible;
      break;
  }
  return package;
}

std::optional<PackageIndex> Catalog::find(std::string_view id) const {
  for (std::size_t index = 0; index < packages.size(); ++index) {
    if (packages[index].id == id) return static_cast<PackageIndex>(index);
  }
  return std::nullopt;
}

}  // namespace svcsim::model
