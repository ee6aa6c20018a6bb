// Fuzzes the replay's /Get-Packages parser (adapter/dism_parse.hpp) with arbitrary bytes: an
// error names a line of the input; an accepted listing is the same twice, holds no more
// packages than the input has lines, and a listing rendered by the emulator's own List and Table
// renderers from what was read parses back to the same identities and states.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/adapter/dism_output.hpp"
#include "svcsim/adapter/dism_parse.hpp"
#include "svcsim/model/assert.hpp"

namespace adapter = svcsim::adapter;

namespace {

/// A cell the renderers can carry through a round trip: one line, no '|', no " : ", no
/// surrounding blanks, not a heading or dashes.
bool plain_cell(const std::string& cell) {
  if (cell.empty() || cell.front() == ' ' || cell.back() == ' ' || cell.front() == '\t' ||
      cell.back() == '\t') {
    return false;
  }
  if (cell.find_first_of("|\n\r") != std::string::npos || cell.find(" : ") != std::string::npos) return false;
  if (cell.find(" :") != std::string::npos || cell.find_first_not_of("- ") == std::string::npos) return false;
  std::string lower = cell;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // The parser reads these prefixes without regard to case.
  return lower.find("packages listing:") != 0 && lower.find("error:") != 0 &&
         lower.find("image version:") != 0 && lower.find("svcsim-exit-code:") != 0 &&
         cell != "Package Identity" && cell != "The operation completed successfully.";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = adapter::decode_console(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto listing = adapter::parse_get_packages(text);
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (!listing) {
    SVCSIM_ASSERT(listing.error().line >= 1 && static_cast<std::size_t>(listing.error().line) <= lines);
    SVCSIM_ASSERT(!listing.error().message.empty());
    return 0;
  }
  const auto again = adapter::parse_get_packages(text);
  SVCSIM_ASSERT(again.has_value() && again->packages.size() == listing->packages.size());
  SVCSIM_ASSERT(listing->packages.size() <= lines);

  std::vector<adapter::PackageRow> rows;
  for (const adapter::ListedPackage& package : listing->packages) {
    if (!plain_cell(package.identity) || !plain_cell(package.state)) continue;
    rows.push_back({package.identity, package.state, "Update", ""});
  }
  for (const bool table : {false, true}) {
    const std::string rendered = adapter::dism_header(26100, 1) +
                                 (table ? adapter::render_package_table(rows) : adapter::render_package_list(rows)) +
                                 "The operation completed successfully.\n";
    const auto back = adapter::parse_get_packages(rendered);
    SVCSIM_ASSERT_MSG(back.has_value(), rendered.c_str());
    SVCSIM_ASSERT(!back->truncated && back->packages.size() == rows.size());
    for (std::size_t index = 0; index < rows.size(); ++index) {
      SVCSIM_ASSERT(back->packages[index].identity == rows[index].identity);
      SVCSIM_ASSERT(back->packages[index].state == rows[index].state);
    }
  }
  return 0;
}
