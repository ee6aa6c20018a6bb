// Fuzzes the update.mum parser of `svcsim import` (import/update_mum.hpp) with arbitrary bytes: a
// refused document is one error sentence; an accepted one parses the same way twice and its
// identity, KB identifier and parent versions are read or refused, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/import/metadata.hpp"
#include "svcsim/import/update_mum.hpp"
#include "svcsim/model/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace import = svcsim::import;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto mum = import::parse_update_mum(text);
  if (!mum) {
    SVCSIM_ASSERT(!mum.error().empty());
    SVCSIM_ASSERT_MSG(mum.error().find('\n') == std::string::npos, mum.error().c_str());
    return 0;
  }
  const auto again = import::parse_update_mum(text);
  SVCSIM_ASSERT(again.has_value() && again->identity == mum->identity);
  SVCSIM_ASSERT(again->parents_at_least == mum->parents_at_least);
  (void)import::cbs_identity(mum->identity);
  (void)import::kb_id_from_text(mum->package_identifier);
  for (const import::AssemblyIdentity& parent : mum->parents_at_least) {
    (void)import::parse_four_part_version(parent.version);
  }
  return 0;
}
