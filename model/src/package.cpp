// Package defaults by kind (the table of servicing-model.md §2) and the rules any catalog entry
// must satisfy, whoever builds it.
#include "svcsim/model/package.hpp"

#include "svcsim/model/text.hpp"

#include "svcsim/model/assert.hpp"

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
      package.applies_to = image_target_kinds;
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
      // Files expanded into the media's \sources, not a CBS package: it goes to the media
      // folder and nowhere else (§4.8: a setup_du on an image is 0x800F081E).
      package.applies_to = target_kind_bit(TargetKind::media);
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
      package.applies_to = image_target_kinds;
      package.restart = RestartType::possible;
      break;
  }
  return package;
}

Result<Ok, std::string> check_permanent(const Package& package) {
  if (package.kind == PackageKind::ssu && !package.permanent) {
    return unexpected(std::string("an ssu is always permanent; permanent: false is not possible"));
  }
  return Ok{};
}

Result<Ok, std::string> check_applies_to(const Package& package) {
  const TargetKindSet media = target_kind_bit(TargetKind::media);
  if (package.applies_to == 0) {
    return unexpected(std::string("applies_to must name at least one target kind"));
  }
  // §4.8 makes the media folder and the setup_du one pair, whatever applies_to says: an override
  // that broke the pair would give a result the model's table contradicts.
  if (package.kind == PackageKind::setup_du && package.applies_to != media) {
    return unexpected(std::string(
        "a setup_du applies only to media (its files go into the media's sources folder; DISM "
        "cannot add it to an image)"));
  }
  if (package.kind != PackageKind::setup_du && (package.applies_to & media) != 0) {
    return unexpected(detail::with_article(package_kind_name(package.kind)) +
                      " cannot apply to media (the media folder takes only setup_du packages)");
  }
  return Ok{};
}

Result<Ok, std::string> check_package(const Package& package) {
  if (auto checked = check_permanent(package); !checked) return checked;
  return check_applies_to(package);
}

std::optional<PackageIndex> Catalog::find(std::string_view id) const {
  for (std::size_t index = 0; index < packages.size(); ++index) {
    if (packages[index].id == id) return static_cast<PackageIndex>(index);
  }
  return std::nullopt;
}

std::vector<DeviceProperty> device_properties(const Catalog& catalog) {
  std::vector<DeviceProperty> properties;
  for (std::size_t slot = 0; slot < catalog.size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    if (catalog[index].defect) properties.push_back({index, DeviceTrait::defect});
    if (catalog[index].regression) properties.push_back({index, DeviceTrait::regression});
  }
  SVCSIM_ASSERT(properties.size() <= static_cast<std::size_t>(device_property_count_max));
  return properties;
}

std::optional<int> device_slot(const Catalog& catalog, DeviceProperty property) {
  const std::vector<DeviceProperty> properties = device_properties(catalog);
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    if (properties[slot] == property) return static_cast<int>(slot);
  }
  return std::nullopt;
}

DeviceBits device_always(const Catalog& catalog) {
  DeviceBits bits = 0;
  const std::vector<DeviceProperty> properties = device_properties(catalog);
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    const Package& package = catalog[properties[slot].package];
    const double probability = properties[slot].trait == DeviceTrait::defect
                                   ? package.defect->probability
                                   : package.regression->probability;
    if (probability >= 1.0) bits = static_cast<DeviceBits>(bits | 1u << slot);
  }
  return bits;
}

std::string device_property_text(const Catalog& catalog, DeviceProperty property) {
  return std::string(device_trait_name(property.trait)) + "(" + catalog[property.package].id + ")";
}

std::optional<DeviceProperty> parse_device_property(const Catalog& catalog, std::string_view text) {
  text = detail::trim(text);
  for (int trait = 0; trait < device_trait_count; ++trait) {
    const auto which = static_cast<DeviceTrait>(trait);
    const std::string_view name = device_trait_name(which);
    if (text.size() < name.size() + 2 || text.substr(0, name.size()) != name ||
        text[name.size()] != '(' || text.back() != ')') {
      continue;
    }
    const auto index =
        catalog.find(detail::trim(text.substr(name.size() + 1, text.size() - name.size() - 2)));
    if (!index) return std::nullopt;
    return DeviceProperty{*index, which};
  }
  return std::nullopt;
}

}  // namespace svcsim::model
