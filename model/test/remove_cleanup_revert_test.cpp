// §4.4 remove, §4.5 cleanup [/ResetBase] and §4.6 revert_pending. Each test builds a small
// state by hand, applies the operation through apply_checked (invariants checked) and asserts the
// exact code, exit code and resulting package states and flags. Where §4 is silent, the test pins
// what apply() does and says so.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

constexpr std::int32_t exit_cannot_uninstall = -2146498523;  // 0x800F0825
constexpr std::int32_t exit_invalid_package = -2146498555;   // 0x800F0805
constexpr std::int32_t exit_pending = -2146498554;           // 0x800F0806

Catalog catalog() {
  return CatalogBuilder()
      .ssu("SSU", 8115)
      .checkpoint("KB5043080", 1742)
      .cu("KB5086672", 8117, {.baseline = 1742})
      .language_pack("LP")
      .fod("FOD")
      .permanent()
      .dotnet("NDP", 9300)
      .build();
}

// ---------------------------------------------------------------------------------------------
// §4.4 remove

TEST(Remove, SsuCannotBeUninstalled) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().installed("SSU").ssu_version(8115).build();
  const Outcome outcome = device.apply(start, device.remove("SSU"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_cannot_uninstall);
  EXPECT_EQ(device.exit_code(outcome), exit_cannot_uninstall);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, PermanentPackageCannotBeUninstalled) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().installed("FOD").build();
  ASSERT_EQ(device.package_state(start, "FOD"), CbsState::permanent);
  const Outcome outcome = device.apply(start, device.remove("FOD"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_cannot_uninstall);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, AbsentSsuIsCannotUninstallFirst) {
  // §4.4 lists "ssu or permanent" before "not present"; the model checks the kind first.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome = device.apply(start, device.remove("SSU"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_cannot_uninstall);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, AbsentPackageIsInvalidPackage) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome outcome = device.apply(start, device.remove("LP"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_invalid_package);
  EXPECT_EQ(hresult(outcome.code), 0x800F0805u);
  EXPECT_EQ(device.exit_code(outcome), exit_invalid_package);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, AbsentPackageErrorFollowsKnob) {
  Knobs knobs;
  knobs.remove_absent_error = ResultCode::cbs_e_not_applicable;
  Target device(catalog(), TargetKind::online, knobs);
  const TargetState start = device.state().build();
  const Outcome outcome = device.apply(start, device.remove("LP"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, OnlineRemoveGoesUninstallPending) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().superseded("KB5043080").installed("KB5086672").build();
  const Outcome outcome = device.apply(start, device.remove("KB5086672"));
  EXPECT_EQ(outcome.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.exit_code(outcome), 3010);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::uninstall_pending);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::superseded);
  EXPECT_TRUE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 8117u);  // falls back only at the reboot
}

TEST(Remove, OnlineRemoveOfSupersededRecordRemembersOrigin) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().superseded("KB5043080").installed("KB5086672").build();
  const Outcome outcome = device.apply(start, device.remove("KB5043080"));
  EXPECT_EQ(outcome.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::uninstall_pending);
  EXPECT_TRUE(outcome.state.packages.origin(device.index("KB5043080")));
}

TEST(Remove, OfflineRemoveIsAbsentAtOnceAndUbrFallsBack) {
  Target image(catalog(), TargetKind::install_wim);
  const TargetState start = image.state().superseded("KB5043080").installed("KB5086672").build();
  const Outcome outcome = image.apply(start, image.remove("KB5086672"));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(image.exit_code(outcome), 0);
  EXPECT_EQ(image.package_state(outcome.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(image.package_state(outcome.state, "KB5043080"), CbsState::installed);
  EXPECT_EQ(outcome.state.ubr, 1742u);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::pending_online_actions));
}

TEST(Remove, UnserviceableTargetRefusesRemove) {
  Target device(catalog(), TargetKind::online);
  const TargetState start =
      device.state().installed("LP").flag(TargetFlag::unserviceable).build();
  const Outcome outcome = device.apply(start, device.remove("LP"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_image_unserviceable);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, InstallPendingPackageIsRefusedAsPending) {
  // §4.4 is silent on removing a package whose install waits for a reboot; the model answers
  // 0x800F0806 and changes nothing. Pinned.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, device.remove("KB5043080"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_pending);
  EXPECT_EQ(device.exit_code(outcome), exit_pending);
  EXPECT_EQ(outcome.state, start);
}

TEST(Remove, UninstallPendingPackageRepeats3010) {
  // §4.4 is silent; the model treats a second remove like a repeated add of a queued package.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("LP", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, device.remove("LP"));
  EXPECT_EQ(outcome.code, ResultCode::success_reboot_required);
  EXPECT_EQ(outcome.state, start);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::nothing_to_do));
}

