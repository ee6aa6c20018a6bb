// The result-code table of servicing-model.md §3 and DISM's exit-code rule.
#include "svcsim/model/result_code.hpp"

#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <mutex>

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"

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
    // adavak/Win_ISO_Patching_Scripts #42: "The source files could not be found."
    {0x800F081Fu, "CBS_E_SOURCE_MISSING",
     "The source files could not be found. Use the \"Source\" option to specify the location of "
     "the files that are required to restore the feature.", false},
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

// Unnamed codes (v2): the HRESULT held by each slot, written once under the mutex and read
// without it (a slot is published by the release store of its count).
std::mutex unnamed_mutex;
std::array<std::atomic<std::uint32_t>, unnamed_code_count_max> unnamed_values{};
std::atomic<int> unnamed_count{0};

const CodeInfo& info(ResultCode code) {
  SVCSIM_ASSERT_MSG(is_named(code), "an unnamed code has no table row");
  return code_table[static_cast<std::size_t>(code)];
}

std::uint32_t unnamed_value(ResultCode code) {
  const int slot = static_cast<int>(code) - result_code_count;
  SVCSIM_ASSERT(slot >= 0 && slot < unnamed_count.load(std::memory_order_acquire));
  return unnamed_values[static_cast<std::size_t>(slot)].load(std::memory_order_relaxed);
}

}  // namespace

std::uint32_t hresult(ResultCode code) {
  return is_named(code) ? info(code).hresult : unnamed_value(code);
}
std::string_view result_name(ResultCode code) {
  return is_named(code) ? info(code).name : std::string_view("(unnamed)");
}
std::string_view result_message(ResultCode code) {
  return is_named(code) ? info(code).message
                        : std::string_view("svcsim has no message for this code.");
}
bool is_success(ResultCode code) {
  return is_named(code) ? info(code).success : (unnamed_value(code) & 0x80000000u) == 0;
}

std::string hresult_text(std::uint32_t value) { return fmt::format("0x{:08X}", value); }

std::optional<ResultCode> result_code_for_hresult(std::uint32_t value) {
  for (std::size_t index = 0; index < code_table.size(); ++index) {
    if (code_table[index].hresult == value) return static_cast<ResultCode>(index);
  }
  const int count = unnamed_count.load(std::memory_order_acquire);
  for (int slot = 0; slot < count; ++slot) {
    if (unnamed_values[static_cast<std::size_t>(slot)].load(std::memory_order_relaxed) == value) {
      return static_cast<ResultCode>(result_code_count + slot);
    }
  }
  return std::nullopt;
}

std::optional<ResultCode> intern_result_code(std::uint32_t value) {
  if (const auto known = result_code_for_hresult(value)) return known;
  const std::lock_guard<std::mutex> lock(unnamed_mutex);
  // Another thread may have taken a slot for it since the lookup above.
  if (const auto known = result_code_for_hresult(value)) return known;
  const int count = unnamed_count.load(std::memory_order_relaxed);
  if (count == unnamed_code_count_max) return std::nullopt;
  unnamed_values[static_cast<std::size_t>(count)].store(value, std::memory_order_relaxed);
  unnamed_count.store(count + 1, std::memory_order_release);
  return static_cast<ResultCode>(result_code_count + count);
}

std::optional<std::uint32_t> parse_hresult(std::string_view text) {
  if (text.size() != 10 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  const char* first = text.data() + 2;
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, value, 16);
  if (error != std::errc{} || end != last) return std::nullopt;
  return value;
}

std::optional<ResultCode> parse_result_code(std::string_view text) {
  const auto value = parse_hresult(text);
  if (!value) return std::nullopt;
  return result_code_for_hresult(*value);
}

std::optional<std::int32_t> dism_exit_code(ResultCode code, std::int32_t already_installed_exit) {
  if (code == ResultCode::cbs_e_session_interrupted) return std::nullopt;  // killed: no exit code
  if (code == ResultCode::already_installed) return already_installed_exit;
  const std::uint32_t value = hresult(code);
  if ((value & 0xFFFF0000u) == 0x80070000u) return static_cast<std::int32_t>(value & 0xFFFFu);
  return static_cast<std::int32_t>(value);  // two's complement: 0x800F0838 -> -2146498504
}

}  // namespace svcsim::model
