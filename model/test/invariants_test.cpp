// check_state / check_step (§6 I1-I4 and the model's structural invariants): each test breaks one
// invariant by hand in an otherwise clean state or step, and asserts that exactly that invariant
// is reported (and, where it names one, the package); clean states and legal failed steps are
// accepted. This is how we know apply_checked in the other tests can catch a broken apply().
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

Catalog catalog() {
  return CatalogBuilder()
      .ssu("SSU", 8115)
      .checkpoint("KB5043080", 1742)
      .cu("KB5086672", 8117, {.baseline = 1742})
      .language_pack("LP")
      .enablement("KB5054156", 1742, 26200)
      .dotnet("NDP", 9300)
      .build();
}

Outcome outcome_of(const TargetState& state, ResultCode code, Fault fault = Fault::none) {
  Outcome outcome;
  outcome.state = state;
  outcome.code = code;
  outcome.fault = fault;
  return outcome;
}

TEST(Invariants, AcceptsCleanStates) {
  Target device(catalog(), TargetKind::online);
  for (const TargetState& state :
       {device.state().build(),
        device.state().installed("SSU").ssu_version(8115).superseded("KB5043080")
            .installed("KB5086672").installed("LP").installed("KB5054156").build(),
        device.state().installed("KB5043080").package("KB5086672", CbsState::install_pending)
            .flag(TargetFlag::reboot_pending).build(),
        device.state().package("KB5043080", CbsState::partially_installed)
            .flag(TargetFlag::unserviceable).build(),
        device.state().flag(TargetFlag::reboot_pending).build()}) {
    const InvariantViolation broken = check_state(device.context(), state);
    EXPECT_FALSE(broken) << describe(device.context(), state, broken);
  }
  Target image(catalog(), TargetKind::install_wim);
  const TargetState offline = image.state().installed("KB5043080")
                                  .package("NDP", CbsState::install_pending)
                                  .flag(TargetFlag::pending_online_actions).build();
  EXPECT_FALSE(check_state(image.context(), offline));
}

TEST(Invariants, UbrWrong) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().installed("KB5043080").ubr(1).build();
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i2_ubr);
  EXPECT_NE(describe(device.context(), state, broken).find("I2 ubr"), std::string::npos);
  EXPECT_NE(describe(device.context(), state, broken).find("1742"), std::string::npos);
}

TEST(Invariants, UbrBelowBaseIsWrongToo) {
  Target device(catalog(), TargetKind::online, {}, 1000);
  EXPECT_EQ(check_state(device.context(), device.state().ubr(1).build()).invariant,
            Invariant::i2_ubr);
}

TEST(Invariants, InstalledOlderCuNotSuperseded) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().installed("KB5043080").installed("KB5086672").build();
  ASSERT_EQ(state.ubr, 8117u);
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i2_ubr);
  EXPECT_EQ(broken.package, device.index("KB5043080"));
}

TEST(Invariants, SupersededRecordNewerThanUbr) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().installed("KB5043080").superseded("KB5086672").build();
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i2_ubr);
  EXPECT_EQ(broken.package, device.index("KB5086672"));
}

TEST(Invariants, BuildDisagreesWithEnablement) {
  Target device(catalog(), TargetKind::online);
  const TargetState state =
      device.state().installed("KB5043080").installed("KB5054156").build_number(26100).build();
  EXPECT_EQ(check_state(device.context(), state).invariant, Invariant::i2_build);
}

TEST(Invariants, OriginBitOnNonPendingPackage) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().installed("KB5043080").origin("KB5043080").build();
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i1_origin_canonical);
  EXPECT_EQ(broken.package, device.index("KB5043080"));
}

TEST(Invariants, StateOutsideTheCatalog) {
  Target device(catalog(), TargetKind::online);
  TargetState state = device.state().build();
  state.packages.set(63, CbsState::staged);
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i1_origin_canonical);
  // The slot is past the catalog, so the violation names no catalog package.
  EXPECT_GE(broken.package, device.catalog().size());
  // An origin bit alone past the catalog is caught too.
  TargetState origin = device.state().build();
  origin.packages.set_origin(package_bit(40));
  EXPECT_EQ(check_state(device.context(), origin).invariant, Invariant::i1_origin_canonical);
}

TEST(Invariants, SsuRecordInstalledInsteadOfPermanent) {
  Target device(catalog(), TargetKind::online);
  const TargetState state =
      device.state().package("SSU", CbsState::installed).ssu_version(8115).build();
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::i1_permanent_left);
  EXPECT_EQ(broken.package, device.index("SSU"));
}

