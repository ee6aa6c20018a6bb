// Stateful property tests of the servicing laws: RapidCheck generates a scenario (catalog,
// knobs, a target of any kind with a random starting state) and a sequence of commands, one per
// operation of servicing-model.md §4, each with an optional §5 fault; every command runs
// model::apply on a TargetModel, which checks every law of laws.hpp after the step. A failure
// shrinks to a minimal scenario and command list, printed one command a line
// ("add KB5000002 [power_loss_staging]").
//
// How rc::state is used here: its "model" (CommandSpace) is only what generating a command needs,
// the catalog and the target kind, and its apply() does nothing. Every operation is valid in
// every state (the model answers each with a result code), so no command needs a precondition on
// the target state; and keeping every model::apply call in run() means an SVCSIM_ASSERT inside
// the model throws during the test case proper, where RapidCheck records the failure and shrinks
// it, rather than during generation. The system under test is the TargetModel.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <memory>
#include <ostream>
#include <vector>

#include "scenario_generator.hpp"
#include "target_model.hpp"
#include "text.hpp"

namespace svcsim::properties {
namespace {

using model::Fault;
using model::OperationKind;

/// What command generation reads: the catalog and the kind of target.
struct CommandSpace {
  std::shared_ptr<const scenario::Scenario> scenario;
  model::ServicingContext context;  // points into *scenario, which copies share
  bool offline = false;
};

using ServicingCommand = rc::state::Command<CommandSpace, TargetModel>;

/// A fault for a command: none most of the time, else one that can strike this kind of step
/// (crash_while_mounted on any step of an offline target).
Fault gen_fault(const CommandSpace& space, std::vector<Fault> kinds) {
  if (space.offline) kinds.push_back(Fault::crash_while_mounted);
  if (kinds.empty() || !chance(45)) return Fault::none;
  return *rc::gen::elementOf(kinds);
}

/// Any package of the catalog, uniformly at every size (a plain inRange is scaled by the size and
/// would pick only the first packages in most cases), shrinking toward the first.
model::PackageIndex gen_package(const CommandSpace& space) {
  return static_cast<model::PackageIndex>(*rc::gen::resize(
      100, rc::gen::inRange<std::size_t>(0, space.scenario->catalog.size())));
}

/// One operation with one (possibly no) fault. Subclasses only choose them.
class OperationCommand : public ServicingCommand {
 public:
  void run(const CommandSpace& /*space*/, TargetModel& target) const override {
    target.step(operation_, fault_);
  }
  void show(std::ostream& os) const override { os << text_; }

 protected:
  void set(const CommandSpace& space, model::Operation operation, Fault fault) {
    operation_ = operation;
    fault_ = fault;
    text_ = operation_text(space.context, operation_, fault_);
  }

