// The unattend `.xml` beside the update cabinet in a classic (CAB) .msu: DISM applies the .msu
// through it (windows-servicing-facts.md §1.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svcsim/import/metadata.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::import {

inline constexpr std::string_view unattend_namespace = "urn:schemas-microsoft-com:unattend";

/// `unattend/servicing/package`.
struct UnattendPackage {
  std::string action;         // @action: "install"
  AssemblyIdentity identity;  // assemblyIdentity
  std::string source_location;  // source/@location: "%configsetroot%\Windows10.0-KB...-x64.cab"
};

struct Unattend {
  std::vector<UnattendPackage> packages;
};

/// Parses an unattend document (root `unattend` in unattend_namespace, at most
/// metadata_bytes_max bytes). The error is one sentence.
Result<Unattend, std::string> parse_unattend(std::string_view text);

/// Whether the document's root element is `unattend` in unattend_namespace, without reporting
/// why not: a classic .msu may hold other .xml files beside its unattend file.
bool looks_like_unattend(std::string_view text);

}  // namespace svcsim::import