TEST(Invariants, RebootPendingMissingWithPendingPackage) {
  Target device(catalog(), TargetKind::online);
  for (CbsState pending : {CbsState::install_pending, CbsState::uninstall_pending}) {
    SCOPED_TRACE(cbs_state_name(pending));
    const TargetState state = device.state().package("LP", pending).build();
    EXPECT_EQ(check_state(device.context(), state).invariant, Invariant::i4_reboot_pending);
  }
}

TEST(Invariants, CommitInterruptedWithoutRebootPending) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().flag(TargetFlag::commit_interrupted).build();
  EXPECT_EQ(check_state(device.context(), state).invariant, Invariant::i4_reboot_pending);
}

TEST(Invariants, PartiallyInstalledWithoutUnserviceable) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().package("LP", CbsState::partially_installed).build();
  const InvariantViolation broken = check_state(device.context(), state);
  EXPECT_EQ(broken.invariant, Invariant::partial_without_unserviceable);
  EXPECT_EQ(broken.package, device.index("LP"));
}

TEST(Invariants, OnlineTargetWithOfflineFlags) {
  Target device(catalog(), TargetKind::online);
  EXPECT_EQ(check_state(device.context(), device.state().flag(TargetFlag::mounted).build()).invariant,
            Invariant::offline_flags);
  const TargetState online_actions = device.state()
                                         .package("NDP", CbsState::install_pending)
                                         .flag(TargetFlag::reboot_pending)
                                         .flag(TargetFlag::pending_online_actions)
                                         .build();
  EXPECT_EQ(check_state(device.context(), online_actions).invariant, Invariant::offline_flags);
  TargetState committed = device.state().build();
  committed.committed.ubr = 1;
  EXPECT_EQ(check_state(device.context(), committed).invariant, Invariant::offline_flags);
}

TEST(Invariants, OfflineTargetWithOnlineFlags) {
  Target image(catalog(), TargetKind::install_wim);
  EXPECT_EQ(check_state(image.context(), image.state().flag(TargetFlag::reboot_pending).build())
                .invariant,
            Invariant::offline_flags);
  const TargetState uninstalling = image.state()
                                       .package("LP", CbsState::uninstall_pending)
                                       .flag(TargetFlag::pending_online_actions)
                                       .build();
  EXPECT_EQ(check_state(image.context(), uninstalling).invariant, Invariant::offline_flags);
  // Pending packages set pending_online_actions (I4 offline); the flag alone is work owed
  // outside the catalog (v2 §1, field report #10), a state an image may start in.
  EXPECT_EQ(check_state(image.context(),
                        image.state().flag(TargetFlag::pending_online_actions).build())
                .invariant,
            Invariant::none);
  EXPECT_EQ(check_state(image.context(),
                        image.state().package("NDP", CbsState::install_pending).build())
                .invariant,
            Invariant::i4_reboot_pending);
}

TEST(Invariants, PermanentPackageLeavingItsStateAcrossAStep) {
  Target device(CatalogBuilder().language_pack("LP").permanent().build(), TargetKind::online);
  const TargetState before = device.state().installed("LP").build();
  ASSERT_EQ(device.package_state(before, "LP"), CbsState::permanent);
  for (CbsState now : {CbsState::installed, CbsState::absent, CbsState::superseded}) {
    SCOPED_TRACE(cbs_state_name(now));
    TargetState after = before;
    after.packages.set(device.index("LP"), now);
    const InvariantViolation broken = check_step(device.context(), before, Target::cleanup(),
                                                 outcome_of(after, ResultCode::s_ok));
    EXPECT_EQ(broken.invariant, Invariant::i1_permanent_left);
    EXPECT_EQ(broken.package, device.index("LP"));
  }
}

TEST(Invariants, SsuVersionFalling) {
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().ssu_version(8115).build();
  const TargetState after = device.state().ssu_version(8000).build();
  EXPECT_EQ(check_step(device.context(), before, device.add("LP"),
                       outcome_of(after, ResultCode::s_ok))
                .invariant,
            Invariant::i1_ssu_version_fell);
  EXPECT_EQ(check_step(device.context(), before, device.add("LP"),
                       outcome_of(after, ResultCode::cbs_e_not_applicable))
                .invariant,
            Invariant::i1_ssu_version_fell);
}

