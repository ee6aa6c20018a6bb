// Package kinds, target kinds and the catalog (servicing-model.md §1, §2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/result.hpp"
#include "svcsim/model/result_code.hpp"

namespace svcsim::model {

using PackageIndex = std::uint8_t;
using PackageMask = std::uint64_t;
/// The state is a fixed-size value: one bit per package in each plane.
inline constexpr int package_count_max = 64;

constexpr PackageMask package_bit(PackageIndex index) { return PackageMask{1} << index; }

/// What a target is (§1). The first four are what DISM services (`/Online` or `/Image:`);
/// `media` is the installation media's `sources` folder, which takes files (a Setup DU), not
/// packages.
enum class TargetKind : std::uint8_t { online, install_wim, boot_wim, winre_wim, media };
inline constexpr int target_kind_count = 5;
using TargetKindSet = std::uint8_t;
constexpr TargetKindSet target_kind_bit(TargetKind kind) {
  return static_cast<TargetKindSet>(1u << static_cast<unsigned>(kind));
}
inline constexpr TargetKindSet all_target_kinds = 0x1F;
/// The four kinds DISM services: a running installation and the three images.
inline constexpr TargetKindSet image_target_kinds =
    target_kind_bit(TargetKind::online) | target_kind_bit(TargetKind::install_wim) |
    target_kind_bit(TargetKind::boot_wim) | target_kind_bit(TargetKind::winre_wim);
static_assert((all_target_kinds & ~image_target_kinds) == target_kind_bit(TargetKind::media));
/// Everything but a running installation: images and the media folder change at once, with no
/// reboot (the media is not a running installation either).
constexpr bool is_offline(TargetKind kind) { return kind != TargetKind::online; }

std::string_view target_kind_name(TargetKind kind);
std::optional<TargetKind> parse_target_kind(std::string_view name);

enum class PackageKind : std::uint8_t {
  ssu,
  checkpoint_cu,
  cu,
  safeos_du,
  setup_du,
  dotnet_cu,
  enablement,
  language_pack,
  fod,
};
inline constexpr int package_kind_count = 9;
std::string_view package_kind_name(PackageKind kind);
std::optional<PackageKind> parse_package_kind(std::string_view name);

/// A cumulative update (checkpoint or not) is a Package_for_RollupFix: one UBR chain.
constexpr bool is_cumulative(PackageKind kind) {
  return kind == PackageKind::checkpoint_cu || kind == PackageKind::cu;
}

/// DismRestartType: 0 No, 1 Possible, 2 Required.
enum class RestartType : std::uint8_t { no, possible, required };
std::string_view restart_type_name(RestartType restart);
std::optional<RestartType> parse_restart_type(std::string_view name);

/// Where a package defect strikes (servicing-model.md §2, v2).
enum class DefectAt : std::uint8_t {
  add,     // every add of it returns the defect's code; nothing else changes
  commit,  // it installs, and every reboot that would commit it rolls its session back
};
std::string_view defect_at_name(DefectAt at);
std::optional<DefectAt> parse_defect_at(std::string_view name);

/// A package that fails on the devices that have its defect (KB5079391's 0x80073712, a CU that
/// rolls back at every boot on one machine).
struct Defect {
  DefectAt at = DefectAt::add;
  ResultCode code = ResultCode::cbs_e_installers_failed;
  double probability = 1.0;  // the share of devices that have it, in (0, 1]
};

/// A package that installs fine and then breaks something on the devices that have the
/// regression, until a package of `fixed_by` commits after it (the April 2026 DC case).
struct Regression {
  double probability = 1.0;
  std::vector<PackageIndex> fixed_by;
  std::string symptom;
};

/// One catalog package. Defaults come from `package_defaults(kind)` (the table of §2); the
/// scenario may override any of them.
struct Package {
  std::string id;        // the KB, e.g. "KB5086672"; how steps refer to it
  std::string file;      // "windows11.0-kb5086672-x64.msu"
  std::string identity;  // "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9"
  PackageKind kind = PackageKind::cu;
  std::uint32_t revision = 0;          // UBR a CU brings; stack version an SSU brings
  std::uint32_t baseline = 0;          // checkpoint revision a CU is a delta against; 0 = none
  std::uint32_t ssu_min = 0;           // minimum servicing stack; 0 = none
  std::uint32_t bundled_ssu = 0;       // SSU revision inside the MSU; 0 = none
  std::uint32_t requires_ubr_min = 0;  // enablement: minimum UBR; 0 = none
  std::uint32_t target_build = 0;      // enablement: reported build once installed
  TargetKindSet applies_to = image_target_kinds;
  RestartType restart = RestartType::no;
  bool permanent = false;
  bool online_actions = false;         // offline add leaves online actions pending
  std::vector<PackageIndex> requires_packages;
  std::optional<Defect> defect;          // v2: fails on some or all devices
  std::optional<Regression> regression;  // v2: breaks some or all devices until fixed
};

/// A package of `kind` with the defaults of servicing-model.md §2 (id and file left empty).
Package package_defaults(PackageKind kind);

/// Whether the package's record goes `permanent` rather than `installed` when it commits: every
/// SSU (§2: "an SSU is permanent"), and any package marked `permanent`.
constexpr bool is_permanent(const Package& package) {
  return package.permanent || package.kind == PackageKind::ssu;
}

/// The rules a catalog entry must satisfy whoever builds it (the scenario loader, an .msu
/// importer, a fleet generator), each returning the first broken rule as one sentence.
///
/// `permanent: false` on an SSU: "an ssu is always permanent; permanent: false is not possible".
Result<Ok, std::string> check_permanent(const Package& package);
/// `applies_to` against §4.8: the media folder takes only a `setup_du`, and a `setup_du` goes
/// only to the media, so an override that says otherwise would contradict the model.
Result<Ok, std::string> check_applies_to(const Package& package);
/// Every rule above, in that order.
Result<Ok, std::string> check_package(const Package& package);

/// The packages a scenario knows, indexed 0..size-1 (at most package_count_max).
struct Catalog {
  std::vector<Package> packages;

