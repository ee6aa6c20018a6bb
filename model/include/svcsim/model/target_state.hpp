// The state of one servicing target as a compact value type: every catalog package's CBS state in
// three bit-planes (one bit per package per plane), the reported build, UBR, servicing stack
// version and flags. No heap, trivially copyable: the explorer copies and hashes millions a second.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "svcsim/model/cbs_state.hpp"
#include "svcsim/model/package.hpp"

namespace svcsim::model {

/// Per-package CBS states for up to 64 packages, plus one `origin` bit per package that remembers
/// where a pending package came from, so that a rollback can restore it exactly:
///   install_pending   + origin -> it was `staged` (an orphan) before the pending session;
///   uninstall_pending + origin -> it was `superseded` before the pending session;
///   partially_installed + origin -> the session whose rollback failed was uninstalling it, so
///                                    its content (and, for a CU, its UBR) is still current.
/// The origin bit is zero in every other state (canonical form: equal states hash equal).
class PackageStates {
 public:
  CbsState get(PackageIndex index) const {
    const unsigned value = bit(planes_[0], index) | bit(planes_[1], index) << 1 |
                           bit(planes_[2], index) << 2;
    return static_cast<CbsState>(value);
  }

  /// Sets one package's state and clears its origin bit.
  void set(PackageIndex index, CbsState state) { set_all(package_bit(index), state); }

  /// Sets the state of every package in `mask` and clears their origin bits.
  void set_all(PackageMask mask, CbsState state) {
    const auto value = static_cast<unsigned>(state);
    for (unsigned plane = 0; plane < 3; ++plane) {
      planes_[plane] = (value >> plane & 1u) ? (planes_[plane] | mask) : (planes_[plane] & ~mask);
    }
    origin_ &= ~mask;
  }

  /// The packages (among all 64 slots) whose state is `state`. Slots past the catalog read
  /// `absent`; callers intersect with the catalog's mask where that matters.
  PackageMask in_state(CbsState state) const {
    const auto value = static_cast<unsigned>(state);
    PackageMask mask = ~PackageMask{0};
    for (unsigned plane = 0; plane < 3; ++plane) {
      mask &= (value >> plane & 1u) ? planes_[plane] : ~planes_[plane];
    }
    return mask;
  }

  PackageMask origin_mask() const { return origin_; }
  bool origin(PackageIndex index) const { return bit(origin_, index) != 0; }
  void set_origin(PackageMask mask) { origin_ |= mask; }

  friend bool operator==(const PackageStates&, const PackageStates&) = default;

 private:
  static unsigned bit(PackageMask plane, PackageIndex index) {
    return static_cast<unsigned>(plane >> index & 1u);
  }
  std::array<PackageMask, 3> planes_{};
  PackageMask origin_{};
};

/// Target-level flags (servicing-model.md §1).
enum class TargetFlag : std::uint8_t {
  reboot_pending = 0,          // online: something waits for a reboot
  pending_online_actions = 1,  // offline: something waits for the image's first boot
  commit_interrupted = 2,      // a reboot died executing pending.xml; it is still there
  components_reset = 3,        // a cleanup removed superseded components
  store_corrupt = 4,           // latent damage: operations may still report success
  unserviceable = 5,           // CBS refuses every further session
  mounted = 6,                 // offline: the image is mounted and can be serviced
  reboot_loop = 7,             // online: a reboot was due past reboot_count_max (v2): stuck
};
inline constexpr int target_flag_count = 8;
std::string_view target_flag_name(TargetFlag flag);

struct TargetFlags {
  std::uint8_t bits = 0;

  bool has(TargetFlag flag) const { return (bits >> static_cast<unsigned>(flag) & 1u) != 0; }
  void set(TargetFlag flag, bool on = true) {
    const auto mask = static_cast<std::uint8_t>(1u << static_cast<unsigned>(flag));
    bits = on ? static_cast<std::uint8_t>(bits | mask) : static_cast<std::uint8_t>(bits & ~mask);
  }
  friend bool operator==(const TargetFlags&, const TargetFlags&) = default;
};

/// The WinRE an install.wim carries (servicing-model.md §4.8): what its last `copy_winre` copied
/// from the winre.wim target, as that image was last committed. All zero: the WinRE the image
/// came with (never replaced). Part of the end state, so a stale WinRE shows as drift.
struct CarriedWinre {
  PackageMask safeos_dus = 0;     // Safe OS DUs installed in the copied winre.wim
  std::uint32_t ubr = 0;          // its UBR
  std::uint32_t ssu_version = 0;  // its servicing stack

  friend bool operator==(const CarriedWinre&, const CarriedWinre&) = default;
};

/// What one image (or running installation) holds: the part a commit saves and a discard
/// restores.
struct ServicedImage {
  PackageStates packages;
  CarriedWinre winre;             // install.wim only; zero elsewhere
  std::uint32_t build = 0;        // reported build: 26100, or 26200 with the enablement package
  std::uint32_t ubr = 0;          // revision of the newest committed CU
  std::uint32_t ssu_version = 0;  // revision of the servicing stack
  TargetFlags flags;
  // The last three bytes were padding once (states are hashed as raw bytes, so no byte may be
  // left indeterminate); v2 fills them, keeping the state at 128 bytes:
  DeviceBits device = 0;          // the device's defects and regressions (package.hpp slots)
  DeviceBits regressions = 0;     // the regressions active now (slots; a subset of `device`)
  std::uint8_t reboot_count = 0;  // online: reboots so far, counted only where the bound can bind

  friend bool operator==(const ServicedImage&, const ServicedImage&) = default;
};

/// A target's whole state. For offline targets `committed` is the image as of the last mount or
/// commit, so that a discard or a crash while mounted can throw uncommitted changes away; online
/// targets keep it equal to its default (all zero).
struct TargetState : ServicedImage {
  ServicedImage committed;

  friend bool operator==(const TargetState&, const TargetState&) = default;
};

static_assert(std::is_trivially_copyable_v<TargetState>);
static_assert(std::has_unique_object_representations_v<TargetState>,
              "TargetState is hashed byte by byte: it must have no padding");
static_assert(sizeof(TargetState) <= 128, "TargetState must stay a small value type");

/// The splitmix64 finaliser: a cheap, well-distributed 64-bit mix, the one svcsim's own hash
/// tables use (deterministic on every platform, unlike std::hash).
constexpr std::uint64_t mix_bits(std::uint64_t value) {
  value ^= value >> 30;
  value *= 0xBF58476D1CE4E5B9ull;
  value ^= value >> 27;
  value *= 0x94D049BB133111EBull;
  value ^= value >> 31;
  return value;
}

/// A 64-bit hash of the state (wyhash-style mixing over the raw words; deterministic on every
/// platform and run, so iteration orders built on it are reproducible).
std::uint64_t hash_state(const TargetState& state);

}  // namespace svcsim::model