TEST(Invariants, DiscardMayTakePermanentPackagesBack) {
  Target image(catalog(), TargetKind::install_wim);
  const TargetState mounted = image.state().build();
  const Outcome add = image.apply(mounted, image.add("SSU"));
  TargetState discarded = mounted;
  discarded.flags.set(TargetFlag::mounted, false);
  EXPECT_FALSE(check_step(image.context(), add.state, Target::discard(),
                          outcome_of(discarded, ResultCode::s_ok)));
}

TEST(Invariants, FailedOperationThatChangedAPackage) {
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().build();
  TargetState after = before;
  after.packages.set(device.index("LP"), CbsState::installed);
  const InvariantViolation broken = check_step(device.context(), before, device.add("LP"),
                                               outcome_of(after, ResultCode::cbs_e_not_applicable));
  EXPECT_EQ(broken.invariant, Invariant::i3_failed_operation_changed);
  EXPECT_EQ(broken.package, device.index("LP"));
}

TEST(Invariants, FailedOperationThatChangedAFlagOrUbr) {
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().build();
  const TargetState reset = device.state().flag(TargetFlag::components_reset).build();
  EXPECT_EQ(check_step(device.context(), before, Target::cleanup(),
                       outcome_of(reset, ResultCode::cbs_e_pending))
                .invariant,
            Invariant::i3_failed_operation_changed);
  // store_corrupt without the 14098 code (and without components_reset) is not allowed either.
  const TargetState corrupt = device.state().flag(TargetFlag::store_corrupt).build();
  EXPECT_EQ(check_step(device.context(), before, device.add("LP"),
                       outcome_of(corrupt, ResultCode::cbs_e_not_applicable))
                .invariant,
            Invariant::i3_failed_operation_changed);
  // An orphan stage without the power-loss fault is not allowed.
  TargetState staged = before;
  staged.packages.set(device.index("LP"), CbsState::staged);
  EXPECT_EQ(check_step(device.context(), before, device.add("LP"),
                       outcome_of(staged, ResultCode::cbs_e_installers_failed,
                                  Fault::execute_failure))
                .invariant,
            Invariant::i3_failed_operation_changed);
}

TEST(Invariants, FailedOperationMayKeepWhatSectionFiveAllows) {
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().build();
  // A bundled SSU raised the stack.
  EXPECT_FALSE(check_step(device.context(), before, device.add("KB5086672"),
                          outcome_of(device.state().ssu_version(8115).build(),
                                     ResultCode::cbs_e_missing_prerequisite_baseline)));
  // An orphan stage after a power loss.
  TargetState staged = before;
  staged.packages.set(device.index("LP"), CbsState::staged);
  EXPECT_FALSE(check_step(device.context(), before, device.add("LP"),
                          outcome_of(staged, ResultCode::cbs_e_session_interrupted,
                                     Fault::power_loss_staging)));
  // store_corrupt from the 14098 case.
  EXPECT_FALSE(check_step(device.context(), before, device.add("KB5043080"),
                          outcome_of(device.state().flag(TargetFlag::store_corrupt).build(),
                                     ResultCode::error_sxs_component_store_corrupt)));
}

TEST(Invariants, RebootPendingRaisedWithNothingPending) {
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().build();
  const TargetState after = device.state().flag(TargetFlag::reboot_pending).build();
  EXPECT_EQ(check_step(device.context(), before, device.add("LP"),
                       outcome_of(after, ResultCode::s_ok))
                .invariant,
            Invariant::i4_reboot_pending);
  // A reboot must pay a reboot owed to something outside the catalog.
  EXPECT_EQ(check_step(device.context(), after, Target::reboot(),
                       outcome_of(after, ResultCode::s_ok))
                .invariant,
            Invariant::i4_reboot_pending);
  // Carried over by a step that is not a reboot, it is fine (the LP installs at once).
  const TargetState after_add =
      device.state().flag(TargetFlag::reboot_pending).installed("LP").build();
  EXPECT_FALSE(check_step(device.context(), after, device.add("LP"),
                          outcome_of(after_add, ResultCode::s_ok)));
}

