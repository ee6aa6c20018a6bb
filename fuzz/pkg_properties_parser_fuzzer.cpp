// Fuzzes the pkgProperties.txt parser of `svcsim import` (import/pkg_properties.hpp) with
// arbitrary bytes, encodings included: a refused file is one error sentence; an accepted one has
// no key twice (compared without case and spaces), finds every key it holds, and reads the same
// way twice.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/import/metadata.hpp"
#include "svcsim/import/pkg_properties.hpp"
#include "svcsim/model/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace import = svcsim::import;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto properties = import::parse_pkg_properties(bytes);
  if (!properties) {
    SVCSIM_ASSERT(!properties.error().empty());
    SVCSIM_ASSERT_MSG(properties.error().find('\n') == std::string::npos,
                      properties.error().c_str());
    return 0;
  }
  for (const auto& [key, value] : properties->entries) {
    SVCSIM_ASSERT(!key.empty());
    SVCSIM_ASSERT(key.find('\n') == std::string::npos && value.find('\n') == std::string::npos);
    // Keys are unique, so each finds its own value.
    const auto found = properties->find(key);
    SVCSIM_ASSERT(found.has_value() && *found == value);
  }
  if (const auto number = properties->find("KB Article Number")) {
    (void)import::kb_id_from_number(*number);
  }
  const auto again = import::parse_pkg_properties(bytes);
  SVCSIM_ASSERT(again.has_value() && again->entries == properties->entries);
  return 0;
}
