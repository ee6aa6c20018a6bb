// §5 faults: one test per fault kind, each injecting it at a step where it can strike and
// asserting the code, the exit code (nullopt where the process is killed), the whole resulting
// state and Outcome::fault; then where faults cannot strike (they are ignored and fault_sites is
// empty) and where they can (fault_sites lists them). Every step runs through apply_checked, so
// I3 (a failed operation changes only what §5 allows) is checked on each.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

constexpr std::int32_t exit_installers_failed = -2146498270;  // 0x800F0922
constexpr std::int32_t exit_unserviceable = -2146498512;      // 0x800F0830

/// Online, checkpoint committed, stack 1: KB5086672's add passes every check (its bundled SSU
/// raises the stack to 8115 first).
TargetState checkpoint_installed(const Target& device) {
  return device.state().installed("KB5043080").ssu_version(1).build();
}

/// Online, checkpoint committed, KB5086672 queued for the reboot.
TargetState cu_pending(const Target& device) {
  return device.state()
      .installed("KB5043080")
      .package("KB5086672", CbsState::install_pending)
      .flag(TargetFlag::reboot_pending)
      .ssu_version(8115)
      .build();
}

// ---------------------------------------------------------------------------------------------
// Add faults

TEST(Fault, ExecuteFailureLeavesStateAsBeforeButBundledSsuStays) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = checkpoint_installed(device);
  const Outcome outcome = device.apply(start, device.add("KB5086672"), Fault::execute_failure);
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_installers_failed);
  EXPECT_EQ(device.exit_code(outcome), exit_installers_failed);
  EXPECT_EQ(outcome.fault, Fault::execute_failure);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(outcome.state, expected);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::bundled_ssu_installed));
}

TEST(Fault, ExecuteFailureInMethod1SessionRollsBackEverySessionPackage) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome =
      device.apply(start, device.add_folder("KB5086672"), Fault::execute_failure);
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_installers_failed);
  EXPECT_EQ(outcome.fault, Fault::execute_failure);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(outcome.state, expected);
}

TEST(Fault, PowerLossStagingLeavesAnOrphanAndNoExitCode) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome = device.apply(start, device.add("KB5043080"), Fault::power_loss_staging);
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_session_interrupted);
  EXPECT_EQ(device.exit_code(outcome), std::nullopt);
  EXPECT_EQ(outcome.fault, Fault::power_loss_staging);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::process_killed));
  TargetState expected = start;
  expected.packages.set(device.index("KB5043080"), CbsState::staged);
  EXPECT_EQ(outcome.state, expected);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Fault, PowerLossStagingThenLaterAddContinuesFromStaged) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const Outcome killed =
      device.apply(device.state().build(), device.add("KB5043080"), Fault::power_loss_staging);
  ASSERT_EQ(device.package_state(killed.state, "KB5043080"), CbsState::staged);
  const Outcome retry = device.apply(killed.state, device.add("KB5043080"));
  EXPECT_EQ(retry.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.exit_code(retry), 3010);
  EXPECT_EQ(device.package_state(retry.state, "KB5043080"), CbsState::install_pending);
  EXPECT_TRUE(retry.state.packages.origin(device.index("KB5043080")));
  const Outcome reboot = device.apply(retry.state, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::installed);
  EXPECT_EQ(reboot.state.ubr, 1742u);
}

TEST(Fault, PowerLossStagingOfflineThenLaterAddInstalls) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().installed("KB5043080").build();
  const Outcome killed = image.apply(start, image.add("KB5086672"), Fault::power_loss_staging);
  EXPECT_EQ(image.exit_code(killed), std::nullopt);
  EXPECT_EQ(image.package_state(killed.state, "KB5086672"), CbsState::staged);
  EXPECT_EQ(killed.state.ubr, 1742u);
  EXPECT_EQ(killed.state.ssu_version, 8115u);  // the bundled SSU's own session completed
  const Outcome retry = image.apply(killed.state, image.add("KB5086672"));
  EXPECT_EQ(retry.code, ResultCode::s_ok);
  EXPECT_EQ(image.package_state(retry.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(retry.state.ubr, 8117u);
}

TEST(Fault, PowerLossStagingInMethod1StagesEverySessionPackage) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome =
      device.apply(start, device.add_folder("KB5086672"), Fault::power_loss_staging);
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_session_interrupted);
  EXPECT_EQ(device.exit_code(outcome), std::nullopt);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::staged);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::staged);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 1u);
}

