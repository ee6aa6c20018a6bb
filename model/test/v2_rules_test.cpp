// The rules servicing-model.md v2 added, one test each ("Changes in v2"): check 4 per kind and
// its two knobs, /PreventPending on a package with online actions, defects and regressions as
// properties of the device, the reboot bound, the Method 1 reading of baseline_sees_pending, the
// 0x800F0823 console text and the classes v2 changed. Each test builds a small catalog, applies
// operations through apply_checked (every step is also checked against the invariants) and
// states what the spec says must happen.
#include <gtest/gtest.h>

#include "svcsim/model/classify.hpp"
#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

/// KB5086672's catalog with `id` given a defect.
Catalog with_defect(Catalog catalog, std::string_view id, DefectAt at,
                    ResultCode code = ResultCode::cbs_e_installers_failed) {
  Defect defect;
  defect.at = at;
  defect.code = code;
  catalog.packages[*catalog.find(id)].defect = defect;
  return catalog;
}

/// A server chain: the April update REG (3300) with a regression fixed by FIX (3310), and an
/// unrelated later CU OTHER (3320).
Catalog regression_catalog() {
  Catalog catalog =
      CatalogBuilder().cu("REG", 3300).cu("FIX", 3310).cu("OTHER", 3320).build();
  Regression regression;
  regression.probability = 0.3;
  regression.fixed_by = {*catalog.find("FIX")};
  catalog.packages[*catalog.find("REG")].regression = regression;
  return catalog;
}

constexpr DeviceBits with_property(int slot) { return static_cast<DeviceBits>(1u << slot); }

// ---- §4.1 check 4 per kind (v2) ---------------------------------------------------------------

