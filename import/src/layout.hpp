// What one .msu holds, read but not yet interpreted: the metadata documents of its layout, each
// with the path inside the .msu it came from. wim_layout.cpp and cab_layout.cpp read them;
// importer.cpp maps them to catalog entries.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive.hpp"
#include "svcsim/import/compdb.hpp"
#include "svcsim/import/importer.hpp"
#include "svcsim/import/pkg_properties.hpp"
#include "svcsim/import/unattend.hpp"
#include "svcsim/import/update_mum.hpp"

namespace svcsim::import::detail {

/// The private folder, the byte budget and the limits of one import.
struct ReadContext {
  TempFolder& folder;
  ExtractBudget& budget;
  const ImportLimits& limits;
};

/// A parsed CompDB and where it was: "onepackage.AggregatedMetadata.cab > X.xml.cab > X.xml".
struct LocatedCompDb {
  std::string origin;
  std::string file_name;  // "LCUCompDB_KB5086672.xml"
  CompDb compdb;
};

struct WimContents {
  std::vector<LocatedCompDb> update_compdbs;  // Type="BuildUpdate", in archive order
  std::vector<std::string> ssu_cabinets;      // root entries "SSU-<build>.<rev>-<arch>.cab"
  std::vector<std::string> notes;             // what was skipped
};

struct CabContents {
  std::string properties_origin;  // "Windows10.0-KB5035845-x64-pkgProperties.txt"
  PkgProperties properties;
  std::string unattend_origin;
  std::optional<Unattend> unattend;
  std::string update_cabinet;  // the inner cabinet's name
  std::string update_mum_origin;
  std::optional<UpdateMum> update_mum;
  std::vector<std::string> ssu_cabinets;
  std::vector<std::string> notes;
};

/// Reads the 24H2+ layout: the WIM's root, onepackage.AggregatedMetadata.cab and the CompDBs
/// in its .xml.cab files. `where` names the .msu in messages. Throws InputError.
WimContents read_wim_msu(const std::filesystem::path& file, const std::string& where,
                         ReadContext& context);

/// Reads the classic layout: pkgProperties, the unattend .xml and the inner cabinet's
/// update.mum. Throws InputError.
CabContents read_cab_msu(const std::filesystem::path& file, const std::string& where,
                         ReadContext& context);

}  // namespace svcsim::import::detail
