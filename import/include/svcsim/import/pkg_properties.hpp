// `*-pkgProperties.txt` of a classic (CAB) .msu: lines `Key="Value"`, usually UTF-16LE with CRLF
// line ends (windows-servicing-facts.md §1.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "svcsim/model/result.hpp"

namespace svcsim::import {

struct PkgProperties {
  /// Every `Key="Value"` line in file order, converted to UTF-8, keys as written.
  std::vector<std::pair<std::string, std::string>> entries;

  /// The value of `key`, comparing keys without case and spaces: Microsoft writes both
  /// "Applies to" and "Applies To", "ApplicabilityInfo" and "Applicability Info".
  std::optional<std::string> find(std::string_view key) const;
};

/// Parses the file's bytes: UTF-16LE (with or without a byte-order mark), UTF-16BE with a
/// byte-order mark, or UTF-8; CRLF or LF; blank lines ignored; at most metadata_bytes_max bytes.
/// Any other line, a key given twice, or bad encoding is an error (one sentence).
Result<PkgProperties, std::string> parse_pkg_properties(std::string_view bytes);

}  // namespace svcsim::import
