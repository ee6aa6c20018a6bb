// Fuzzes the CompDB parser of `svcsim import` (import/compdb.hpp) with arbitrary bytes: a refused
// document is one error sentence; an accepted one parses the same way twice, and the values the
// importer interprets (versions, KB ids) are read or refused, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/import/compdb.hpp"
#include "svcsim/import/metadata.hpp"
#include "svcsim/model/assert.hpp"

namespace {

namespace import = svcsim::import;

void check_version(const std::string& text) {
  const auto version = import::parse_four_part_version(text);
  if (!version) return;
  for (const std::uint32_t part : version->parts) SVCSIM_ASSERT(part <= 65535);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto compdb = import::parse_compdb(text);
  if (!compdb) {
    SVCSIM_ASSERT(!compdb.error().empty());
    SVCSIM_ASSERT_MSG(compdb.error().find('\n') == std::string::npos, compdb.error().c_str());
    return 0;
  }
  const auto again = import::parse_compdb(text);
  SVCSIM_ASSERT(again.has_value());
  SVCSIM_ASSERT(again->os_version == compdb->os_version);
  SVCSIM_ASSERT(again->target_os_version == compdb->target_os_version);
  SVCSIM_ASSERT(again->features.size() == compdb->features.size());
  SVCSIM_ASSERT(again->package_ids == compdb->package_ids);
  check_version(compdb->os_version);
  check_version(compdb->target_os_version);
  for (const import::CompDbFeature& feature : compdb->features) {
    const std::size_t underscore = feature.feature_id.rfind('_');
    const auto id = import::kb_id_from_text(underscore == std::string::npos
                                                ? std::string_view(feature.feature_id)
                                                : std::string_view(feature.feature_id).substr(underscore + 1));
    if (id) SVCSIM_ASSERT(id->rfind("KB", 0) == 0 && id->size() <= 12);
  }
  return 0;
}
