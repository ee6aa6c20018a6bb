// §4.2 Method 1 (add_folder): the target CU with the other MSUs of its folder (the catalog), all
// processed in one session in ascending revision. Each test builds a small catalog, runs the
// session through apply_checked (invariants checked) and asserts the code, exit code and every
// package state, online (one 3010, one reboot) and offline (at once), including atomicity.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

/// The folder, deliberately listed newest first so that catalog order is not processing order:
/// a stray older CU (5000) and the checkpoint (1742) beside the target (8117), and a newer CU
/// (9000) that the session must leave alone.
Catalog folder_catalog(std::uint32_t target_ssu_min = 8115) {
  return CatalogBuilder()
      .cu("KB5090000", 9000, {.baseline = 1742})
      .cu("KB5086672", 8117, {.baseline = 1742, .bundled_ssu = 8115, .ssu_min = target_ssu_min})
      .cu("KB5060000", 5000, {.baseline = 1742})
      .checkpoint("KB5043080", 1742)
      .language_pack("LP")
      .build();
}

TEST(Method1, OnlineSessionQueuesCheckpointAndTargetWithOne3010) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.exit_code(session), 3010);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "SSU"), CbsState::absent);
  EXPECT_TRUE(session.state.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(session.state.ubr, 1u);
  EXPECT_EQ(session.state.ssu_version, 8115u);
  EXPECT_EQ(session.fault_sites, add_faults);

  const Outcome reboot = device.apply(session.state, Target::reboot());
  EXPECT_EQ(reboot.code, ResultCode::s_ok);
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
  EXPECT_FALSE(reboot.state.flags.has(TargetFlag::reboot_pending));
}

