// Values the .msu metadata files share: four-part Windows versions and CBS assembly identities
// (windows-servicing-facts.md §1.3). The parsers of compdb.hpp, unattend.hpp and update_mum.hpp
// return them as text; these functions give them meaning.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace svcsim::import {

/// The most bytes any one metadata file (CompDB XML, pkgProperties.txt, unattend .xml,
/// update.mum) may have. Real ones are kilobytes to a few megabytes (a CompDB lists every
/// package of a build); a bound keeps a hostile archive from making the parser allocate without
/// limit.
inline constexpr std::size_t metadata_bytes_max = std::size_t{16} << 20;

/// A Windows version "major.minor.build.revision" ("10.0.26100.1742" in a CompDB,
/// "26100.8117.1.9" in a package identity). Each part is a 16-bit number, as in the
/// VS_FIXEDFILEINFO every Windows version comes from.
struct FourPartVersion {
  std::array<std::uint32_t, 4> parts{};

  std::uint32_t major() const { return parts[0]; }
  std::uint32_t minor() const { return parts[1]; }
  std::uint32_t build() const { return parts[2]; }
  std::uint32_t revision() const { return parts[3]; }
  friend bool operator==(const FourPartVersion&, const FourPartVersion&) = default;
};

/// Parses exactly four dot-separated decimal parts, each 0..65535, no signs or spaces.
///
///   parse_four_part_version("10.0.26100.1742")->revision() == 1742
std::optional<FourPartVersion> parse_four_part_version(std::string_view text);

/// A CBS assembly identity as written in an unattend file or update.mum: `<assemblyIdentity
/// name="Package_for_RollupFix" version="26100.8117.1.9" processorArchitecture="amd64"
/// language="neutral" publicKeyToken="31bf3856ad364e35"/>`.
struct AssemblyIdentity {
  std::string name;
  std::string version;
  std::string processor_architecture;
  std::string language;
  std::string public_key_token;

  friend bool operator==(const AssemblyIdentity&, const AssemblyIdentity&) = default;
};

/// The package identity string DISM prints, `name~token~arch~language~version`, where a
/// `neutral` language is written empty (`Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9`).
std::string cbs_identity(const AssemblyIdentity& identity);

/// "KB5086672" from the digits "5086672": 1 to 10 digits, nothing else. nullopt otherwise.
std::optional<std::string> kb_id_from_number(std::string_view digits);

/// "KB5086672" from "KB5086672" (any case of "kb"), or nullopt.
std::optional<std::string> kb_id_from_text(std::string_view text);

}  // namespace svcsim::import