TEST(Invariants, OnlineActionsOwedOutsideTheCatalogAreOnlyCarriedOver) {
  // v2 §1: an image may arrive with pending_online_actions and no record of ours pending.
  Target image(catalog(), TargetKind::install_wim);
  const TargetState owed = image.state().flag(TargetFlag::pending_online_actions).build();
  const TargetState owed_with_lp =
      image.state().flag(TargetFlag::pending_online_actions).installed("LP").build();
  EXPECT_FALSE(check_step(image.context(), owed, image.add("LP"),
                          outcome_of(owed_with_lp, ResultCode::s_ok)));
  // A step may not raise it from nothing ...
  const TargetState clean = image.state().build();
  const TargetState clean_with_lp = image.state().installed("LP").build();
  EXPECT_EQ(check_step(image.context(), clean, image.add("LP"),
                       outcome_of(owed_with_lp, ResultCode::s_ok))
                .invariant,
            Invariant::i4_reboot_pending);
  // ... nor leave it behind when it takes our pending package away.
  const TargetState pended = image.state()
                                 .package("NDP", CbsState::install_pending)
                                 .flag(TargetFlag::pending_online_actions)
                                 .build();
  EXPECT_EQ(check_step(image.context(), pended, image.remove("NDP"),
                       outcome_of(owed, ResultCode::s_ok))
                .invariant,
            Invariant::i4_reboot_pending);
  EXPECT_FALSE(check_step(image.context(), clean, image.add("LP"),
                          outcome_of(clean_with_lp, ResultCode::s_ok)));
}

TEST(Invariants, SuccessfulAddWithoutEffect) {
  // An add that reports S_OK must leave its package installed (or queued): the clang-only bug
  // where the outcome was copied before the package was installed looked exactly like this.
  Target device(catalog(), TargetKind::online);
  const TargetState before = device.state().build();
  const InvariantViolation broken =
      check_step(device.context(), before, device.add("LP"), outcome_of(before, ResultCode::s_ok));
  EXPECT_EQ(broken.invariant, Invariant::add_without_effect);
}

TEST(Invariants, DescribeNamesInvariantAndPackage) {
  Target device(catalog(), TargetKind::online);
  const TargetState state = device.state().package("LP", CbsState::partially_installed).build();
  const std::string text = describe(device.context(), state, check_state(device.context(), state));
  EXPECT_NE(text.find("partially installed"), std::string::npos) << text;
  EXPECT_NE(text.find("LP"), std::string::npos) << text;
}

TEST(Invariants, AWrongUbrNamesTheRecordItComesFromAndNothingElse) {
  Target device(catalog(), TargetKind::online);
  const TargetState wrong = device.state().installed("KB5043080").ubr(50).build();
  const InvariantViolation broken = check_state(device.context(), wrong);
  EXPECT_EQ(broken.invariant, Invariant::i2_ubr);
  EXPECT_EQ(broken.package, device.index("KB5043080"));
  EXPECT_EQ(describe(device.context(), wrong, broken),
            "I2 ubr: state has ubr 50 but the committed CU records give 1742, from KB5043080 "
            "(installed, revision 1742)");
  // No CU record: the base is wrong, and no package (not package 0, the SSU) is named.
  const TargetState base = device.state().ubr(50).build();
  const InvariantViolation no_record = check_state(device.context(), base);
  EXPECT_EQ(no_record.package, InvariantViolation::no_package);
  EXPECT_EQ(describe(device.context(), base, no_record),
            "I2 ubr: state has ubr 50 but the committed CU records give 1");
}

TEST(Invariants, MediaHoldsOnlyInstalledSetupDusAndNoFlag) {
  Target media(CatalogBuilder().package("SETUP", PackageKind::setup_du).language_pack("LP").build(),
               TargetKind::media, {}, 0, 0);
  const TargetState clean = media.state().unmounted().package("SETUP", CbsState::installed).build();
  EXPECT_FALSE(check_state(media.context(), clean));
  for (const TargetState& state :
       {media.state().unmounted().package("SETUP", CbsState::install_pending).build(),
        media.state().unmounted().package("SETUP", CbsState::staged).build(),
        media.state().unmounted().package("LP", CbsState::installed).build()}) {
    EXPECT_EQ(check_state(media.context(), state).invariant, Invariant::media_record);
  }
  // The folder is never mounted and has no servicing state to flag.
  EXPECT_EQ(check_state(media.context(), media.state().build()).invariant,
            Invariant::offline_flags);
  EXPECT_EQ(check_state(media.context(),
                        media.state().unmounted().flag(TargetFlag::components_reset).build())
                .invariant,
            Invariant::offline_flags);
}

}  // namespace
}  // namespace svcsim::model
