// §4.7 the offline lifecycle: mount, commit (keeps changes, stays mounted), discard (back to the
// last commit, unmounted); any other step on an unmounted offline image finds no image
// (ERROR_FILE_NOT_FOUND, exit 2); the lifecycle steps do not apply to an online target. Each test
// walks a short sequence through apply_checked and compares whole states.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::Target;

constexpr std::int32_t exit_not_applicable = -2146498530;  // 0x800F081E

ServicedImage without_mount(const TargetState& state) {
  ServicedImage image = state;
  image.flags.set(TargetFlag::mounted, false);
  return image;
}

TEST(Offline, StartsMountedWithCommittedEqualToLive) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  EXPECT_TRUE(start.flags.has(TargetFlag::mounted));
  EXPECT_EQ(start.committed, without_mount(start));
}

TEST(Offline, MountOfUnmountedImage) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().installed("KB5043080").unmounted().build();
  ASSERT_FALSE(start.flags.has(TargetFlag::mounted));
  const Outcome mount = image.apply(start, Target::mount());
  EXPECT_EQ(mount.code, ResultCode::s_ok);
  EXPECT_EQ(image.exit_code(mount), 0);
  EXPECT_TRUE(mount.state.flags.has(TargetFlag::mounted));
  EXPECT_EQ(mount.state.committed, without_mount(mount.state));
  EXPECT_EQ(without_mount(mount.state), without_mount(start));
  EXPECT_EQ(mount.fault_sites, 0u);  // not mounted before the step: nothing to crash
}

TEST(Offline, MountWhenMountedIsNoOp) {
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  const TargetState start = image.state().build();
  const Outcome mount = image.apply(start, Target::mount());
  EXPECT_EQ(mount.code, ResultCode::s_ok);
  EXPECT_EQ(mount.state, start);
  EXPECT_TRUE(mount.has_note(OutcomeNote::nothing_to_do));
}

TEST(Offline, CommitKeepsChangesAndStaysMounted) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  const Outcome add = image.apply(start, image.add("KB5043080"));
  ASSERT_EQ(add.code, ResultCode::s_ok);
  EXPECT_EQ(add.state.committed, start.committed);  // not yet committed
  const Outcome commit = image.apply(add.state, Target::commit());
  EXPECT_EQ(commit.code, ResultCode::s_ok);
  EXPECT_EQ(image.exit_code(commit), 0);
  EXPECT_TRUE(commit.state.flags.has(TargetFlag::mounted));
  EXPECT_EQ(commit.state.committed, without_mount(add.state));
  EXPECT_EQ(commit.state.committed.ubr, 1742u);
  EXPECT_EQ(commit.state.committed.packages.get(image.index("KB5043080")), CbsState::installed);
  EXPECT_EQ(without_mount(commit.state), without_mount(add.state));  // live image unchanged
}

TEST(Offline, DiscardRestoresTheLastCommit) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const Outcome checkpoint = image.apply(image.state().build(), image.add("KB5043080"));
  const Outcome commit = image.apply(checkpoint.state, Target::commit());
  const Outcome cu = image.apply(commit.state, image.add("KB5086672"));
  ASSERT_EQ(cu.code, ResultCode::s_ok);
  ASSERT_EQ(cu.state.ubr, 8117u);
  ASSERT_EQ(cu.state.ssu_version, 8115u);

  const Outcome discard = image.apply(cu.state, Target::discard());
  EXPECT_EQ(discard.code, ResultCode::s_ok);
  EXPECT_EQ(image.exit_code(discard), 0);
  EXPECT_FALSE(discard.state.flags.has(TargetFlag::mounted));
  EXPECT_EQ(without_mount(discard.state), commit.state.committed);
  EXPECT_EQ(discard.state.ubr, 1742u);
  EXPECT_EQ(image.package_state(discard.state, "KB5043080"), CbsState::installed);
  EXPECT_EQ(image.package_state(discard.state, "KB5086672"), CbsState::absent);
  // The bundled SSU went into the discarded image: it is gone with it.
  EXPECT_EQ(discard.state.ssu_version, 1u);
  EXPECT_EQ(discard.state.committed, commit.state.committed);
}

