// The result-code table of servicing-model.md §3 and DISM's exit-code rule.
#include "svcsim/model/result_code.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace svcsim::model {
namespace {

struct CodeInfo {
  std::uint32_t hresult;
  std::string_view name;
  std::string_view message;  // DISM's console text (windows-servicing-facts.md §4)
  bool success;
};

constexpr std::array<CodeInfo, result_code_count> code_table = {{
    {0x00000000u, "S_OK", "The operation completed successfully.", true},
    {0x80070BC2u, "ERROR_SUCCESS_REBOOT_REQUIRED",
     "The requested operation is successful. Changes will not be effective until the system is "
     "rebooted.", true},
    {0x00240006u, "ALREADY_INSTALLED",
     "The package is already in the correct state (already installed).", true},
    {0x800F081Eu, "CBS_E_NOT_APPLICABLE", "The specified package is not applicable to this image.",
     false},
    {0x800F0823u, "CBS_E_NEW_SERVICING_STACK_REQUIRED",
     "Package needs a newer version of the servicing stack.", false},
    {0x800F0838u, "CBS_E_MISSING_PREREQUISITE_BASELINE",
     "The package requires a prerequisite baseline (checkpoint cumulative update) that is not "
     "installed.", false},
    {0x800F0806u, "CBS_E_PENDING",
     "The operation could not be completed due to pending operations.", false},
    {0x800F0922u, "CBS_E_INSTALLERS_FAILED",
     "A general command or advanced installer failed while processing the package.", false},
    {0x800F0825u, "CBS_E_CANNOT_UNINSTALL", "Package cannot be uninstalled.", false},
    {0x800F0830u, "CBS_E_IMAGE_UNSERVICEABLE",
     "The specified image is no longer serviceable and may be corrupted. Discard the modified "
     "image and start again.", false},
    {0x800F0805u, "CBS_E_INVALID_PACKAGE", "The specified package is not valid Windows package.",
     false},
    {0x800F0841u, "CBS_E_SESSION_INTERRUPTED",
     "The servicing session was interrupted (the process was killed).", false},
    {0x80073712u, "ERROR_SXS_COMPONENT_STORE_CORRUPT", "The component store has been corrupted.",
     false},
    {0x80070070u, "ERROR_DISK_FULL", "There is not enough space on the disk.", false},
    {0x800F0991u, "PSFX_E_MISSING_PAYLOAD_FILE", "A payload file of the package is missing.",
     false},
    {0x80070002u, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.", false},
    // Microsoft's media-refresh sample: "0x8007007e ... known issue with combined cumulative
    // update, we can ignore" (the SSU part installed; the LCU part does not apply to WinRE).
    {0x8007007Eu, "ERROR_MOD_NOT_FOUND", "The specified module could not be found.", false},
}};

// A row left out would be value-initialised (an empty name, HRESULT 0) and print as S_OK.
static_assert(
    [] {
      for (const CodeInfo& row : code_table) {
        if (row.name.empty() || row.message.empty()) return false;
      }
      return true;
    }(),
    "code_table needs one filled row per ResultCode");

const CodeInfo& info(ResultCode code) { return code_table[static_cast<std::size_t>(code)]; }

}  // namespace

std::uint32_t hresult(ResultCode code) { return info(code).hresult; }
std::string_view result_name(ResultCode code) { return info(code).name; }
std::string_view result_message(ResultCode code) { return info(code).message; }
bool is_success(ResultCode code) { return info(code).success; }

std::string hresult_text(std::uint32_t value) { return fmt::format("0x{:08X}", value); }

std::optional<ResultCode> result_code_for_hresult(std::uint32_t value) {
  for (std::size_t index = 0; index < code_table.size(); ++index) {
    if (code_table[index].hresult == value) return static_cast<ResultCode>(index);
  }
  return std::nullopt;
}

std::optional<ResultCode> parse_result_code(std::string_view text) {
  if (text.size() != 10 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  const char* first = text.data() + 2;
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, value, 16);
  if (error != std::errc{} || end != last) return std::nullopt;
  return result_code_for_hresult(value);
}

std::optional<std::int32_t> dism_exit_code(ResultCode code, std::int32_t already_installed_exit) {
  if (code == ResultCode::cbs_e_session_interrupted) return std::nullopt;  // killed: no exit code
  if (code == ResultCode::already_installed) return already_installed_exit;
  const std::uint32_t value = hresult(code);
  if ((value & 0xFFFF0000u) == 0x80070000u) return static_cast<std::int32_t>(value & 0xFFFFu);
  return static_cast<std::int32_t>(value);  // two's complement: 0x800F0838 -> -2146498504
}

}  // namespace svcsim::model