TEST(Fault, DiskFullChangesNothingButTheBundledSsu) {
  // v2 (§5): add faults strike after check 6, so the bundled SSU stays raised.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = checkpoint_installed(device);
  const Outcome outcome = device.apply(start, device.add("KB5086672"), Fault::disk_full);
  EXPECT_EQ(outcome.code, ResultCode::error_disk_full);
  EXPECT_EQ(device.exit_code(outcome), 112);
  EXPECT_EQ(outcome.fault, Fault::disk_full);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(outcome.state, expected);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::bundled_ssu_installed));
}

TEST(Fault, PayloadMissingChangesNothingButTheBundledSsu) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = checkpoint_installed(device);
  const Outcome outcome = device.apply(start, device.add("KB5086672"), Fault::payload_missing);
  EXPECT_EQ(outcome.code, ResultCode::psfx_e_missing_payload_file);
  EXPECT_EQ(device.exit_code(outcome), -2146498159);
  EXPECT_EQ(outcome.fault, Fault::payload_missing);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(outcome.state, expected);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::bundled_ssu_installed));
}

TEST(Fault, DiskFullInMethod1ChangesNothingButTheBundledSsu) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome = device.apply(start, device.add_folder("KB5086672"), Fault::disk_full);
  EXPECT_EQ(outcome.code, ResultCode::error_disk_full);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(outcome.state, expected);
}

// ---------------------------------------------------------------------------------------------
// Reboot faults

TEST(Fault, StartupFailureRollsBackSilently) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = cu_pending(device);
  const Outcome outcome = device.apply(start, Target::reboot(), Fault::startup_failure);
  EXPECT_EQ(outcome.code, ResultCode::s_ok);  // the reboot itself looks fine
  EXPECT_EQ(device.exit_code(outcome), 0);
  EXPECT_EQ(outcome.fault, Fault::startup_failure);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::session_rolled_back));
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::installed);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 1742u);
  EXPECT_EQ(outcome.state.ssu_version, 8115u);  // the bundled SSU was not part of the session
}

TEST(Fault, StartupFailureRestoresEachPackageToItsPreSessionState) {
  Target device(CatalogBuilder()
                    .checkpoint("KB5043080", 1742)
                    .cu("KB5086672", 8117, {.baseline = 1742})
                    .language_pack("LP")
                    .build(),
                TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .origin("KB5043080")  // a staged orphan before the session
                                .package("KB5086672", CbsState::install_pending)
                                .package("LP", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::reboot(), Fault::startup_failure);
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::staged);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "LP"), CbsState::installed);
  EXPECT_EQ(outcome.state.packages.origin_mask(), 0u);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Fault, CommitInterruptedKeepsPendingThenNextRebootCommits) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = cu_pending(device);
  const Outcome interrupted = device.apply(start, Target::reboot(), Fault::commit_interrupted);
  // Spec gap: §5 gives no code for this fault; the model reports S_OK (the machine comes back).
  EXPECT_EQ(interrupted.code, ResultCode::s_ok);
  EXPECT_EQ(interrupted.fault, Fault::commit_interrupted);
  TargetState expected = start;
  expected.flags.set(TargetFlag::commit_interrupted);
  EXPECT_EQ(interrupted.state, expected);  // states stay pending, reboot still owed
  EXPECT_EQ(interrupted.fault_sites, reboot_faults);

  const Outcome retry = device.apply(interrupted.state, Target::reboot());
  EXPECT_EQ(retry.code, ResultCode::s_ok);
  EXPECT_TRUE(retry.has_note(OutcomeNote::commit_retried));
  EXPECT_EQ(device.package_state(retry.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(device.package_state(retry.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(retry.state.ubr, 8117u);
  EXPECT_FALSE(retry.state.flags.has(TargetFlag::commit_interrupted));
  EXPECT_FALSE(retry.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Fault, RollbackFailureLeavesTargetStuck) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = cu_pending(device);
  const Outcome outcome = device.apply(start, Target::reboot(), Fault::rollback_failure);
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_installers_failed);
  EXPECT_EQ(device.exit_code(outcome), exit_installers_failed);
  EXPECT_EQ(outcome.fault, Fault::rollback_failure);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::partially_installed);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::installed);
  EXPECT_TRUE(outcome.state.flags.has(TargetFlag::unserviceable));
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 1742u);
}

