// What DISM prints besides an operation's own text (which model/dism_text.hpp renders): the
// version header, and the /Get-Packages (List and Table) and /Get-PackageInfo layouts of
// windows-servicing-facts.md §4.4, rendered from a model state. The DISM emulator prints these;
// the replay's parsers (dism_parse.hpp) read them back, from the emulator or a real machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/context.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::adapter {

/// The DISM version the header names: Windows 11 24H2's dism.exe, as quoted in the facts (§4.1).
inline constexpr std::string_view dism_version_text = "10.0.26100.5074";

/// "\nDeployment Image Servicing and Management tool\nVersion: ...\n\nImage Version:
/// 10.0.26100.8117\n\n": what DISM prints before every command's own text.
std::string dism_header(std::uint32_t build, std::uint32_t ubr);

/// One row of /Get-Packages.
struct PackageRow {
  std::string identity;
  std::string state;         // "Install Pending" (model::dism_state_text)
  std::string release_type;  // "Security Update"
  std::string install_time;  // empty for pending and staged packages
  friend bool operator==(const PackageRow&, const PackageRow&) = default;
};

/// The DismReleaseType text DISM shows for a package of `kind` ("Security Update" for SSUs and
/// CUs alike: facts §1.3).
std::string_view release_type_text(model::PackageKind kind);

/// The rows /Get-Packages lists for `state`: every catalog package that is not absent, in
/// catalog order. The emulator has no clock, so an installed package's Install Time is a fixed
/// placeholder (install_time_placeholder); a pending or staged one has none, as on Windows.
std::vector<PackageRow> package_rows(const model::ServicingContext& context,
                                     const model::TargetState& state);
inline constexpr std::string_view install_time_placeholder = "1/1/2026 12:00 AM";

/// /Get-Packages /Format:List (DISM's default): "Packages listing:", then per package
/// "Package Identity : ...", "State : ...", "Release Type : ...", "Install Time : ..." and a blank
/// line.
std::string render_package_list(const std::vector<PackageRow>& rows);

/// /Get-Packages /Format:Table: the same four columns separated by " | ", padded to the widest
/// cell, between dashed lines.
std::string render_package_table(const std::vector<PackageRow>& rows);

/// /Get-PackageInfo for one catalog package in `state`: the console labels of facts §4.4.
std::string render_package_info(const model::ServicingContext& context,
                                const model::TargetState& state, model::PackageIndex package);

}  // namespace svcsim::adapter
