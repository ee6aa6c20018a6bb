// The /Get-Packages and /Get-PackageInfo layouts, from a model state. Labels and the List layout
// are the facts' (§4.4) and a real 25H2 transcript's (adapter/test/data/, held byte for byte by
// a golden test); the Table padding is not captured anywhere (adapter/README.md, "What the
// emulator could not take from the reference").
#include "svcsim/adapter/dism_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/assert.hpp"

namespace svcsim::adapter {

std::string dism_header(std::uint32_t build, std::uint32_t ubr) {
  return fmt::format(
      "\nDeployment Image Servicing and Management tool\nVersion: {}\n\nImage Version: "
      "10.0.{}.{}\n\n",
      dism_version_text, build, ubr);
}

std::string_view release_type_text(model::PackageKind kind) {
  switch (kind) {
    case model::PackageKind::ssu:
    case model::PackageKind::checkpoint_cu:
    case model::PackageKind::cu: return "Security Update";
    case model::PackageKind::safeos_du:
    case model::PackageKind::setup_du:
    case model::PackageKind::dotnet_cu:
    case model::PackageKind::enablement: return "Update";
    case model::PackageKind::language_pack: return "Language Pack";
    case model::PackageKind::fod: return "OnDemand Pack";
  }
  return "Update";
}

std::vector<PackageRow> package_rows(const model::ServicingContext& context,
                                     const model::TargetState& state) {
  std::vector<PackageRow> rows;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const model::CbsState cbs = state.packages.get(index);
    if (cbs == model::CbsState::absent) continue;
    const model::Package& package = context.package(index);
    PackageRow row;
    row.identity = package.identity;
    row.state = std::string(model::dism_state_text(cbs));
    row.release_type = std::string(release_type_text(package.kind));
    if (model::is_committed(cbs) || cbs == model::CbsState::uninstall_pending) {
      row.install_time = std::string(install_time_placeholder);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string render_package_list(const std::vector<PackageRow>& rows) {
  std::string text = "Packages listing:\n\n";
  for (const PackageRow& row : rows) {
    text += fmt::format("Package Identity : {}\nState : {}\nRelease Type : {}\nInstall Time : {}\n\n",
                        row.identity, row.state, row.release_type, row.install_time);
  }
  return text;
}

std::string render_package_table(const std::vector<PackageRow>& rows) {
  std::array<std::size_t, 4> width = {16, 5, 12, 12};  // the headings' own widths
  for (const PackageRow& row : rows) {
    width[0] = std::max(width[0], row.identity.size());
    width[1] = std::max(width[1], row.state.size());
    width[2] = std::max(width[2], row.release_type.size());
    width[3] = std::max(width[3], row.install_time.size());
  }
  const auto line = [&](std::string_view a, std::string_view b, std::string_view c,
                        std::string_view d) {
    return fmt::format("{:<{}} | {:<{}} | {:<{}} | {:<{}}\n", a, width[0], b, width[1], c,
                       width[2], d, width[3]);
  };
  const std::string dashes = fmt::format("{} | {} | {} | {}\n", std::string(width[0], '-'),
                                         std::string(width[1], '-'), std::string(width[2], '-'),
                                         std::string(width[3], '-'));
  std::string text = "Packages listing:\n\n" + dashes;
  text += line("Package Identity", "State", "Release Type", "Install Time");
  text += dashes;
  for (const PackageRow& row : rows) {
    text += line(row.identity, row.state, row.release_type, row.install_time);
  }
  return text + "\n";
}

std::string render_package_info(const model::ServicingContext& context,
                                const model::TargetState& state, model::PackageIndex index) {
  SVCSIM_ASSERT(index < context.catalog->size());
  const model::Package& package = context.package(index);
  const model::CbsState cbs = state.packages.get(index);
  const bool applicable = (context.applicable & model::package_bit(index)) != 0;
  const std::string_view restart =
      package.restart == model::RestartType::required ? "Required"
      : package.kind == model::PackageKind::cu || package.kind == model::PackageKind::checkpoint_cu
          ? "Possible"
          : "No";
  std::string install_time;
  if (model::is_committed(cbs)) install_time = std::string(install_time_placeholder);
  return fmt::format(
      "Package information:\n\n"
      "Package Identity : {}\n"
      "Applicable : {}\n"
      "Copyright : Copyright (c) Microsoft Corporation. All Rights Reserved\n"
      "Company : Microsoft Corporation\n"
      "Creation Time : \n"
      "Description : Fix for {}\n"
      "Install Client : DISM Package Manager Provider\n"
      "Install Package Name : {}.mum\n"
      "Install Time : {}\n"
      "Last Update Time : \n"
      "Name : {}\n"
      "Product Name : {}\n"
      "Product Version : \n"
      "Release Type : {}\n"
      "Restart Required : {}\n"
      "Support Information : https://support.microsoft.com/help/{}\n"
      "State : {}\n"
      "Completely offline capable : {}\n\n"
      "Custom Properties:\n\n(No custom properties found)\n\n"
      "Features listing for package : {}\n\n(No features found for this package)\n\n",
      package.identity, applicable ? "Yes" : "No", package.id, package.identity,
      install_time, package.id, package.identity.substr(0, package.identity.find('~')),
      release_type_text(package.kind), restart,
      package.id.size() > 2 && (package.id[0] == 'K' || package.id[0] == 'k') ? package.id.substr(2)
                                                                               : package.id,
      model::dism_state_text(cbs), package.restart == model::RestartType::required ? "No" : "Yes",
      package.identity);
}

}  // namespace svcsim::adapter
