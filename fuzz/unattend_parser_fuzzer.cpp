// Fuzzes the unattend parser of `svcsim import` (import/unattend.hpp) with arbitrary bytes: a
// refused document is one error sentence; looks_like_unattend agrees with what the parser reads
// as the root; identities of accepted documents form CBS identity strings without a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/import/metadata.hpp"
#include "svcsim/import/unattend.hpp"
#include "svcsim/model/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace import = svcsim::import;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto unattend = import::parse_unattend(text);
  const bool looks = import::looks_like_unattend(text);
  if (!unattend) {
    SVCSIM_ASSERT(!unattend.error().empty());
    SVCSIM_ASSERT_MSG(unattend.error().find('\n') == std::string::npos, unattend.error().c_str());
    return 0;
  }
  // An accepted document has the unattend root, so the quick test must say so too.
  SVCSIM_ASSERT(looks);
  for (const import::UnattendPackage& package : unattend->packages) {
    const std::string identity = import::cbs_identity(package.identity);
    SVCSIM_ASSERT(identity.size() >= 4);  // the four '~' at least
    (void)import::parse_four_part_version(package.identity.version);
  }
  return 0;
}
