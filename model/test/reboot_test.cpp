// §4.3 reboot: commits install_pending (CU: ubr = newest revision, older CU records superseded)
// and uninstall_pending (absent; the newest remaining CU record becomes current, ubr falls back),
// then clears reboot_pending. Each test starts from a hand-built pending state, reboots through
// apply_checked (invariants checked) and asserts the code and every resulting field.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

Catalog chain_catalog() {
  return CatalogBuilder()
      .checkpoint("KB5043080", 1742)
      .cu("KB5060000", 5000, {.baseline = 1742})
      .cu("KB5086672", 8117, {.baseline = 1742})
      .language_pack("LP")
      .enablement("KB5054156", 1742, 26200)
      .build();
}

TEST(Reboot, CommitsInstallPendingCuAndSupersedesOlder) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  ASSERT_EQ(start.ubr, 1742u);
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_EQ(device.exit_code(reboot), 0);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_FALSE(reboot.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(reboot.state.packages.origin_mask(), 0u);
  EXPECT_EQ(reboot.fault_sites, reboot_faults);
  EXPECT_EQ(reboot.fault, Fault::none);
}

TEST(Reboot, UbrIsTheMaxRevisionOfEverythingCommitted) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .package("KB5060000", CbsState::install_pending)
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5060000"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
}

TEST(Reboot, CommitsNonCumulativePackagesAndEnablement) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("KB5054156", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "KB5054156"), CbsState::installed);
  EXPECT_EQ(reboot.state.build, 26200u);
  EXPECT_EQ(reboot.state.ubr, 1742u);
}

TEST(Reboot, PendingPermanentPackageCommitsAsPermanent) {
  Target device(CatalogBuilder().language_pack("LP").permanent().restart(RestartType::required).build(),
                TargetKind::online);
  const Outcome add = device.apply(device.state().build(), device.add("LP"));
  ASSERT_EQ(add.code, ResultCode::success_reboot_required);
  const Outcome reboot = device.apply(add.state, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "LP"), CbsState::permanent);
}

TEST(Reboot, UninstallPendingBecomesAbsentAndUbrFallsBack) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .package("KB5086672", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  ASSERT_EQ(start.ubr, 8117u);  // still 8117 until the reboot
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::installed);
  EXPECT_EQ(reboot.state.ubr, 1742u);
  EXPECT_FALSE(reboot.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Reboot, NewestRemainingRecordBecomesCurrent) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .superseded("KB5060000")
                                .package("KB5086672", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "KB5060000"), CbsState::installed);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(reboot.state.ubr, 5000u);
}

TEST(Reboot, UninstallOfOnlyCuFallsBackToBase) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(reboot.state.ubr, 1u);
}

TEST(Reboot, UninstallOfSupersededRecordKeepsUbr) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::uninstall_pending)
                                .origin("KB5043080")
                                .installed("KB5086672")
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_EQ(reboot.state.packages.origin_mask(), 0u);
}

TEST(Reboot, UninstallOfEnablementRestoresBuild) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("KB5054156", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  ASSERT_EQ(start.build, 26200u);
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.state.build, 26100u);
  EXPECT_EQ(device.package_state(reboot.state, "KB5054156"), CbsState::absent);
}

TEST(Reboot, InstallAndUninstallInOneReboot) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("LP", CbsState::uninstall_pending)
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(device.package_state(reboot.state, "LP"), CbsState::absent);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(reboot.state.ubr, 8117u);
}

TEST(Reboot, NothingPendingIsNoOp) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_EQ(reboot.state, start);
  EXPECT_TRUE(reboot.has_note(OutcomeNote::nothing_to_do));
  EXPECT_EQ(reboot.fault_sites, 0u);
}

TEST(Reboot, RebootOwedOutsideCatalogIsCleared) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start =
      device.state().installed("KB5043080").flag(TargetFlag::reboot_pending).build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_FALSE(reboot.state.flags.has(TargetFlag::reboot_pending));
  TargetState expected = start;
  expected.flags.set(TargetFlag::reboot_pending, false);
  EXPECT_EQ(reboot.state, expected);
  EXPECT_FALSE(reboot.has_note(OutcomeNote::nothing_to_do));  // it did something
  // v2 (§5): CBS's own queued work executes at this reboot, so reboot faults strike here too.
  EXPECT_EQ(reboot.fault_sites, reboot_faults);
}

TEST(Reboot, RebootOwedOutsideCatalogTakesRebootFaults) {
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start =
      device.state().installed("KB5043080").flag(TargetFlag::reboot_pending).build();
  TargetState paid = start;
  paid.flags.set(TargetFlag::reboot_pending, false);
  const Outcome rolled_back = device.apply(start, Target::reboot(), Fault::startup_failure);
  EXPECT_EQ(rolled_back.code, ResultCode::s_ok);
  EXPECT_EQ(rolled_back.state, paid);  // the owed work is gone: nothing of ours to restore
  const Outcome interrupted = device.apply(start, Target::reboot(), Fault::commit_interrupted);
  EXPECT_TRUE(interrupted.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_TRUE(interrupted.state.flags.has(TargetFlag::commit_interrupted));
  const Outcome retried = device.apply(interrupted.state, Target::reboot());
  EXPECT_EQ(retried.state, paid);
  const Outcome failed = device.apply(start, Target::reboot(), Fault::rollback_failure);
  EXPECT_EQ(failed.code, ResultCode::cbs_e_installers_failed);
  EXPECT_TRUE(failed.state.flags.has(TargetFlag::unserviceable));
  EXPECT_FALSE(failed.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Reboot, OfflineRebootIsNotApplicable) {
  Target image(chain_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().installed("KB5043080").build();
  const Outcome reboot = image.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(image.exit_code(reboot), -2146498530);
  EXPECT_EQ(reboot.state, start);
}

TEST(Reboot, OfflineRebootWithOnlineActionsPendingChangesNothing) {
  // Online actions wait for the image's first boot, which a `reboot` step (online only) is not.
  Target image(CatalogBuilder().dotnet("NDP", 9300).build(), TargetKind::install_wim);
  const Outcome add = image.apply(image.state().build(), image.add("NDP"));
  ASSERT_TRUE(add.state.flags.has(TargetFlag::pending_online_actions));
  const Outcome reboot = image.apply(add.state, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(reboot.state, add.state);
}

TEST(Reboot, UnserviceableTargetStillReboots) {
  // Check 1 refuses servicing sessions; a reboot is not one, and with nothing pending it is a
  // plain restart.
  Target device(chain_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::partially_installed)
                                .flag(TargetFlag::unserviceable)
                                .build();
  const Outcome reboot = device.apply(start, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_EQ(reboot.state, start);
}

}  // namespace
}  // namespace svcsim::model
