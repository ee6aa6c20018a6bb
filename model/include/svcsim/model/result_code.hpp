// The one table of servicing result codes (servicing-model.md §3): HRESULT, symbolic name,
// DISM's message, and the exit-code rule. A new code is added only when some caller reacts to it
// differently from every existing one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace svcsim::model {

enum class ResultCode : std::uint8_t {
  s_ok,
  success_reboot_required,            // ERROR_SUCCESS_REBOOT_REQUIRED, exit 3010
  already_installed,                  // no-op; CBS: "already in the correct state"
  cbs_e_not_applicable,               // 0x800F081E
  cbs_e_new_servicing_stack_required, // 0x800F0823
  cbs_e_missing_prerequisite_baseline,// 0x800F0838
  cbs_e_pending,                      // 0x800F0806
  cbs_e_installers_failed,            // 0x800F0922
  cbs_e_cannot_uninstall,             // 0x800F0825
  cbs_e_image_unserviceable,          // 0x800F0830
  cbs_e_invalid_package,              // 0x800F0805
  cbs_e_session_interrupted,          // 0x800F0841: the process was killed (no exit code)
  error_sxs_component_store_corrupt,  // 0x80073712, exit 14098
  error_disk_full,                    // 0x80070070, exit 112
  psfx_e_missing_payload_file,        // 0x800F0991
  error_file_not_found,               // 0x80070002, exit 2: /Image: names no mounted image
  error_mod_not_found,                // 0x8007007E, exit 126: a combined CU's LCU on winre.wim
};
inline constexpr int result_code_count = 17;

/// The HRESULT CBS logs for the code. `already_installed` uses WU_S_ALREADY_INSTALLED
/// (0x00240006), a success code, so that it has a distinct key in reports.
std::uint32_t hresult(ResultCode code);

/// Microsoft's symbolic name, e.g. "CBS_E_MISSING_PREREQUISITE_BASELINE".
std::string_view result_name(ResultCode code);

/// The message DISM prints under "Error: ..." (or the success line).
std::string_view result_message(ResultCode code);

/// Success codes leave a sequence going; everything else is an error for classification.
bool is_success(ResultCode code);

/// "0x800F0838" (upper-case hex, 8 digits), the form used in reports and JSON keys.
std::string hresult_text(std::uint32_t value);

/// Parses "0x800F0838" (any case) into a known code; nullopt for an unknown HRESULT.
std::optional<ResultCode> parse_result_code(std::string_view text);

/// Returns the code whose HRESULT is `value`, if svcsim knows it.
std::optional<ResultCode> result_code_for_hresult(std::uint32_t value);

/// DISM's exit-code rule (§3): a Win32-facility HRESULT (0x8007xxxx) exits with the Win32 code;
/// any other with the HRESULT as a signed 32-bit integer. `already_installed_exit` is the knob
/// for an add that found nothing to do. A killed process has no exit code (nullopt).
std::optional<std::int32_t> dism_exit_code(ResultCode code, std::int32_t already_installed_exit);

}  // namespace svcsim::model
