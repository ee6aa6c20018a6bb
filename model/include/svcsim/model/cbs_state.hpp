// CBS package states, with the registry CurrentState numbers and the strings DISM displays.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace svcsim::model {

/// One package's Component Based Servicing state (servicing-model.md §1).
/// The enumerator values are svcsim's own 3-bit encoding; `cbs_number` gives Microsoft's.
enum class CbsState : std::uint8_t {
  absent = 0,
  staged = 1,
  install_pending = 2,
  installed = 3,
  permanent = 4,
  uninstall_pending = 5,
  superseded = 6,
  partially_installed = 7,
};
inline constexpr int cbs_state_count = 8;

/// The value CBS stores under Packages\<identity>\CurrentState (0x70 = 112 = Installed).
constexpr int cbs_number(CbsState state) {
  switch (state) {
    case CbsState::absent: return 0;
    case CbsState::staged: return 64;
    case CbsState::install_pending: return 96;
    case CbsState::installed: return 112;
    case CbsState::permanent: return 128;
    case CbsState::uninstall_pending: return 5;
    case CbsState::superseded: return 80;
    case CbsState::partially_installed: return 101;
  }
  return -1;
}

/// svcsim's spelling, as used in scenario files and JSON (`install_pending`).
std::string_view cbs_state_name(CbsState state);

/// What `DISM /Get-Packages` prints in its State column ("Install Pending"). A permanent
/// package displays as "Installed".
std::string_view dism_state_text(CbsState state);

std::optional<CbsState> parse_cbs_state(std::string_view name);

/// True for the states in which a package's content is committed to the image.
constexpr bool is_committed(CbsState state) {
  return state == CbsState::installed || state == CbsState::permanent ||
         state == CbsState::superseded;
}

}  // namespace svcsim::model