  std::size_t size() const { return packages.size(); }
  const Package& operator[](PackageIndex index) const { return packages[index]; }
  std::optional<PackageIndex> find(std::string_view id) const;
};

// ---- Devices (servicing-model.md §2, v2) ------------------------------------------------------
// A defect or a regression is a property of the device, not of one attempt: a run is on one
// device, which has each such property or not for the whole run. The catalog's properties are
// numbered (its *slots*) in catalog order, a package's defect before its regression, so a device
// is a small bit set that the target state carries.

enum class DeviceTrait : std::uint8_t { defect, regression };
inline constexpr int device_trait_count = 2;
std::string_view device_trait_name(DeviceTrait trait);

/// One property a device may have: a package's defect or its regression.
struct DeviceProperty {
  PackageIndex package = 0;
  DeviceTrait trait = DeviceTrait::defect;
  friend bool operator==(const DeviceProperty&, const DeviceProperty&) = default;
};

/// A device: bit s set when it has the catalog's property in slot s.
using DeviceBits = std::uint8_t;
inline constexpr int device_property_count_max = 8;
static_assert(device_property_count_max <= 8 * static_cast<int>(sizeof(DeviceBits)));

/// The catalog's device properties in slot order (at most device_property_count_max: the
/// loader refuses more).
std::vector<DeviceProperty> device_properties(const Catalog& catalog);

/// The slot of `property` in `catalog`, if the package has that trait.
std::optional<int> device_slot(const Catalog& catalog, DeviceProperty property);

/// The properties every device has: those at probability 1 (a `run` or `explore` never branches
/// on them, and they cost no fault).
DeviceBits device_always(const Catalog& catalog);

/// "defect(KB5079391)", "regression(KB5082142)": how faults.kinds and `--fault 0:...` name one.
std::string device_property_text(const Catalog& catalog, DeviceProperty property);

/// Parses "defect(ID)" or "regression(ID)" against the catalog (the package must exist; whether
/// it has the trait is the caller's check). nullopt for any other text.
std::optional<DeviceProperty> parse_device_property(const Catalog& catalog, std::string_view text);

}  // namespace svcsim::model