TEST(Fault, AfterRollbackFailureEverySessionIsUnserviceable) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const Outcome stuck = device.apply(cu_pending(device), Target::reboot(), Fault::rollback_failure);
  ASSERT_TRUE(stuck.state.flags.has(TargetFlag::unserviceable));
  for (const Operation& operation :
       {device.add("KB5086672"), device.add("SSU"), device.add_folder("KB5086672"),
        device.remove("KB5043080"), device.remove("KB5086672"), Target::cleanup(),
        Target::cleanup(true), Target::revert_pending()}) {
    SCOPED_TRACE(operation_kind_name(operation.kind));
    const Outcome outcome = device.apply(stuck.state, operation);
    EXPECT_EQ(outcome.code, ResultCode::cbs_e_image_unserviceable);
    EXPECT_EQ(device.exit_code(outcome), exit_unserviceable);
    EXPECT_EQ(outcome.state, stuck.state);
  }
}

TEST(Fault, CrashWhileMountedDiscardsTheMount) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const Outcome checkpoint = image.apply(image.state().build(), image.add("KB5043080"));
  const Outcome commit = image.apply(checkpoint.state, Target::commit());
  const Outcome ssu = image.apply(commit.state, image.add("SSU"));  // uncommitted
  ASSERT_EQ(ssu.state.ssu_version, 8115u);
  const Outcome crash = image.apply(ssu.state, image.add("KB5086672"), Fault::crash_while_mounted);
  EXPECT_EQ(crash.code, ResultCode::cbs_e_session_interrupted);
  EXPECT_EQ(image.exit_code(crash), std::nullopt);
  EXPECT_EQ(crash.fault, Fault::crash_while_mounted);
  EXPECT_FALSE(crash.state.flags.has(TargetFlag::mounted));
  ServicedImage expected = commit.state.committed;
  EXPECT_EQ(static_cast<const ServicedImage&>(crash.state), expected);
  EXPECT_EQ(image.package_state(crash.state, "KB5043080"), CbsState::installed);
  EXPECT_EQ(image.package_state(crash.state, "SSU"), CbsState::absent);
  EXPECT_EQ(image.package_state(crash.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(crash.state.ubr, 1742u);
  EXPECT_EQ(crash.state.committed, commit.state.committed);
}

TEST(Fault, CrashWhileMountedAtCommitLosesTheUncommittedChanges) {
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  const TargetState start = image.state().build();
  const Outcome add = image.apply(start, image.add("KB5043080"));
  const Outcome crash = image.apply(add.state, Target::commit(), Fault::crash_while_mounted);
  EXPECT_EQ(crash.fault, Fault::crash_while_mounted);
  TargetState expected = start;
  expected.flags.set(TargetFlag::mounted, false);
  EXPECT_EQ(crash.state, expected);
}

// ---------------------------------------------------------------------------------------------
// Where faults cannot strike, and where they can

TEST(Fault, AddFaultOnAddFailingCheckSevenIsIgnored) {
  Target device(CatalogBuilder()
                    .checkpoint("KB5043080", 1742)
                    .cu("KB5086672", 8117, {.baseline = 1742, .ssu_min = 8115})
                    .build(),
                TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  const Outcome clean = device.apply(start, device.add("KB5086672"));
  ASSERT_EQ(clean.code, ResultCode::cbs_e_new_servicing_stack_required);
  EXPECT_EQ(clean.fault_sites, 0u);
  for (Fault fault : {Fault::execute_failure, Fault::power_loss_staging, Fault::disk_full,
                      Fault::payload_missing}) {
    SCOPED_TRACE(fault_name(fault));
    const Outcome outcome = device.apply(start, device.add("KB5086672"), fault);
    EXPECT_EQ(outcome.fault, Fault::none);
    EXPECT_EQ(outcome.code, ResultCode::cbs_e_new_servicing_stack_required);
    EXPECT_EQ(outcome.state, clean.state);
    EXPECT_EQ(outcome.fault_sites, 0u);
  }
}

TEST(Fault, AddFaultOnAlreadyInstalledOrSkippedAddIsIgnored) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState installed = device.state().installed("KB5043080").build();
  const Outcome already = device.apply(installed, device.add("KB5043080"), Fault::disk_full);
  EXPECT_EQ(already.code, ResultCode::already_installed);
  EXPECT_EQ(already.fault, Fault::none);
  EXPECT_EQ(already.fault_sites, 0u);

  const TargetState pending = device.state()
                                  .package("KB5043080", CbsState::install_pending)
                                  .flag(TargetFlag::reboot_pending)
                                  .build();
  const Outcome skipped =
      device.apply(pending, device.add("KB5086672", true), Fault::execute_failure);
  EXPECT_EQ(skipped.code, ResultCode::s_ok);
  EXPECT_EQ(skipped.fault, Fault::none);
  EXPECT_EQ(skipped.fault_sites, 0u);
  EXPECT_EQ(skipped.state, pending);
}

TEST(Fault, RebootFaultWithNothingPendingIsIgnored) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  for (Fault fault : {Fault::startup_failure, Fault::commit_interrupted, Fault::rollback_failure}) {
    SCOPED_TRACE(fault_name(fault));
    const Outcome outcome = device.apply(start, Target::reboot(), fault);
    EXPECT_EQ(outcome.fault, Fault::none);
    EXPECT_EQ(outcome.code, ResultCode::s_ok);
    EXPECT_EQ(outcome.state, start);
    EXPECT_EQ(outcome.fault_sites, 0u);
  }
}