 private:
  model::Operation operation_;
  Fault fault_ = Fault::none;
  std::string text_;
};

/// The fault kinds of a model::FaultSet: the commands draw from the model's own sets, so a new
/// add or reboot fault kind is exercised here the day it joins the set.
std::vector<Fault> kinds_in(model::FaultSet set) {
  std::vector<Fault> kinds;
  for (int kind = 1; kind < model::fault_count; ++kind) {
    if ((set & model::fault_bit(static_cast<Fault>(kind))) != 0) kinds.push_back(static_cast<Fault>(kind));
  }
  return kinds;
}

const std::vector<Fault> add_fault_kinds = kinds_in(model::add_faults);
const std::vector<Fault> reboot_fault_kinds = kinds_in(model::reboot_faults);
// One command per operation of a single target; copy_winre needs a second target (the explorer
// and oracle tests cover it on the shipped media scenarios). A new kind must be added here.
static_assert(model::operation_kind_count == 10, "give the new operation kind a command");

/// §4.1 add(p), with or without /PreventPending.
class AddCommand : public OperationCommand {
 public:
  explicit AddCommand(const CommandSpace& space) {
    model::Operation operation;
    operation.kind = OperationKind::add;
    operation.package = gen_package(space);
    operation.prevent_pending = chance(15);
    set(space, operation, gen_fault(space, add_fault_kinds));
  }
};

/// §4.2 Method 1: add_folder(cu), the target drawn from the catalog's CUs.
class AddFolderCommand : public OperationCommand {
 public:
  explicit AddFolderCommand(const CommandSpace& space) {
    std::vector<model::PackageIndex> cumulative;
    for (std::size_t slot = 0; slot < space.scenario->catalog.size(); ++slot) {
      const auto index = static_cast<model::PackageIndex>(slot);
      if (model::is_cumulative(space.scenario->catalog[index].kind)) cumulative.push_back(index);
    }
    RC_PRE(!cumulative.empty());
    model::Operation operation;
    operation.kind = OperationKind::add_folder;
    operation.package = *rc::gen::elementOf(cumulative);
    operation.prevent_pending = chance(10);
    set(space, operation, gen_fault(space, add_fault_kinds));
  }
};

/// §4.3 reboot (online only), with the reboot faults.
class RebootCommand : public OperationCommand {
 public:
  explicit RebootCommand(const CommandSpace& space) {
    RC_PRE(!space.offline);
    set(space, TargetModel::of_kind(OperationKind::reboot),
        gen_fault(space, reboot_fault_kinds));
  }
};

/// §4.4 remove(p).
class RemoveCommand : public OperationCommand {
 public:
  explicit RemoveCommand(const CommandSpace& space) {
    model::Operation operation;
    operation.kind = OperationKind::remove;
    operation.package = gen_package(space);
    set(space, operation, gen_fault(space, {}));
  }
};

/// §4.5 cleanup, with or without /ResetBase.
class CleanupCommand : public OperationCommand {
 public:
  explicit CleanupCommand(const CommandSpace& space) {
    set(space, TargetModel::of_kind(OperationKind::cleanup, *rc::gen::arbitrary<bool>()),
        gen_fault(space, {}));
  }
};

/// §4.6 revert_pending.
class RevertPendingCommand : public OperationCommand {
 public:
  explicit RevertPendingCommand(const CommandSpace& space) {
    set(space, TargetModel::of_kind(OperationKind::revert_pending), gen_fault(space, {}));
  }
};

/// §4.7 mount, commit, discard (offline only).
template <OperationKind kind>
class LifecycleCommand : public OperationCommand {
 public:
  explicit LifecycleCommand(const CommandSpace& space) {
    RC_PRE(space.offline);
    set(space, TargetModel::of_kind(kind), gen_fault(space, {}));
  }
};

/// Runs a generated command sequence on the generated scenario's target. Adds are listed three
/// times and removes twice: a small catalog is soon all installed, and only adds after faults
/// and removes make new pending sessions for the reboot and rollback laws to judge.
void check_stateful(const scenario::Scenario& generated) {
  auto scenario = std::make_shared<const scenario::Scenario>(generated);
  CommandSpace space;
  space.scenario = scenario;
  space.context = scenario::make_context(*scenario, 0);
  space.offline = model::is_offline(scenario->targets[0].kind);
  // v2: a device with any of the catalog's defects and regressions, listed or not.
  const auto properties = model::device_properties(scenario->catalog).size();
  const auto device = static_cast<model::DeviceBits>(
      *rc::gen::inRange(0, 1 << properties) | model::device_always(scenario->catalog));
  TargetModel target(scenario, device);
  rc::state::check(
      space, target,
      rc::state::gen::execOneOfWithArgs<
          AddCommand, AddCommand, AddCommand, AddFolderCommand, RebootCommand, RebootCommand,
          RemoveCommand, RemoveCommand, CleanupCommand, RevertPendingCommand, LifecycleCommand<OperationKind::mount>,
          LifecycleCommand<OperationKind::commit>, LifecycleCommand<OperationKind::discard>>());
}

simulator::testing::ScenarioLimits stateful_limits() {
  return {.package_count_max = 8, .step_count_max = 1, .fault_count_max = 0};
}

// Every operation and fault on an online target: the laws hold after every step.
RC_GTEST_PROP(StatefulLaws, OnlineTarget, ()) {
  const auto scenario = *simulator::testing::gen_scenario(stateful_limits());
  RC_PRE(scenario.targets[0].kind == model::TargetKind::online);
  check_stateful(scenario);
}

// Every operation and fault on an offline target (install.wim, boot.wim, winre.wim).
RC_GTEST_PROP(StatefulLaws, OfflineTarget, ()) {
  const auto scenario = *simulator::testing::gen_scenario(stateful_limits());
  RC_PRE(model::is_offline(scenario.targets[0].kind));
  check_stateful(scenario);
}

}  // namespace
}  // namespace svcsim::properties
