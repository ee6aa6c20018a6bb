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
  cbs_e_source_missing,               // 0x800F081F: a corrupt store's later adds (knob), defects
};
/// The named codes: the table of servicing-model.md §3.
inline constexpr int result_code_count = 18;
/// Codes outside the table (v2: a scenario may name any HRESULT in a `defect`, `tolerate` or an
/// expectation) take one of these slots after the named ones, interned process-wide by
/// intern_result_code. They print as "0x80070643 (unnamed)".
inline constexpr int unnamed_code_count_max = 32;
/// Every value a ResultCode can take: the named codes, then the unnamed slots.
inline constexpr int result_code_slot_count = result_code_count + unnamed_code_count_max;

/// The HRESULT CBS logs for the code. `already_installed` uses WU_S_ALREADY_INSTALLED
/// (0x00240006), a success code, so that it has a distinct key in reports.
std::uint32_t hresult(ResultCode code);

/// Whether `code` is one of the table's named codes (not an unnamed slot).
constexpr bool is_named(ResultCode code) {
  return static_cast<int>(code) < result_code_count;
}

/// Microsoft's symbolic name, e.g. "CBS_E_MISSING_PREREQUISITE_BASELINE"; "(unnamed)" for a code
/// outside the table.
std::string_view result_name(ResultCode code);

/// The message DISM prints under "Error: ..." (or the success line).
std::string_view result_message(ResultCode code);

/// Success codes leave a sequence going; everything else is an error for classification. An
/// unnamed code is a success exactly when its HRESULT's severity bit (bit 31) is clear.
bool is_success(ResultCode code);

/// "0x800F0838" (upper-case hex, 8 digits), the form used in reports and JSON keys.
std::string hresult_text(std::uint32_t value);

/// Parses "0x800F0838" (any case) into a known code; nullopt for an unknown HRESULT.
std::optional<ResultCode> parse_result_code(std::string_view text);

/// Parses "0x" and eight hex digits (any case) into its HRESULT; nullopt for any other text.
std::optional<std::uint32_t> parse_hresult(std::string_view text);

/// Returns the code whose HRESULT is `value`, if svcsim knows it (named or already interned).
std::optional<ResultCode> result_code_for_hresult(std::uint32_t value);

/// The code for any HRESULT: the named one, else an unnamed slot, taken on first use and kept
/// for the life of the process (thread-safe). nullopt only when all unnamed_code_count_max
/// slots hold other values. The slot a value gets depends on the order values are first met,
/// so nothing may order output by slot: reports key codes by their HRESULT.
///
///   const ResultCode code = *intern_result_code(0x80070643);
///   hresult(code) == 0x80070643 && result_name(code) == "(unnamed)"
std::optional<ResultCode> intern_result_code(std::uint32_t value);

/// DISM's exit-code rule (§3): a Win32-facility HRESULT (0x8007xxxx) exits with the Win32 code;
/// any other with the HRESULT as a signed 32-bit integer. `already_installed_exit` is the knob
/// for an add that found nothing to do. A killed process has no exit code (nullopt).
std::optional<std::int32_t> dism_exit_code(ResultCode code, std::int32_t already_installed_exit);

}  // namespace svcsim::model