TEST(Offline, DiscardWithoutCommitRestoresTheMountedImage) {
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  const TargetState start = image.state().build();
  const Outcome add = image.apply(start, image.add("SSU"));
  ASSERT_EQ(image.package_state(add.state, "SSU"), CbsState::permanent);
  const Outcome discard = image.apply(add.state, Target::discard());
  EXPECT_EQ(discard.code, ResultCode::s_ok);
  TargetState expected = start;
  expected.flags.set(TargetFlag::mounted, false);
  EXPECT_EQ(discard.state, expected);
}

TEST(Offline, RemountAfterDiscardServicesAgain) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const Outcome discard = image.apply(image.state().build(), Target::discard());
  const Outcome mount = image.apply(discard.state, Target::mount());
  ASSERT_TRUE(mount.state.flags.has(TargetFlag::mounted));
  const Outcome add = image.apply(mount.state, image.add("KB5043080"));
  EXPECT_EQ(add.code, ResultCode::s_ok);
  EXPECT_EQ(add.state.ubr, 1742u);
}

TEST(Offline, OperationsOnUnmountedImageFindNoFile) {
  for (TargetKind kind : {TargetKind::install_wim, TargetKind::boot_wim, TargetKind::winre_wim}) {
    Target image(test::kb5086672_catalog(), kind);
    const TargetState start = image.state().installed("KB5043080").unmounted().build();
    for (const Operation& operation :
         {image.add("SSU"), image.add_folder("KB5086672"), image.remove("KB5043080"),
          Target::cleanup(), Target::cleanup(true), Target::revert_pending(), Target::commit(),
          Target::discard(), Target::reboot()}) {
      SCOPED_TRACE(testing::Message() << target_kind_name(kind) << " "
                                      << operation_kind_name(operation.kind));
      const Outcome outcome = image.apply(start, operation);
      EXPECT_EQ(outcome.code, ResultCode::error_file_not_found);
      EXPECT_EQ(hresult(outcome.code), 0x80070002u);
      EXPECT_EQ(image.exit_code(outcome), 2);
      EXPECT_EQ(outcome.state, start);
      EXPECT_EQ(outcome.fault_sites, 0u);
    }
  }
}

TEST(Offline, UnmountedImageIgnoresAddFault) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().unmounted().build();
  const Outcome outcome = image.apply(start, image.add("KB5043080"), Fault::execute_failure);
  EXPECT_EQ(outcome.code, ResultCode::error_file_not_found);
  EXPECT_EQ(outcome.fault, Fault::none);
  EXPECT_EQ(outcome.state, start);
}

TEST(Offline, LifecycleOnOnlineTargetIsNotApplicable) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  for (const Operation& operation : {Target::mount(), Target::commit(), Target::discard()}) {
    SCOPED_TRACE(operation_kind_name(operation.kind));
    const Outcome outcome = device.apply(start, operation);
    EXPECT_EQ(outcome.code, ResultCode::cbs_e_not_applicable);
    EXPECT_EQ(device.exit_code(outcome), exit_not_applicable);
    EXPECT_EQ(outcome.state, start);
    EXPECT_EQ(outcome.fault_sites, 0u);
  }
}

TEST(Offline, EveryStepOnMountedImageIsACrashSite) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  for (const Operation& operation :
       {image.add("KB5086672"), Target::cleanup(), Target::commit(), Target::discard(),
        Target::mount()}) {
    SCOPED_TRACE(operation_kind_name(operation.kind));
    const Outcome outcome = image.apply(start, operation);
    EXPECT_NE(outcome.fault_sites & fault_bit(Fault::crash_while_mounted), 0u);
    EXPECT_EQ(outcome.fault_sites & reboot_faults, 0u);
  }
}

}  // namespace
}  // namespace svcsim::model