TEST(Remove, StagedOrphanIsRemovedWithoutReboot) {
  // §4.4 is silent on a staged orphan ("not present" or not); the model removes the stage at
  // once with S_OK, online too. Pinned.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().package("KB5043080", CbsState::staged).build();
  const Outcome outcome = device.apply(start, device.remove("KB5043080"));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
}

// ---------------------------------------------------------------------------------------------
// §4.5 cleanup

TEST(Cleanup, RebootPendingIsRefused) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .installed("KB5086672")
                                .package("LP", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::cleanup());
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_pending);
  EXPECT_EQ(device.exit_code(outcome), exit_pending);
  EXPECT_EQ(outcome.state, start);
}

TEST(Cleanup, PendingOnlineActionsAreRefused) {
  Target image(catalog(), TargetKind::install_wim);
  const TargetState start = image.state()
                                .superseded("KB5043080")
                                .installed("KB5086672")
                                .package("NDP", CbsState::install_pending)
                                .flag(TargetFlag::pending_online_actions)
                                .build();
  const Outcome outcome = image.apply(start, Target::cleanup(true));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_pending);
  EXPECT_EQ(image.exit_code(outcome), exit_pending);
  EXPECT_EQ(outcome.state, start);
}

TEST(Cleanup, CommitInterruptedIsRefused) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .flag(TargetFlag::commit_interrupted)
                                .build();
  const Outcome outcome = device.apply(start, Target::cleanup());
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_pending);
  EXPECT_EQ(outcome.state, start);
}

TEST(Cleanup, EachPendingFlagAloneIsRefused) {
  // Each flag of §4.5 on its own. A lone commit_interrupted is not a reachable state (I4 keeps
  // reboot_pending with it), so this calls apply() directly rather than apply_checked.
  Target device(catalog(), TargetKind::online);
  for (TargetFlag flag : {TargetFlag::reboot_pending, TargetFlag::pending_online_actions,
                          TargetFlag::commit_interrupted}) {
    SCOPED_TRACE(target_flag_name(flag));
    const TargetState start = device.state().superseded("KB5043080").installed("KB5086672")
                                  .flag(flag).build();
    const Outcome outcome = apply(device.context(), start, Target::cleanup());
    EXPECT_EQ(outcome.code, ResultCode::cbs_e_pending);
    EXPECT_EQ(outcome.state, start);
  }
}

TEST(Cleanup, SupersededRecordsRemovedAndComponentsReset) {
  Target device(catalog(), TargetKind::online);
  const TargetState start =
      device.state().superseded("KB5043080").installed("KB5086672").installed("LP").build();
  const Outcome outcome = device.apply(start, Target::cleanup());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.exit_code(outcome), 0);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(device.package_state(outcome.state, "LP"), CbsState::installed);  // not ResetBase
  // v2: only /ResetBase sets components_reset (§1, §4.5).
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::components_reset));
  EXPECT_EQ(outcome.state.ubr, 8117u);
}

TEST(Cleanup, PlainCleanupLeavesComponentsReset) {
  // v2 settled the v1 ambiguity: only /ResetBase sets components_reset (§1, §4.5), so a plain
  // cleanup with nothing superseded changes nothing.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  const Outcome outcome = device.apply(start, Target::cleanup());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(outcome.state, start);
}

TEST(Cleanup, ResetBaseMakesInstalledPermanent) {
  Target image(catalog(), TargetKind::install_wim);
  const TargetState start = image.state()
                                .superseded("KB5043080")
                                .installed("KB5086672")
                                .installed("LP")
                                .installed("SSU")
                                .ssu_version(8115)
                                .build();
  const Outcome outcome = image.apply(start, Target::cleanup(true));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(image.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(image.package_state(outcome.state, "KB5086672"), CbsState::permanent);
  EXPECT_EQ(image.package_state(outcome.state, "LP"), CbsState::permanent);
  EXPECT_EQ(image.package_state(outcome.state, "SSU"), CbsState::permanent);
  EXPECT_EQ(image.package_state(outcome.state, "NDP"), CbsState::absent);
  EXPECT_TRUE(outcome.state.flags.has(TargetFlag::components_reset));
  EXPECT_EQ(outcome.state.ubr, 8117u);
}

TEST(Cleanup, AfterResetBaseRemoveIsCannotUninstall) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().superseded("KB5043080").installed("KB5086672").build();
  const Outcome reset = device.apply(start, Target::cleanup(true));
  ASSERT_EQ(reset.code, ResultCode::s_ok);
  const Outcome remove = device.apply(reset.state, device.remove("KB5086672"));
  EXPECT_EQ(remove.code, ResultCode::cbs_e_cannot_uninstall);
  EXPECT_EQ(device.exit_code(remove), exit_cannot_uninstall);
  EXPECT_EQ(remove.state, reset.state);
}

