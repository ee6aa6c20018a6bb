// classify(): the outcome classes of scenarios.md "Outcome of one sequence", first match wins:
// stuck, clean_failure, false_success, drift, success. Each test hand-makes an end state S and an
// expected end state E (the documented order's), and checks the class, including that an earlier
// rule wins over a later one.
#include <gtest/gtest.h>

#include "svcsim/model/classify.hpp"
#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::Target;

/// E for the KB5086672 case done right: checkpoint superseded by the CU, stack 8115.
TargetState expected_end(const Target& device) {
  return device.state().superseded("KB5043080").installed("KB5086672").ssu_version(8115).build();
}

TEST(Classify, SuccessWhenEndEqualsExpected) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(classify(device.context(), expected_end(device), expected_end(device), false),
            OutcomeClass::success);
}

TEST(Classify, StuckOnPartiallyInstalledEvenWithAnError) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state()
                              .installed("KB5043080")
                              .package("KB5086672", CbsState::partially_installed)
                              .flag(TargetFlag::unserviceable)
                              .ssu_version(8115)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), true), OutcomeClass::stuck);
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false), OutcomeClass::stuck);
}

TEST(Classify, StuckOnPartiallyInstalledAlone) {
  // Not a reachable state (the target would be unserviceable), but the partial package alone
  // is enough for the first rule.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state()
                              .installed("KB5043080")
                              .package("KB5086672", CbsState::partially_installed)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), true), OutcomeClass::stuck);
}

TEST(Classify, StuckOnUnserviceableEvenWithAnError) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state().flag(TargetFlag::unserviceable).build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), true), OutcomeClass::stuck);
}

TEST(Classify, StuckOnUnresolvedCommitInterruptedEvenWithAnError) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state()
                              .installed("KB5043080")
                              .package("KB5086672", CbsState::install_pending)
                              .flag(TargetFlag::reboot_pending)
                              .flag(TargetFlag::commit_interrupted)
                              .ssu_version(8115)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), true), OutcomeClass::stuck);
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false), OutcomeClass::stuck);
}

TEST(Classify, CleanFailureWhenAStepErredOnAConsistentTarget) {
  // The reverse-order case: 0x800F0838, the bundled SSU raised, nothing else.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state().ssu_version(8115).build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), true),
            OutcomeClass::clean_failure);
}

TEST(Classify, CorruptStoreAfterAnErrorIsStuck) {
  // v2 (§6): a corrupt store is never a clean failure; after a reported error it needs manual
  // recovery (BatUtil #67: 14098, then a "successful" CU, and WinPE no longer boots).
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState corrupt = device.state().flag(TargetFlag::store_corrupt).build();
  EXPECT_EQ(classify(device.context(), corrupt, expected_end(device), true), OutcomeClass::stuck);
  EXPECT_EQ(classify(device.context(), corrupt, expected_end(device), false),
            OutcomeClass::false_success);
}

TEST(Classify, CleanFailureWinsOverFalseSuccessAndDrift) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState missing = device.state().ssu_version(8115).build();
  EXPECT_EQ(classify(device.context(), missing, expected_end(device), true),
            OutcomeClass::clean_failure);
  // An error ends a sequence as clean_failure even when S happens to equal E.
  EXPECT_EQ(classify(device.context(), expected_end(device), expected_end(device), true),
            OutcomeClass::clean_failure);
}

TEST(Classify, FalseSuccessOnCorruptStore) {
  Target device(test::kb5086672_catalog(), TargetKind::boot_wim);
  TargetState end = expected_end(device);
  end.flags.set(TargetFlag::store_corrupt);
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false),
            OutcomeClass::false_success);
}

TEST(Classify, FalseSuccessOnMissingCommittedPackage) {
  // Rolled back at boot (startup_failure): every step said success, the CU is not there.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state().installed("KB5043080").ssu_version(8115).build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false),
            OutcomeClass::false_success);
}

TEST(Classify, FalseSuccessOnPackageStillPending) {
  // Skipped or never committed: install_pending is not a committed state.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state()
                              .installed("KB5043080")
                              .package("KB5086672", CbsState::install_pending)
                              .flag(TargetFlag::reboot_pending)
                              .ssu_version(8115)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false),
            OutcomeClass::false_success);
}

TEST(Classify, FalseSuccessWhenSupersededRecordOfExpectedWasRemoved) {
  // First match wins: a record superseded in E but absent in S is "a package committed in E
  // that is not committed in S" (rule 3) before it is "superseded vs removed" (rule 4).
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState end = device.state()
                              .installed("KB5086672")
                              .ssu_version(8115)
                              .flag(TargetFlag::components_reset)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false),
            OutcomeClass::false_success);
}

TEST(Classify, DriftOnSsuVersion) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  TargetState end = expected_end(device);
  end.ssu_version = 9000;
  EXPECT_EQ(classify(device.context(), end, expected_end(device), false), OutcomeClass::drift);
}

TEST(Classify, DriftOnSupersededWhereExpectedRemoved) {
  // E ran a cleanup that removed the superseded checkpoint; S kept its superseded record.
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState expected = device.state()
                                   .installed("KB5086672")
                                   .ssu_version(8115)
                                   .flag(TargetFlag::components_reset)
                                   .build();
  const TargetState end = device.state()
                              .superseded("KB5043080")
                              .installed("KB5086672")
                              .ssu_version(8115)
                              .flag(TargetFlag::components_reset)
                              .build();
  EXPECT_EQ(classify(device.context(), end, expected, false), OutcomeClass::drift);
}

TEST(Classify, DriftOnFlagsOrPermanentVersusInstalled) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  TargetState flagged = expected_end(device);
  flagged.flags.set(TargetFlag::components_reset);
  EXPECT_EQ(classify(device.context(), flagged, expected_end(device), false), OutcomeClass::drift);
  TargetState permanent = expected_end(device);
  permanent.packages.set(device.index("KB5086672"), CbsState::permanent);
  EXPECT_EQ(classify(device.context(), permanent, expected_end(device), false),
            OutcomeClass::drift);
}

TEST(Classify, OfflineCommittedSnapshotDoesNotCount) {
  // The model compares only the live image; what was last committed is bookkeeping.
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState expected = image.state().installed("KB5043080").build();
  TargetState end = expected;
  end.committed = ServicedImage{};
  EXPECT_EQ(classify(image.context(), end, expected, false), OutcomeClass::success);
}

TEST(Classify, NamesRoundTrip) {
  for (int value = 0; value < outcome_class_count; ++value) {
    const auto outcome_class = static_cast<OutcomeClass>(value);
    EXPECT_EQ(parse_outcome_class(outcome_class_name(outcome_class)), outcome_class);
  }
  EXPECT_EQ(outcome_class_name(OutcomeClass::false_success), "false_success");
  EXPECT_EQ(parse_outcome_class("stuck "), std::nullopt);
}

}  // namespace
}  // namespace svcsim::model
