// The CompDB XML of a 24H2+ (WIM) .msu: onepackage.AggregatedMetadata.cab holds one per package
// (windows-servicing-facts.md §1.2). This parser keeps the attributes the importer reads, as
// text; importer.cpp gives them meaning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/result.hpp"

namespace svcsim::import {

/// The namespace of every CompDB element.
inline constexpr std::string_view compdb_namespace =
    "http://schemas.microsoft.com/embedded/2004/10/ImageUpdate";

/// `Features/Feature`: one update the CompDB describes.
struct CompDbFeature {
  std::string type;                      // @Type: "CumulativeUpdate", "ServicingStackUpdate", ...
  std::string feature_id;                // @FeatureID: "CumulativeUpdate_KB5094126"
  std::vector<std::string> package_ids;  // Packages/Package/@ID under the feature
};

struct CompDb {
  std::string type;               // @Type: "BuildUpdate" for an update, "Build" for a model
  std::string os_version;         // @OSVersion: the build the update expects (its baseline)
  std::string target_os_version;  // @TargetOSVersion: the build and revision it produces
  std::string target_build_info;  // @TargetBuildInfo: "<branch>.<build>.<qfe>.<timestamp>"
  std::string build_arch;         // @BuildArch: "amd64", "arm64"
  std::vector<CompDbFeature> features;
  std::vector<std::string> package_ids;  // Packages/Package/@ID at the top level
};

/// Parses a CompDB document (UTF-8 or UTF-16 with a byte-order mark, at most
/// metadata_bytes_max bytes). The root must be `CompDB` in compdb_namespace. Absent attributes
/// are empty strings; the error is one sentence.
Result<CompDb, std::string> parse_compdb(std::string_view text);

}  // namespace svcsim::import