TEST(Cleanup, AfterResetBaseReaddingCheckpointCorruptsStore) {
  // BatUtil #67 end to end: ResetBase, then the checkpoint again -> 14098 and a corrupt store.
  Target image(catalog(), TargetKind::boot_wim);
  const TargetState start = image.state().superseded("KB5043080").installed("KB5086672").build();
  const Outcome reset = image.apply(start, Target::cleanup(true));
  const Outcome readd = image.apply(reset.state, image.add("KB5043080"));
  EXPECT_EQ(readd.code, ResultCode::error_sxs_component_store_corrupt);
  EXPECT_EQ(image.exit_code(readd), 14098);
  EXPECT_TRUE(readd.state.flags.has(TargetFlag::store_corrupt));
  EXPECT_EQ(image.package_state(readd.state, "KB5043080"), CbsState::absent);
}

TEST(Cleanup, UnserviceableTargetRefusesCleanup) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().flag(TargetFlag::unserviceable).build();
  const Outcome outcome = device.apply(start, Target::cleanup());
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_image_unserviceable);
  EXPECT_EQ(outcome.state, start);
}

// ---------------------------------------------------------------------------------------------
// §4.6 revert_pending

TEST(Revert, InstallPendingReturnsToAbsentOrStagedByOrigin) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .package("KB5086672", CbsState::install_pending)
                                .origin("KB5086672")  // it was a staged orphan before
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::revert_pending());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.exit_code(outcome), 0);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::staged);
  EXPECT_EQ(outcome.state.packages.origin_mask(), 0u);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 1u);
}

TEST(Revert, UninstallPendingReturnsToInstalled) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .package("KB5086672", CbsState::uninstall_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::revert_pending());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::superseded);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 8117u);
}

TEST(Revert, UninstallPendingOfSupersededRecordReturnsToSuperseded) {
  // Spec ambiguity: §4.6 says "every uninstall_pending -> installed", but a superseded record
  // restored as `installed` would break I2 (an installed CU older than ubr). The model restores
  // the state before the pending session (the origin bit), as §4.6 says for install_pending.
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::uninstall_pending)
                                .origin("KB5043080")
                                .installed("KB5086672")
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::revert_pending());
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::installed);
}

TEST(Revert, CommitInterruptedIsCleared) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .installed("KB5043080")
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .flag(TargetFlag::commit_interrupted)
                                .build();
  const Outcome outcome = device.apply(start, Target::revert_pending());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::absent);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::commit_interrupted));
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(outcome.state.ubr, 1742u);
}

TEST(Revert, BundledSsuSurvivesRevert) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const Outcome checkpoint = device.apply(device.state().build(), device.add("KB5043080"));
  const Outcome cu = device.apply(checkpoint.state, device.add("KB5086672"));
  ASSERT_EQ(cu.state.ssu_version, 8115u);
  const Outcome outcome = device.apply(cu.state, Target::revert_pending());
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::absent);
  EXPECT_EQ(outcome.state.ssu_version, 8115u);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Revert, OfflineOnlineActionsAreReverted) {
  // §4.6 names reboot_pending and commit_interrupted; offline, the model also clears
  // pending_online_actions with the package it belonged to (I4).
  Target image(catalog(), TargetKind::install_wim);
  const TargetState start = image.state()
                                .package("NDP", CbsState::install_pending)
                                .flag(TargetFlag::pending_online_actions)
                                .build();
  const Outcome outcome = image.apply(start, Target::revert_pending());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(image.package_state(outcome.state, "NDP"), CbsState::absent);
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::pending_online_actions));
}

TEST(Revert, NothingPendingIsNoOp) {
  Target device(catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  const Outcome outcome = device.apply(start, Target::revert_pending());
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(outcome.state, start);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::nothing_to_do));
}

}  // namespace
}  // namespace svcsim::model
