// apply(): the servicing model's one transition function (servicing-model.md §4, §5).
// Pure, allocation-free, deterministic: every engine (run, explore, compare, the DISM emulator)
// calls it and none restates a rule.
#pragma once

#include <cstdint>

#include "svcsim/model/context.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/result_code.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model {

/// Notes on how an outcome came about, for traces and for classification.
enum class OutcomeNote : std::uint16_t {
  bundled_ssu_installed = 1u << 0,      // §4.1 check 6 ran: ssu_version rose, permanently
  skipped_prevent_pending = 1u << 1,    // §4.1 check 5: /PreventPending skipped the add
  nothing_to_do = 1u << 2,              // a reboot or revert with nothing pending, an idempotent add
  commit_retried = 1u << 3,             // a reboot re-ran an interrupted pending.xml
  session_rolled_back = 1u << 4,        // startup_failure: the boot undid the pending session
  process_killed = 1u << 5,             // power loss / crash: DISM produced no exit code
  reboot_not_run = 1u << 6,             // §4.3 v2: a reboot due past reboot_count_max: the run
                                        // ends stuck in a reboot loop (the plan stops there)
  defect_struck = 1u << 7,              // §2 v2: the device's defect of a package struck
  older_checkpoint = 1u << 8,           // §4.1 check 4 v2: an older checkpoint CU re-added
};
using OutcomeNotes = std::uint16_t;
constexpr OutcomeNotes note_bit(OutcomeNote note) { return static_cast<OutcomeNotes>(note); }

struct Outcome {
  TargetState state;
  ResultCode code = ResultCode::s_ok;
  /// The fault kinds that could strike this (state, operation): an add fault only where the add
  /// passed every check; a reboot fault only where something is pending. Explorers read this
  /// from the fault-free outcome to know which faulted variants exist.
  FaultSet fault_sites = 0;
  /// The fault that struck (Fault::none if none was asked for or it could not strike here).
  Fault fault = Fault::none;
  OutcomeNotes notes = 0;

  bool has_note(OutcomeNote note) const { return (notes & note_bit(note)) != 0; }
};

/// Applies `operation` (with `fault`, if it can strike here) to `state` on the target described
/// by `context`. A fault that cannot strike at this step is ignored (Outcome::fault == none).
///
///   auto outcome = apply(context, state, {OperationKind::add, kb5043080}, Fault::none);
///   if (outcome.code == ResultCode::success_reboot_required) ...
///
/// `copy_source` is read only by copy_winre (§4.8): the winre.wim image as last committed. Every
/// other operation reads nothing but `state`; model::step supplies it from the World.
Outcome apply(const ServicingContext& context, const TargetState& state, const Operation& operation,
              Fault fault = Fault::none, const ServicedImage* copy_source = nullptr);

/// Whether an image of `kind` takes servicing stack updates (and so a combined CU's SSU part).
bool takes_servicing_stacks(TargetKind kind);

/// The UBR the target will report once pending operations commit: what §4.1's checks compare
/// against when `baseline_sees_pending` is on ("effective UBR").
std::uint32_t effective_ubr(const ServicingContext& context, const TargetState& state);

/// The UBR implied by the committed CU records (I2): the newest installed/permanent CU (or one
/// still installed while its uninstall waits for a reboot), else the base.
std::uint32_t committed_ubr(const ServicingContext& context, const PackageStates& packages);

/// The reported build implied by the package states (an installed enablement package raises it).
std::uint32_t reported_build(const ServicingContext& context, const PackageStates& packages);

/// True when some operation waits for a reboot or a first boot (cleanup refuses to run then).
bool has_pending_operations(const TargetState& state);

}  // namespace svcsim::model
