// `svcsim import`: reads .msu files of both layouts (windows-servicing-facts.md §1.1, §1.2) and
// turns each into one catalog entry whose every field says which file and attribute it came
// from. scenario_output.hpp writes the result as a scenario file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/package.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::import {

/// Windows client (Windows 10, 11) or Windows Server. Their packages differ only in the branch
/// token of the CompDB's @TargetBuildInfo, so the importer is told which one the user means.
enum class Product : std::uint8_t { client, server };
std::string_view product_name(Product product);
std::optional<Product> parse_product(std::string_view name);

/// Bounds on what one import may read and write; reaching one is bad input (exit 2).
struct ImportLimits {
  /// Everything extracted (to the private folder or to memory), over all files of one import. A
  /// classic LCU's inner cabinet (which holds update.mum) is the largest thing extracted: about
  /// 1 GiB.
  std::uint64_t extract_bytes_max = std::uint64_t{4} << 30;
  /// One metadata cabinet (onepackage.AggregatedMetadata.cab, an .xml.cab): real ones are tens
  /// of kilobytes.
  std::uint64_t metadata_cabinet_bytes_max = std::uint64_t{64} << 20;
  /// Cabinets inside cabinets below the .msu: the WIM layout needs 2
  /// (AggregatedMetadata.cab > *.xml.cab); one level is spare. Deeper is a cab-in-cab loop.
  int cabinet_depth_max = 3;
  /// Entries in one cabinet or in the WIM's root folder (a real MSU has under ten).
  std::size_t archive_entry_count_max = 4096;
  /// .msu files in one import: one catalog entry each, and a catalog holds at most
  /// package_count_max packages.
  std::size_t msu_count_max = model::package_count_max;
};

struct ImportOptions {
  std::optional<Product> product;  // --product; nullopt: not checked, not written
  ImportLimits limits;
  /// Where the private extraction folder is made; empty: std::filesystem::temp_directory_path().
  std::filesystem::path temp_parent;
};

/// The origin of one field the importer set: which file inside the .msu, which attribute.
struct FieldSource {
  std::string field;     // the scenario key: "revision"
  /// The file inside the .msu, as a path through the archives that hold it:
  /// "onepackage.AggregatedMetadata.cab > LCUCompDB_KB5086672.xml.cab > LCUCompDB_KB5086672.xml".
  /// Empty when the field comes from the .msu itself (its name).
  std::string document;
  std::string attribute;  // `CompDB/@TargetOSVersion "10.0.26100.8117"`
};

enum class MsuLayout : std::uint8_t {
  wim,  // Windows 11 24H2+ / Server 2025: a WIM holding onepackage.AggregatedMetadata.cab
  cab,  // Vista .. Windows 11 23H2: a cabinet holding *-pkgProperties.txt, an unattend .xml, a .cab
};
std::string_view layout_name(MsuLayout layout);

/// One .msu as a catalog entry.
struct ImportedUpdate {
  std::string path;  // as given, or found in a folder given
  MsuLayout layout = MsuLayout::wim;
  /// id, kind, file, identity (when known), revision, baseline, bundled_ssu and permanent as the
  /// files say; every other field is package_defaults(kind), the model's table.
  model::Package package;
  std::vector<FieldSource> sources;   // one per field set from the files, in scenario key order
  std::vector<std::string> left_out;  // fields the files cannot give: "ssu_min: ..."
  std::vector<std::string> notes;     // what was read and not used, what was skipped, and why
  std::uint32_t build = 0;            // the branch's build number, 26100
  std::string build_origin;           // "<.msu>: <file>: <attribute>"
  std::string architecture;           // "amd64"
  std::string branch;                 // WIM: the first token of @TargetBuildInfo; may be empty
  std::string applicability;          // classic: pkgProperties "Applicability Info"
};

struct ImportResult {
  /// In the order the metadata implies: servicing stacks, then cumulative updates by revision
  /// (a checkpoint therefore before the updates that name it as baseline), then the rest.
  std::vector<ImportedUpdate> updates;
  std::uint32_t build = 0;  // every file agrees on it
  std::string build_origin;
  std::string architecture;
  std::optional<Product> product;
  std::string product_origin;  // how the product was given and what checked it
};

/// Reads every .msu named (a folder stands for the *.msu files directly in it, in name order)
/// and maps each to a catalog entry. Hostile or malformed input (truncated archives, names that
/// climb out with `../`, cab-in-cab loops, huge declared sizes, XML bombs, files that disagree)
/// is an error: one line that names the file. Archives are extracted to a private temporary
/// folder, removed before this returns, the documents inside them to memory; both are bounded
/// by options.limits.
///
///   auto imported = import_msu_files({"windows11.0-kb5043080-x64.msu",
///                                     "windows11.0-kb5086672-x64.msu"}, {});
Result<ImportResult, std::string> import_msu_files(const std::vector<std::filesystem::path>& inputs,
                                                   const ImportOptions& options);

}  // namespace svcsim::import
