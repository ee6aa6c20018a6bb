// TargetModel (see target_model.hpp).
#include "target_model.hpp"

#include <rapidcheck.h>

#include "svcsim/model/result_code.hpp"
#include "text.hpp"

namespace svcsim::properties {

bool chance(int percent) {
  return *rc::gen::resize(100, rc::gen::inRange(0, 100)) >= 100 - percent;
}

std::string check_laws(const StepView& step, const PendingSession& session) {
  using Law = std::string (*)(const StepView&);
  static constexpr Law laws[] = {&law_invariants,           &law_fault_sites,
                                 &law_atomicity,            &law_permanence,
                                 &law_reboot_commits_pending, &law_commit_interrupted,
                                 &law_ubr_after_removal,    &law_cleanup,
                                 &law_offline_lifecycle,    &law_defects,
                                 &law_regressions,          &law_reboot_bound};
  for (Law law : laws) {
    std::string broken = law(step);
    if (!broken.empty()) return broken;
  }
  return law_pending_session_undone(step, session);
}

TargetModel::TargetModel(std::shared_ptr<const scenario::Scenario> scenario,
                         model::DeviceBits device)
    : scenario_(std::move(scenario)),
      context_(scenario::make_world(*scenario_).context(0)),
      state_(scenario::make_world(*scenario_).initial_state(device).targets[0]) {}

const model::Outcome& TargetModel::step(const model::Operation& operation, model::Fault fault) {
  const model::TargetState before = state_;
  last_ = model::apply(context_, before, operation, fault);
  const StepView view{context_, before, operation, fault, last_};
  history_ += "  " + operation_text(context_, operation, fault) + " -> " +
              model::hresult_text(model::hresult(last_.code)) +
              (last_.fault != model::Fault::none ? " (struck)" : "") + "\n";
  const std::string broken = check_laws(view, session_);
  if (!broken.empty()) {
    RC_FAIL(broken + "\nsteps:\n" + history_ + "before: " + state_text(context_, before) +
            "\nafter:  " + state_text(context_, last_.state));
  }
  track_session(view, session_, committed_session_);
  if (pending_packages(context_, last_.state.packages) != 0 && !session_.active()) {
    RC_FAIL("(harness) packages are pending but no session is tracked\nsteps:\n" + history_);
  }
  state_ = last_.state;
  return last_;
}

model::Operation TargetModel::add(model::PackageIndex package, bool prevent_pending) const {
  model::Operation operation;
  operation.kind = model::OperationKind::add;
  operation.package = package;
  operation.prevent_pending = prevent_pending;
  return operation;
}

model::Operation TargetModel::add_folder(model::PackageIndex package) const {
  model::Operation operation;
  operation.kind = model::OperationKind::add_folder;
  operation.package = package;
  return operation;
}

model::Operation TargetModel::remove(model::PackageIndex package) const {
  model::Operation operation;
  operation.kind = model::OperationKind::remove;
  operation.package = package;
  return operation;
}

model::Operation TargetModel::of_kind(model::OperationKind kind, bool reset_base) {
  model::Operation operation;
  operation.kind = kind;
  operation.reset_base = reset_base;
  return operation;
}

}  // namespace svcsim::properties
