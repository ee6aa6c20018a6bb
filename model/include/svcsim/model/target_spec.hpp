// A target's declared starting state (servicing-model.md §1) and the rules that decide whether
// such a start is possible. The scenario loader, an .msu importer, a fleet generator and the
// DISM emulator all build a TargetSpec and call these functions, so each rule is written once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/cbs_state.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/knobs.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/result.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model {

/// A target's declared starting state.
struct TargetSpec {
  std::string name;
  TargetKind kind = TargetKind::online;
  std::uint32_t build = 0;
  std::uint32_t ubr = 0;
  std::uint32_t base_ubr = 0;    // UBR with no CU record committed; given, or derive_base_ubr
  std::uint32_t base_build = 0;  // build without an enablement package; given, or derive_base_build
  std::uint32_t ssu_version = 0;
  std::vector<PackageIndex> installed;        // records committed at the start
  std::vector<PackageIndex> superseded;       // records superseded at the start
  std::vector<PackageIndex> install_pending;  // records queued for the next (first) boot (v2)
  std::vector<PackageIndex> staged;           // orphans of an interrupted add (v2)
  /// As declared, starting from default_starting_flags(kind). initial_state adds the flag that
  /// install_pending records imply (pending_flag).
  TargetFlags flags;
};

/// The lists of starting records, one per CBS state a target may start in, in the order a
/// scenario file reads them.
enum class StartingList : std::uint8_t { installed, superseded, install_pending, staged };
inline constexpr int starting_list_count = 4;

/// "installed", "superseded", "install_pending", "staged": the scenario keys.
std::string_view starting_list_name(StartingList list);

std::vector<PackageIndex>& starting_records(TargetSpec& spec, StartingList list);
const std::vector<PackageIndex>& starting_records(const TargetSpec& spec, StartingList list);

/// The CBS state a record of `list` starts in: `installed` is `permanent` for a permanent
/// package (every SSU), as a commit would leave it.
CbsState starting_state(const Package& package, StartingList list);

/// The flags a target of `kind` has unless it says otherwise: an image (install.wim, boot.wim,
/// winre.wim) starts mounted, ready to be serviced; a running installation and the media folder
/// start with none (the media is a folder of files: nothing to mount).
TargetFlags default_starting_flags(TargetKind kind);

/// The flag a pending record sets on a target of `kind`: `reboot_pending` online,
/// `pending_online_actions` on an image (its first boot completes the work).
TargetFlag pending_flag(TargetKind kind);

/// The UBR the target reports with no CU record committed, when the spec does not say: 1 if a
/// committed CU record explains `ubr` (any installed CU at or above it), else `ubr` itself.
std::uint32_t derive_base_ubr(const Catalog& catalog, const TargetSpec& spec);

/// The build without an enablement package, when the spec does not say: `build`, unless an
/// installed enablement package has changed it, in which case the base cannot be derived and
/// the error names that package.
Result<std::uint32_t, std::string> derive_base_build(const Catalog& catalog, const TargetSpec& spec);

/// Whether `flag` may be set at the start on a target of `kind` (a `mounted` online device, or
/// any flag on the media folder, may not). The error is one sentence naming the flag.
Result<Ok, std::string> check_starting_flag(TargetKind kind, TargetFlag flag);

/// Checks the record at `position` of `list` against the catalog, the spec's kind, build, UBR
/// and SSU version, and every record declared before it (earlier lists, and earlier entries of
/// the same list): a package has one starting state, must apply to the target, and must be in a
/// state CBS could have left it in (see the rules in target_spec.cpp). A reader that builds the
/// spec one record at a time calls it after appending each, so that an error can be reported at
/// the entry that caused it.
///
///   spec.install_pending.push_back(index);
///   if (auto checked = check_starting_record(catalog, spec, StartingList::install_pending,
///                                            spec.install_pending.size() - 1); !checked) ...
Result<Ok, std::string> check_starting_record(const Catalog& catalog, const TargetSpec& spec,
                                              StartingList list, std::size_t position);

/// Every rule on a declared start, first broken one wins: the media folder's restrictions, each
/// flag (check_starting_flag), each record (check_starting_record, in list order), and last the
/// model's state invariants (I1-I4, invariants.hpp) on initial_state, which catch what the
/// records imply together ("the starting state is impossible: I2 ubr: ...").
Result<Ok, std::string> check_starting_records(const Catalog& catalog, const TargetSpec& spec);

/// The servicing context of a target declared by `spec`. The catalog must outlive it.
ServicingContext make_context(const Catalog& catalog, const TargetSpec& spec, const Knobs& knobs);

/// The starting TargetState `spec` declares: its records, build, UBR, SSU version and flags,
/// plus the flag install_pending records imply; an offline target's committed image equals
/// its starting one (so a discard before any commit returns to the start).
TargetState initial_state(const Catalog& catalog, const TargetSpec& spec);

}  // namespace svcsim::model
