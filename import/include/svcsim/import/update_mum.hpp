// `update.mum`, the package manifest inside an update cabinet (windows-servicing-facts.md §1.3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svcsim/import/metadata.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::import {

inline constexpr std::string_view update_mum_namespace = "urn:schemas-microsoft-com:asm.v3";

struct UpdateMum {
  AssemblyIdentity identity;         // assembly/assemblyIdentity
  std::string package_identifier;    // assembly/package/@identifier: "KB5035845"
  std::string release_type;          // assembly/package/@releaseType: "Security Update"
  std::string restart;               // assembly/package/@restart: "possible", "required"
  std::string permanence;            // assembly/package/@permanence: "permanent", "removable"
  /// assembly/package/parent[@revisionCompare="GE"]/assemblyIdentity: the packages that must be
  /// present at or above these versions (post-checkpoint LCUs name the checkpoint build).
  std::vector<AssemblyIdentity> parents_at_least;
};

/// Parses an update.mum document (root `assembly` in update_mum_namespace, at most
/// metadata_bytes_max bytes). The error is one sentence.
Result<UpdateMum, std::string> parse_update_mum(std::string_view text);

}  // namespace svcsim::import
