// Fuzzes the replay's DISM console parser and exit-code reader (adapter/dism_parse.hpp) with
// arbitrary bytes, as a machine might send them (UTF-16LE or UTF-8, any line ends, cut anywhere):
// decoding never yields a CR or grows past what UTF-8 can need, parsing is deterministic, an
// error's HRESULT is what its line says, and a report is either an ending or truncated.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "svcsim/adapter/dism_parse.hpp"
#include "svcsim/model/assert.hpp"

namespace adapter = svcsim::adapter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string text = adapter::decode_console(bytes);
  SVCSIM_ASSERT(text.find('\r') == std::string::npos);
  // UTF-16 to UTF-8 at most doubles the size (3 bytes for 2), plus U+FFFD for a cut unit.
  SVCSIM_ASSERT(text.size() <= 2 * size + 3);
  const adapter::ConsoleReport report = adapter::parse_console(text);
  const adapter::ConsoleReport again = adapter::parse_console(text);
  SVCSIM_ASSERT(report.error_hresult == again.error_hresult);
  SVCSIM_ASSERT(report.completed == again.completed && report.messages == again.messages);
  SVCSIM_ASSERT(report.truncated == (!report.completed && !report.error_hresult));
  if (report.error_hresult && report.error_text.rfind("0x", 0) != 0 &&
      report.error_text.rfind("0X", 0) != 0) {
    // A decimal Win32 code becomes HRESULT_FROM_WIN32.
    SVCSIM_ASSERT((*report.error_hresult & 0xFFFF0000u) == 0x80070000u);
  }
  if (report.exit_code_line) {
    const auto hresult = adapter::exit_code_hresult(*report.exit_code_line);
    if (hresult && *report.exit_code_line < 0) {
      SVCSIM_ASSERT(static_cast<std::int32_t>(*hresult) == *report.exit_code_line);
    }
  }
  // The whole input as an exit code: a number it accepts reads back the same way.
  if (size <= 24) {
    const auto hresult = adapter::exit_code_hresult(bytes);
    if (hresult && *hresult != 0) SVCSIM_ASSERT((*hresult & 0x80000000u) != 0 || *hresult >= 0x10000u);
  }
  return 0;
}