TEST(Fault, FaultOfTheWrongKindForTheStepIsIgnored) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = checkpoint_installed(device);
  const Outcome add = device.apply(start, device.add("KB5086672"));
  const Outcome add_with_reboot_fault =
      device.apply(start, device.add("KB5086672"), Fault::startup_failure);
  EXPECT_EQ(add_with_reboot_fault.fault, Fault::none);
  EXPECT_EQ(add_with_reboot_fault.state, add.state);
  EXPECT_EQ(add_with_reboot_fault.code, add.code);

  const Outcome reboot = device.apply(add.state, Target::reboot());
  const Outcome reboot_with_add_fault =
      device.apply(add.state, Target::reboot(), Fault::execute_failure);
  EXPECT_EQ(reboot_with_add_fault.fault, Fault::none);
  EXPECT_EQ(reboot_with_add_fault.state, reboot.state);

  const Outcome online_crash = device.apply(start, device.add("KB5086672"),
                                            Fault::crash_while_mounted);
  EXPECT_EQ(online_crash.fault, Fault::none);
  EXPECT_EQ(online_crash.state, add.state);
}

TEST(Fault, CrashOnUnmountedImageIsIgnored) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().unmounted().build();
  const Outcome outcome = image.apply(start, Target::mount(), Fault::crash_while_mounted);
  EXPECT_EQ(outcome.fault, Fault::none);
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_TRUE(outcome.state.flags.has(TargetFlag::mounted));
}

TEST(Fault, SitesListAddFaultsAtAnAddThatPassedItsChecks) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const Outcome online = device.apply(checkpoint_installed(device), device.add("KB5086672"));
  EXPECT_EQ(online.fault_sites, add_faults);
  EXPECT_EQ(online.fault, Fault::none);

  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const Outcome offline =
      image.apply(image.state().installed("KB5043080").build(), image.add("KB5086672"));
  EXPECT_EQ(offline.fault_sites, add_faults | fault_bit(Fault::crash_while_mounted));
}

TEST(Fault, SitesListRebootFaultsAtARebootWithPendingPackages) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const Outcome reboot = device.apply(cu_pending(device), Target::reboot());
  EXPECT_EQ(reboot.fault_sites, reboot_faults);
  EXPECT_EQ(reboot.fault, Fault::none);
}

}  // namespace
}  // namespace svcsim::model