TEST(Method1, OfflineSessionInstallsAtOnce) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  const Outcome session = image.apply(start, image.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::s_ok);
  EXPECT_EQ(image.exit_code(session), 0);
  EXPECT_EQ(image.package_state(session.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(image.package_state(session.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(session.state.ubr, 8117u);
  EXPECT_EQ(session.state.ssu_version, 8115u);
  EXPECT_FALSE(session.state.flags.has(TargetFlag::pending_online_actions));
}

TEST(Method1, ProcessesInAscendingRevisionNotCatalogOrder) {
  // Catalog order is 9000, 8117, 5000, 1742; processing 5000 before 1742 would fail check 8.
  Target image(folder_catalog(), TargetKind::boot_wim);
  const Outcome session = image.apply(image.state().build(), image.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::s_ok);
  EXPECT_EQ(session.state.ubr, 8117u);
}

TEST(Method1, StrayOlderCuInFolderIsProcessedToo) {
  Target device(folder_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5060000"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5090000"), CbsState::absent);  // newer: left
  EXPECT_EQ(device.package_state(session.state, "LP"), CbsState::absent);  // not a CU: left

  const Outcome reboot = device.apply(session.state, Target::reboot());
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_EQ(device.package_state(reboot.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5060000"), CbsState::superseded);
  EXPECT_EQ(device.package_state(reboot.state, "KB5086672"), CbsState::installed);
  EXPECT_EQ(device.package_state(reboot.state, "KB5090000"), CbsState::absent);
}

TEST(Method1, SkipsCusAtOrBelowCommittedUbr) {
  Target device(folder_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .installed("KB5060000")
                                .ssu_version(8115)
                                .build();
  ASSERT_EQ(start.ubr, 5000u);
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  // The checkpoint and the stray are at or below the UBR: skipped, not refused by check 4/3.
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(device.package_state(session.state, "KB5060000"), CbsState::installed);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
}

TEST(Method1, SkipsCuEqualToBaseUbrWithoutRecord) {
  // The device is at 26100.1742 with no record of the checkpoint: processing it would fail
  // check 4 (revision <= ubr); the session skips it instead.
  Target device(test::kb5086672_catalog(), TargetKind::online, {}, 1742);
  const TargetState start = device.state().build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
}

TEST(Method1, SkipsCuQueuedEarlierInTheSameBoot) {
  Target device(folder_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5060000"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
}

TEST(Method1, SessionSeesItsOwnQueuedCheckpointEvenWithKnobOff) {
  // Spec ambiguity: the knob baseline_sees_pending governs "CUs queued earlier in the same
  // boot"; within one Method 1 session the model always resolves against the session's own
  // earlier packages (otherwise online Method 1 could never "commit at one reboot"). Pinned.
  Knobs knobs;
  knobs.baseline_sees_pending = false;
  Target device(test::kb5086672_catalog(), TargetKind::online, knobs);
  const Outcome session = device.apply(device.state().build(), device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::install_pending);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::install_pending);
}

TEST(Method1, FailureOfTargetRollsBackCheckpointButBundledSsuStays) {
  // The target needs stack 9000; its bundled SSU brings only 8115, so check 7 fails after the
  // checkpoint was queued in the same session.
  Target device(folder_catalog(9000), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::cbs_e_new_servicing_stack_required);
  EXPECT_EQ(device.exit_code(session), -2146498525);
  EXPECT_EQ(device.package_state(session.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(session.state, "KB5060000"), CbsState::absent);
  EXPECT_EQ(device.package_state(session.state, "KB5086672"), CbsState::absent);
  EXPECT_FALSE(session.state.flags.has(TargetFlag::reboot_pending));
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(session.state, expected);
  EXPECT_EQ(session.fault_sites, 0u);  // the session failed its checks: no add fault can strike
}

TEST(Method1, OfflineFailureRollsBackInstalledCheckpoint) {
  Target image(folder_catalog(9000), TargetKind::install_wim);
  const TargetState start = image.state().build();
  const Outcome session = image.apply(start, image.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::cbs_e_new_servicing_stack_required);
  TargetState expected = start;
  expected.ssu_version = 8115;
  EXPECT_EQ(session.state, expected);
  EXPECT_EQ(session.state.ubr, 1u);
}

TEST(Method1, FailureOfStrayRollsBackEverything) {
  // The stray (5000) needs a package that is not there: the session fails at it, the checkpoint
  // queued before it is rolled back and the target never runs.
  Target device(CatalogBuilder()
                    .language_pack("LP")
                    .checkpoint("KB5043080", 1742)
                    .cu("KB5060000", 5000, {.baseline = 1742})
                    .requires_packages({"LP"})
                    .cu("KB5086672", 8117, {.baseline = 1742})
                    .build(),
                TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(session.state, start);
}

TEST(Method1, TargetAlreadyInstalledIsAlreadyInstalled) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .installed("KB5086672")
                                .ssu_version(8115)
                                .build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::already_installed);
  EXPECT_EQ(device.exit_code(session), 0);
  EXPECT_EQ(session.state, start);
  EXPECT_TRUE(session.has_note(OutcomeNote::nothing_to_do));
  EXPECT_EQ(session.fault_sites, 0u);
}

TEST(Method1, TargetAlreadyQueuedRepeats3010) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .package("KB5086672", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .ssu_version(8115)
                                .build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::success_reboot_required);
  EXPECT_EQ(session.state, start);
}

TEST(Method1, TargetOlderThanUbrIsNotApplicable) {
  Target device(folder_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .superseded("KB5043080")
                                .installed("KB5090000")
                                .ssu_version(8115)
                                .build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(session.state, start);
}

TEST(Method1, PreventPendingSkipsTheSession) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672", true));
  EXPECT_EQ(session.code, ResultCode::s_ok);
  EXPECT_TRUE(session.has_note(OutcomeNote::skipped_prevent_pending));
  EXPECT_EQ(session.state, start);
}

TEST(Method1, UnserviceableTargetRefusesTheSession) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().flag(TargetFlag::unserviceable).build();
  const Outcome session = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(session.code, ResultCode::cbs_e_image_unserviceable);
  EXPECT_EQ(session.state, start);
}

TEST(Method1, NonCumulativeTargetIsAPlainAdd) {
  Target device(folder_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome folder = device.apply(start, device.add_folder("LP"));
  const Outcome single = device.apply(start, device.add("LP"));
  EXPECT_EQ(folder.code, ResultCode::s_ok);
  EXPECT_EQ(folder.state, single.state);
  EXPECT_EQ(device.package_state(folder.state, "LP"), CbsState::installed);
  EXPECT_EQ(device.package_state(folder.state, "KB5043080"), CbsState::absent);
}

}  // namespace
}  // namespace svcsim::model