TEST(V2Check4, OlderCheckpointOnAnImageInstallsSupersededWithNoUbrChange) {
  // BatUtil #67, install.wim half: 26100.8457, plain cleanup only.
  Target image(CatalogBuilder().checkpoint("KB5043080", 1742).build(), TargetKind::install_wim,
               {}, 8457);
  const TargetState start = image.state().build();
  const Outcome outcome = image.apply(start, image.add("KB5043080"));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::older_checkpoint));
  EXPECT_EQ(image.package_state(outcome.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(outcome.state.ubr, 8457u);
  EXPECT_NE(outcome.fault_sites & add_faults, 0);  // it really installs: add faults can strike
}

TEST(V2Check4, OlderCheckpointOnlineIsSupersededAtTheReboot) {
  Target device(CatalogBuilder().checkpoint("KB5043080", 1742).build(), TargetKind::online, {},
                8457);
  const Outcome added = device.apply(device.state().build(), device.add("KB5043080"));
  EXPECT_EQ(added.code, ResultCode::success_reboot_required);
  EXPECT_EQ(device.package_state(added.state, "KB5043080"), CbsState::install_pending);
  const Outcome rebooted = device.apply(added.state, Target::reboot());
  EXPECT_EQ(device.package_state(rebooted.state, "KB5043080"), CbsState::superseded);
  EXPECT_EQ(rebooted.state.ubr, 8457u);
}

TEST(V2Check4, OlderPlainCuIsStillNotApplicable) {
  Target image(CatalogBuilder().cu("OLD", 2000).build(), TargetKind::install_wim, {}, 8457);
  const TargetState start = image.state().build();
  const Outcome outcome = image.apply(start, image.add("OLD"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(outcome.state, start);
}

TEST(V2Check4, OlderCheckpointAfterResetBaseStillCorruptsTheStore) {
  // The knob does not matter here: /ResetBase removed the components (BatUtil #67, boot.wim).
  Target image(CatalogBuilder().checkpoint("KB5043080", 1742).build(), TargetKind::boot_wim, {},
               8457);
  const TargetState start = image.state().flag(TargetFlag::components_reset).build();
  const Outcome outcome = image.apply(start, image.add("KB5043080"));
  EXPECT_EQ(outcome.code, ResultCode::error_sxs_component_store_corrupt);
  EXPECT_TRUE(outcome.state.flags.has(TargetFlag::store_corrupt));
}

TEST(V2Check4, CorruptStoreAddsFailUnderTheKnobAndSucceedByDefault) {
  Catalog catalog = CatalogBuilder().cu("LCU", 3194).ssu("SSU", 3000).build();
  Knobs failing;
  failing.corrupt_store_adds = CorruptStoreAdds::fail;
  Target strict(catalog, TargetKind::online, failing, 2605);
  const TargetState corrupt = strict.state().flag(TargetFlag::store_corrupt).build();
  const Outcome failed = strict.apply(corrupt, strict.add("LCU"));
  EXPECT_EQ(failed.code, ResultCode::cbs_e_source_missing);
  EXPECT_EQ(failed.state, corrupt);
  // Only CUs and checkpoint CUs follow the knob: an SSU still installs.
  EXPECT_EQ(strict.apply(corrupt, strict.add("SSU")).code, ResultCode::s_ok);

  Target lenient(catalog, TargetKind::online, {}, 2605);
  const TargetState same = lenient.state().flag(TargetFlag::store_corrupt).build();
  EXPECT_EQ(lenient.apply(same, lenient.add("LCU")).code, ResultCode::success_reboot_required);
}

TEST(V2Check4, PlainCleanupKeepsAnOlderCheckpointApplicable) {
  // v2: only /ResetBase sets components_reset, so after a plain cleanup the older checkpoint
  // installs; after /ResetBase it corrupts the store.
  Target image(CatalogBuilder().checkpoint("KB5043080", 1742).build(), TargetKind::install_wim,
               {}, 8457);
  const TargetState start = image.state().build();
  const Outcome plain = image.apply(start, Target::cleanup());
  EXPECT_FALSE(plain.state.flags.has(TargetFlag::components_reset));
  EXPECT_EQ(image.apply(plain.state, image.add("KB5043080")).code, ResultCode::s_ok);
  const Outcome reset = image.apply(start, Target::cleanup(true));
  EXPECT_TRUE(reset.state.flags.has(TargetFlag::components_reset));
  EXPECT_EQ(image.apply(reset.state, image.add("KB5043080")).code,
            ResultCode::error_sxs_component_store_corrupt);
}

// ---- §4.1 check 5: /PreventPending (v2) ------------------------------------------------------

TEST(V2PreventPending, APackageWithOnlineActionsIsSkippedOnAnImage) {
  Target image(CatalogBuilder().dotnet("DOTNET").build(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  ASSERT_FALSE(has_pending_operations(start));
  const Outcome outcome = image.apply(start, image.add("DOTNET", true));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::skipped_prevent_pending));
  EXPECT_EQ(outcome.state, start);
  EXPECT_EQ(outcome.fault_sites & add_faults, 0);  // nothing executes
  // Online, restart-required packages are not "online actions": the add goes pending.
  Target device(CatalogBuilder().dotnet("DOTNET").build(), TargetKind::online);
  EXPECT_EQ(device.apply(device.state().build(), device.add("DOTNET", true)).code,
            ResultCode::success_reboot_required);
}

// ---- §2 defects (v2) -------------------------------------------------------------------------

TEST(V2Defect, AtAddReturnsItsCodeOnTheDeviceWithItAndChangesNothingButTheBundledSsu) {
  Target device(with_defect(test::kb5086672_catalog(), "KB5086672", DefectAt::add,
                            ResultCode::error_sxs_component_store_corrupt),
                TargetKind::online);
  TargetState start = device.state().installed("KB5043080").build();
  start.device = with_property(0);
  const Outcome outcome = device.apply(start, device.add("KB5086672"));
  EXPECT_EQ(outcome.code, ResultCode::error_sxs_component_store_corrupt);
  EXPECT_TRUE(outcome.has_note(OutcomeNote::defect_struck));
  EXPECT_FALSE(outcome.state.flags.has(TargetFlag::store_corrupt));  // the package, not the store
  EXPECT_EQ(outcome.state.ssu_version, 8115u);                     // check 6 ran first
  EXPECT_EQ(outcome.fault_sites & add_faults, 0);                  // nothing executed

  TargetState healthy = start;
  healthy.device = 0;
  EXPECT_EQ(device.apply(healthy, device.add("KB5086672")).code,
            ResultCode::success_reboot_required);
}

TEST(V2Defect, AtAddFailsTheWholeMethod1Session) {
  Target device(with_defect(test::kb5086672_catalog(), "KB5043080", DefectAt::add),
                TargetKind::online);
  TargetState start = device.state().build();
  start.device = with_property(0);
  const Outcome outcome = device.apply(start, device.add_folder("KB5086672"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_installers_failed);
  EXPECT_EQ(device.package_state(outcome.state, "KB5043080"), CbsState::absent);
  EXPECT_EQ(device.package_state(outcome.state, "KB5086672"), CbsState::absent);
}

TEST(V2Defect, AtCommitRollsTheSessionBackAtEveryRebootAndTheRebootLooksFine) {
  Target device(with_defect(CatalogBuilder().cu("LCU", 2894).build(), "LCU", DefectAt::commit),
                TargetKind::online, {}, 2605);
  TargetState start = device.state().build();
  start.device = with_property(0);
  const Outcome added = device.apply(start, device.add("LCU"));
  EXPECT_EQ(added.code, ResultCode::success_reboot_required);
  const Outcome rebooted = device.apply(added.state, Target::reboot());
  EXPECT_EQ(rebooted.code, ResultCode::s_ok);
  EXPECT_TRUE(rebooted.has_note(OutcomeNote::session_rolled_back));
  EXPECT_TRUE(rebooted.has_note(OutcomeNote::defect_struck));
  EXPECT_EQ(rebooted.state, start);
  // The reboot executes pending work: reboot faults can still strike there.
  EXPECT_EQ(rebooted.fault_sites & reboot_faults, reboot_faults);
  const Outcome failed = device.apply(added.state, Target::reboot(), Fault::rollback_failure);
  EXPECT_TRUE(failed.state.flags.has(TargetFlag::unserviceable));
}

TEST(V2Defect, AtCommitNeverStrikesOffline) {
  Target image(with_defect(CatalogBuilder().cu("LCU", 2894).build(), "LCU", DefectAt::commit),
               TargetKind::install_wim, {}, 2605);
  TargetState start = image.state().build();
  start.device = with_property(0);
  start.committed.device = start.device;
  const Outcome outcome = image.apply(start, image.add("LCU"));
  EXPECT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(image.package_state(outcome.state, "LCU"), CbsState::installed);
}

// ---- §2 regressions (v2) ---------------------------------------------------------------------

TEST(V2Regression, BeginsWhenThePackageCommitsOnADeviceWithIt) {
  Target device(regression_catalog(), TargetKind::online, {}, 3200);
  TargetState start = device.state().build();
  start.device = with_property(0);
  const Outcome added = device.apply(start, device.add("REG"));
  EXPECT_EQ(added.state.regressions, 0);  // queued, not committed
  const Outcome rebooted = device.apply(added.state, Target::reboot());
  EXPECT_EQ(rebooted.state.regressions, with_property(0));

  TargetState healthy = device.state().build();
  const Outcome on_healthy =
      device.apply(device.apply(healthy, device.add("REG")).state, Target::reboot());
  EXPECT_EQ(on_healthy.state.regressions, 0);
}

TEST(V2Regression, EndsOnlyWhenAFixCommitsAfterIt) {
  Target device(regression_catalog(), TargetKind::online, {}, 3200);
  TargetState start = device.state().build();
  start.device = with_property(0);
  const auto add_and_reboot = [&](const TargetState& state, std::string_view id) {
    return device.apply(device.apply(state, device.add(id)).state, Target::reboot()).state;
  };
  const TargetState regressed = add_and_reboot(start, "REG");
  ASSERT_EQ(regressed.regressions, with_property(0));
  // An unrelated later CU does not end it; removing the package does not either.
  EXPECT_EQ(add_and_reboot(regressed, "OTHER").regressions, with_property(0));
  const TargetState removed =
      device.apply(device.apply(regressed, device.remove("REG")).state, Target::reboot()).state;
  EXPECT_EQ(removed.regressions, with_property(0));
  // The fix committed after it ends it.
  EXPECT_EQ(add_and_reboot(regressed, "FIX").regressions, 0);
}

TEST(V2Regression, AFixInTheSameRebootWinsAndOneCommittedEarlierDoesNotPreventIt) {
  Target device(regression_catalog(), TargetKind::online, {}, 3200);
  TargetState start = device.state().build();
  start.device = with_property(0);
  // Both queued, one reboot: the fix wins. (REG is older than FIX, so REG goes first.)
  const TargetState queued = device.apply(start, device.add("REG")).state;
  const TargetState both = device.apply(queued, device.add("FIX")).state;
  EXPECT_EQ(device.apply(both, Target::reboot()).state.regressions, 0);
  // Offline, the fix committed earlier: REG is older and not applicable afterwards, so the
  // order is only possible the other way; the rule is shown on an image with REG first.
  Target image(regression_catalog(), TargetKind::install_wim, {}, 3200);
  TargetState mounted = image.state().build();
  mounted.device = with_property(0);
  mounted.committed.device = mounted.device;
  const TargetState after_reg = image.apply(mounted, image.add("REG")).state;
  EXPECT_EQ(after_reg.regressions, with_property(0));
  EXPECT_EQ(image.apply(after_reg, image.add("FIX")).state.regressions, 0);
  // A discard of the mount undoes the commit, and the regression with it.
  EXPECT_EQ(image.apply(after_reg, Target::discard()).state.regressions, 0);
}

// ---- §4.3 the reboot bound (v2) --------------------------------------------------------------

TEST(V2RebootBound, ARebootDuePastTheBoundDoesNotRunAndMarksTheLoop) {
  Target device(CatalogBuilder().cu("LCU", 2894).build(), TargetKind::online, {}, 2605);
  ServicingContext bounded = device.context();
  bounded.reboot_count_max = 1;
  const TargetState start = device.state().flag(TargetFlag::reboot_pending).build();
  const Outcome first = test::apply_checked(bounded, start, Target::reboot());
  EXPECT_EQ(first.state.reboot_count, 1);
  EXPECT_FALSE(first.state.flags.has(TargetFlag::reboot_pending));
  const TargetState queued = test::apply_checked(bounded, first.state, device.add("LCU")).state;
  const Outcome second = test::apply_checked(bounded, queued, Target::reboot());
  EXPECT_TRUE(second.has_note(OutcomeNote::reboot_not_run));
  EXPECT_TRUE(second.state.flags.has(TargetFlag::reboot_loop));
  EXPECT_EQ(second.state.reboot_count, 1);
  EXPECT_EQ(second.fault_sites, 0);  // nothing ran, nothing can strike
  EXPECT_EQ(device.package_state(second.state, "LCU"), CbsState::install_pending);
  EXPECT_EQ(classify(bounded, second.state, start, false), OutcomeClass::stuck);
}

TEST(V2RebootBound, WithoutABoundThatCanBindNothingIsCounted) {
  Target device(CatalogBuilder().cu("LCU", 2894).build(), TargetKind::online, {}, 2605);
  ASSERT_EQ(device.context().reboot_count_max, ServicingContext::reboot_count_unbounded);
  const TargetState start = device.state().flag(TargetFlag::reboot_pending).build();
  EXPECT_EQ(device.apply(start, Target::reboot()).state.reboot_count, 0);
}

// ---- §4.2 Method 1 and baseline_sees_pending (v2; issue 13's known bug) ----------------------

TEST(V2Method1, AnEarlierSessionsQueueCountsOnlyByTheKnobAsForASingleAdd) {
  // LCU4 (2300) queued by an earlier session; then LCU1 (1400). With the knob off a single add
  // of LCU1 does not see LCU4 and succeeds; Method 1 must agree (it used to fail 0x800F081E).
  Knobs knobs;
  knobs.baseline_sees_pending = false;
  Target device(CatalogBuilder().cu("LCU1", 1400).cu("LCU4", 2300).build(), TargetKind::online,
                knobs);
  const TargetState queued = device.apply(device.state().build(), device.add("LCU4")).state;
  const Outcome single = device.apply(queued, device.add("LCU1"));
  const Outcome method1 = device.apply(queued, device.add_folder("LCU1"));
  EXPECT_EQ(single.code, ResultCode::success_reboot_required);
  EXPECT_EQ(method1.code, single.code);
  EXPECT_EQ(method1.state, single.state);
}

// ---- §3 and the console (v2) -----------------------------------------------------------------

TEST(V2Console, NewServicingStackRequiredOnAnMsuPrintsThePendingUpdatesSentence) {
  // halsey51013/UpdateWindowsRE-CVE-2022-41099 #1: scripts grep for this sentence.
  Target image(CatalogBuilder().safeos("SAFEOS", 2000).build(), TargetKind::winre_wim);
  Catalog catalog = image.catalog();
  catalog.packages[0].ssu_min = 9000;
  Target needy(catalog, TargetKind::winre_wim);
  const TargetState start = needy.state().build();
  const Outcome outcome = needy.apply(start, needy.add("SAFEOS"));
  ASSERT_EQ(outcome.code, ResultCode::cbs_e_new_servicing_stack_required);
  const std::string text =
      dism_console_text(needy.context(), start, needy.add("SAFEOS"), outcome);
  EXPECT_NE(text.find("may have failed due to pending updates to servicing components in the "
                      "image. Try the command again."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Error: 0x800f0823"), std::string::npos) << text;

  // The sentence is DISM's for an .msu; a .cab gets the code's own message.
  catalog.packages[0].file = "SafeOS.CAB";
  Target cab(catalog, TargetKind::winre_wim);
  const Outcome cab_outcome = cab.apply(start, cab.add("SAFEOS"));
  ASSERT_EQ(cab_outcome.code, ResultCode::cbs_e_new_servicing_stack_required);
  const std::string cab_text = dism_console_text(cab.context(), start, cab.add("SAFEOS"), cab_outcome);
  EXPECT_EQ(cab_text.find("Try the command again."), std::string::npos) << cab_text;
  EXPECT_NE(cab_text.find(std::string(result_message(ResultCode::cbs_e_new_servicing_stack_required))),
            std::string::npos)
      << cab_text;
}

// ---- §6 classes (v2) -------------------------------------------------------------------------

TEST(V2Classify, RegressedAfterEverySuccessWithTheExpectedPackagesIn) {
  Target device(regression_catalog(), TargetKind::online, {}, 3200);
  const TargetState expected = device.state().installed("REG").build();
  TargetState end = expected;
  end.device = with_property(0);
  end.regressions = with_property(0);
  EXPECT_EQ(classify(device.context(), end, expected, false), OutcomeClass::regressed);
  EXPECT_EQ(classify(device.context(), end, expected, true), OutcomeClass::clean_failure);
  // The device alone (no active regression) is no difference from E.
  end.regressions = 0;
  EXPECT_EQ(classify(device.context(), end, expected, false), OutcomeClass::success);
}

TEST(V2Classify, AnImagesExpectedOnlineActionsLostIsFalseSuccess) {
  Target image(CatalogBuilder().dotnet("DOTNET").build(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  const TargetState expected = image.apply(start, image.add("DOTNET")).state;
  ASSERT_EQ(image.package_state(expected, "DOTNET"), CbsState::install_pending);
  EXPECT_EQ(classify(image.context(), start, expected, false), OutcomeClass::false_success);
}

}  // namespace
}  // namespace svcsim::model
