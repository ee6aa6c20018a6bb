// The servicing laws (servicing-model.md §4-§6) as checks of one transition. Each check restates
// what the spec requires of a step, independently of model/src/apply.cpp and of
// model::check_step's own I3 code, and returns an empty string when the law holds, else a
// description of what broke. TargetModel::step runs all of them after every operation.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::properties {

/// One executed step: the state before it, what was asked (operation and fault) and what the
/// model answered.
struct StepView {
  const model::ServicingContext& context;
  const model::TargetState& before;
  const model::Operation& operation;
  model::Fault fault = model::Fault::none;  // the fault asked for (it may not strike)
  const model::Outcome& outcome;
};

/// What the harness remembers of the current pending session: the operations since the last
/// reboot/revert that made something pending. The "pre-session state" is `start`, the state just
/// before the first operation that took the pending set from empty to non-empty.
struct PendingSession {
  std::optional<model::TargetState> start;
  /// Per package: its state just before it went pending in this session.
  std::array<model::CbsState, model::package_count_max> before_pending{};
  /// Packages changed *at once* during the session (a non-pending state to another non-pending
  /// one: adds without restart, SSUs, power-loss orphans, offline installs and removals and the
  /// CU supersedence they cause). These are committed when they happen, not at the reboot, so a
  /// rollback of the session keeps them.
  model::PackageMask changed_at_once = 0;

  bool active() const { return start.has_value(); }
};

bool is_pending(model::CbsState state);

/// The packages of the catalog that are install_pending or uninstall_pending (walked one by one).
model::PackageMask pending_packages(const model::ServicingContext& context,
                                    const model::PackageStates& packages);

/// True when the step threw the live image away for the last committed one (a crash while
/// mounted, or a successful discard): the only steps after which `permanent` may be left.
bool restores_last_commit(const StepView& step);

/// Updates `session` after `step` (see PendingSession). `committed` is the session as of the
/// last mount/commit of an offline image, which a discard or a crash brings back with the image.
void track_session(const StepView& step, PendingSession& session, PendingSession& committed);

// ---- The laws. Each returns "" when it holds. -------------------------------------------------

/// Invariants I1-I4 (§6): model::check_step finds nothing wrong with the transition.
std::string law_invariants(const StepView& step);

/// §5 fault sites: a fault strikes exactly where its operation really executes (an add fault at
/// an add that passed every check, a reboot fault at a reboot with something pending, a crash
/// on a mounted offline image); one that does not strike changes nothing about the outcome; and
/// apply() is a function (the same input gives the same outcome).
std::string law_fault_sites(const StepView& step);

/// Atomicity (§4, §5, I3): a failed operation changes only what the spec allows: a bundled SSU
/// raising ssu_version, an orphan `staged` from power_loss_staging, partially_installed +
/// unserviceable from rollback_failure, store_corrupt with 0x80073712, and after
/// crash_while_mounted exactly the last committed image.
std::string law_atomicity(const StepView& step);

/// Permanence (I1, §4.5): an SSU or a permanent package never leaves `permanent`, and the
/// servicing stack never goes back, except when a discard or a crash restores an offline
/// image's last commit.
std::string law_permanence(const StepView& step);

/// §4.3: a fault-free reboot on an online target commits exactly the pending set: every
/// install_pending package is committed, every uninstall_pending one is absent, nothing else
/// changes but CU supersedence, ubr is the newest remaining CU record, reboot_pending is false.
std::string law_reboot_commits_pending(const StepView& step);

/// §5 commit_interrupted: the reboot dies executing pending.xml: every state stays as it was,
/// only `commit_interrupted` is set.
std::string law_commit_interrupted(const StepView& step);

/// §5 startup_failure and §4.6 revert_pending: the pending session is undone exactly: the state
/// equals the pre-session state, except what the session committed at once (see
/// PendingSession::changed_at_once and the exclusions documented in laws.cpp).
std::string law_pending_session_undone(const StepView& step, const PendingSession& session);

/// §4.3/§4.4: removing a CU (offline at once, online at the reboot) leaves ubr at the newest
/// remaining committed CU record's revision, or the base.
std::string law_ubr_after_removal(const StepView& step);

/// §4.5: a successful cleanup removes superseded records (they read absent), sets
/// components_reset, and with /ResetBase turns every installed package permanent; nothing else.
std::string law_cleanup(const StepView& step);

/// §4.7: mount and commit make the committed image the live one; discard brings the last commit
/// back, unmounted.
std::string law_offline_lifecycle(const StepView& step);

/// v2 defects (§2, §4.1 check 10a, §4.3): an add of a package whose add-defect the device has
/// never installs or queues it; a fault-free reboot that would commit a package whose
/// commit-defect the device has commits nothing of its session and reports S_OK.
std::string law_defects(const StepView& step);

/// v2 regressions (§2): a regression begins when its package commits on a device that has it,
/// ends only when one of its fixes commits (a fix in the same step wins), and changes at no
/// other step except when an image returns to its last commit.
std::string law_regressions(const StepView& step);

/// v2 reboot bound (§4.3): where the bound can bind, a reboot runs exactly while fewer than
/// reboot_count_max reboots ran; one that does not run changes nothing but `reboot_loop`.
std::string law_reboot_bound(const StepView& step);

}  // namespace svcsim::properties
