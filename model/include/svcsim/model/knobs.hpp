// Knobs: behaviour the public record is unsure of (servicing-model.md, marked **knob**). Each is a
// per-scenario setting with the spec's default, so a replay on a real VM can settle it without a
// code change.
#pragma once

#include <cstdint>

#include "svcsim/model/result_code.hpp"

namespace svcsim::model {

/// §4.1 check 4 (v2): an older checkpoint CU re-added to a newer image.
enum class OlderCheckpoint : std::uint8_t {
  applicable,      // installs with no UBR change, its record superseded (FoD/LP procedure)
  not_applicable,  // v1: 0x800F081E, like any older CU
};
/// §4.1 check 4 (v2): adds of CUs and checkpoint CUs once the store is corrupt.
enum class CorruptStoreAdds : std::uint8_t {
  succeed,  // BatUtil #67: the next CU "completed successfully"
  fail,     // KB5079391's users: every later CU failed 0x800F081F
};

struct Knobs {
  /// §4.1 check 8: a CU whose checkpoint baseline is missing. Some report 0x800F081E.
  ResultCode missing_baseline_error = ResultCode::cbs_e_missing_prerequisite_baseline;
  /// §3: DISM's exit code for an add that found the package already installed (wusa: 2359302).
  std::int32_t already_installed_exit = 0;
  /// §4.1: checks see CUs (and `requires`) queued earlier in the same boot.
  bool baseline_sees_pending = true;
  /// §4.1 check 4a: an SSU added while a reboot is pending fails with 0x800F0806.
  bool ssu_blocked_by_pending_reboot = true;
  /// §4.4: removing a package that is not present.
  ResultCode remove_absent_error = ResultCode::cbs_e_invalid_package;
  /// §4.1 check 4 (v2): an older checkpoint CU on a newer image (no /ResetBase ran).
  OlderCheckpoint older_checkpoint = OlderCheckpoint::applicable;
  /// §4.1 check 4 (v2): later CU adds on a corrupt store.
  CorruptStoreAdds corrupt_store_adds = CorruptStoreAdds::succeed;

  friend bool operator==(const Knobs&, const Knobs&) = default;
};

}  // namespace svcsim::model
