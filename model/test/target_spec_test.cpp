// The rules on a declared start (target_spec.hpp), called directly, without a scenario file: each test builds a TargetSpec by hand, asserts the rule's
// verdict (and, for an error, its exact sentence), and for an accepted start that the state it
// stands for passes the invariants and behaves as §1 says at the first reboot or rollback.
#include <gtest/gtest.h>

#include "svcsim/model/invariants.hpp"
#include "svcsim/model/target_spec.hpp"
#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;

Catalog catalog() {
  return CatalogBuilder()
      .ssu("SSU", 8115)
      .checkpoint("KB5043080", 1742)
      .cu("KB5086672", 8117, {.baseline = 1742})
      .language_pack("LP")
      .enablement("KB5054156", 1742, 26200)
      .dotnet("NDP", 9300)
      .package("SETUP", PackageKind::setup_du)
      .build();
}

PackageIndex index_of(const Catalog& catalog, std::string_view id) {
  const auto index = catalog.find(id);
  EXPECT_TRUE(index.has_value()) << id;
  return index.value_or(0);
}

TargetSpec spec_of(TargetKind kind) {
  TargetSpec spec;
  spec.name = "target";
  spec.kind = kind;
  if (kind != TargetKind::media) {
    spec.build = 26100;
    spec.ubr = 1;
    spec.base_ubr = 1;
    spec.base_build = 26100;
    spec.ssu_version = 1;
  }
  spec.flags = default_starting_flags(kind);
  return spec;
}

/// The first error of check_starting_records, or "(ok)".
std::string start_error(const Catalog& catalog, const TargetSpec& spec) {
  const auto checked = check_starting_records(catalog, spec);
  return checked ? std::string("(ok)") : checked.error();
}

// ---- derived values -------------------------------------------------------------------------

TEST(TargetSpec, BaseUbrIsOneWhenAnInstalledCuExplainsTheUbr) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.ubr = 1742;
  EXPECT_EQ(derive_base_ubr(packages, spec), 1742u);  // nothing installed explains it
  spec.installed.push_back(index_of(packages, "KB5043080"));
  EXPECT_EQ(derive_base_ubr(packages, spec), 1u);
  spec.ubr = 2000;  // the installed checkpoint is older: the UBR is the base itself
  EXPECT_EQ(derive_base_ubr(packages, spec), 2000u);
}

TEST(TargetSpec, BaseBuildCannotBeDerivedWithAnEnablementInstalled) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  const auto plain = derive_base_build(packages, spec);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, 26100u);
  spec.installed.push_back(index_of(packages, "KB5054156"));
  const auto enabled = derive_base_build(packages, spec);
  ASSERT_FALSE(enabled);
  EXPECT_EQ(enabled.error(),
            "enablement package 'KB5054156' is installed, so build is not the base build");
}

TEST(TargetSpec, ImagesStartMountedAndNothingElseDoes) {
  TargetFlags mounted;
  mounted.set(TargetFlag::mounted);
  for (TargetKind kind : {TargetKind::install_wim, TargetKind::boot_wim, TargetKind::winre_wim}) {
    EXPECT_EQ(default_starting_flags(kind), mounted);
  }
  EXPECT_EQ(default_starting_flags(TargetKind::online), TargetFlags{});
  EXPECT_EQ(default_starting_flags(TargetKind::media), TargetFlags{});
  EXPECT_EQ(pending_flag(TargetKind::online), TargetFlag::reboot_pending);
  EXPECT_EQ(pending_flag(TargetKind::install_wim), TargetFlag::pending_online_actions);
}

// ---- initial_state --------------------------------------------------------------------------

TEST(TargetSpec, InstalledSsuStartsPermanentAndOfflineImagesCommitted) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::install_wim);
  spec.ssu_version = 8115;
  spec.installed = {index_of(packages, "SSU"), index_of(packages, "LP")};
  ASSERT_EQ(start_error(packages, spec), "(ok)");
  const TargetState state = initial_state(packages, spec);
  EXPECT_EQ(state.packages.get(index_of(packages, "SSU")), CbsState::permanent);
  EXPECT_EQ(state.packages.get(index_of(packages, "LP")), CbsState::installed);
  EXPECT_TRUE(state.flags.has(TargetFlag::mounted));
  ServicedImage live = state;
  live.flags.set(TargetFlag::mounted, false);
  EXPECT_EQ(state.committed, live);
}

TEST(TargetSpec, InstallPendingOnlineOwesARebootThatCommitsIt) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.installed = {index_of(packages, "KB5043080")};
  spec.ubr = 1742;
  spec.install_pending = {index_of(packages, "KB5086672")};
  ASSERT_EQ(start_error(packages, spec), "(ok)");
  const ServicingContext context = make_context(packages, spec, Knobs{});
  const TargetState start = initial_state(packages, spec);
  EXPECT_TRUE(start.flags.has(TargetFlag::reboot_pending));
  EXPECT_FALSE(spec.flags.has(TargetFlag::reboot_pending));  // implied, not declared
  EXPECT_EQ(start.packages.origin_mask(), PackageMask{0});
  EXPECT_FALSE(check_state(context, start));

  const Outcome reboot = test::apply_checked(context, start, Operation{OperationKind::reboot});
  EXPECT_EQ(reboot.state.packages.get(index_of(packages, "KB5086672")), CbsState::installed);
  EXPECT_EQ(reboot.state.ubr, 8117u);
  EXPECT_FALSE(reboot.state.flags.has(TargetFlag::reboot_pending));
}

TEST(TargetSpec, RollbackReturnsAStartingPendingRecordToAbsent) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.install_pending = {index_of(packages, "KB5043080")};
  ASSERT_EQ(start_error(packages, spec), "(ok)");
  const ServicingContext context = make_context(packages, spec, Knobs{});
  const Outcome failed = test::apply_checked(context, initial_state(packages, spec),
                                             Operation{OperationKind::reboot},
                                             Fault::startup_failure);
  EXPECT_EQ(failed.state.packages.get(index_of(packages, "KB5043080")), CbsState::absent);
  EXPECT_FALSE(failed.state.flags.has(TargetFlag::reboot_pending));
}

TEST(TargetSpec, InstallPendingOnAnImageOwesOnlineActions) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::install_wim);
  spec.install_pending = {index_of(packages, "NDP")};
  spec.staged = {index_of(packages, "LP")};
  ASSERT_EQ(start_error(packages, spec), "(ok)");
  const TargetState start = initial_state(packages, spec);
  EXPECT_TRUE(start.flags.has(TargetFlag::pending_online_actions));
  EXPECT_FALSE(start.flags.has(TargetFlag::reboot_pending));
  EXPECT_EQ(start.packages.get(index_of(packages, "NDP")), CbsState::install_pending);
  EXPECT_EQ(start.packages.get(index_of(packages, "LP")), CbsState::staged);
  EXPECT_TRUE(start.committed.flags.has(TargetFlag::pending_online_actions));  // arrived pended
}

TEST(TargetSpec, StagedRecordsOweNothing) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.staged = {index_of(packages, "KB5043080"), index_of(packages, "SSU")};
  ASSERT_EQ(start_error(packages, spec), "(ok)");
  const TargetState start = initial_state(packages, spec);
  EXPECT_EQ(start.packages.get(index_of(packages, "KB5043080")), CbsState::staged);
  EXPECT_EQ(start.packages.get(index_of(packages, "SSU")), CbsState::staged);
  EXPECT_EQ(start.flags, TargetFlags{});
  EXPECT_EQ(start.ubr, 1u);
}

// ---- records --------------------------------------------------------------------------------

TEST(TargetSpec, APackageHasOneStartingState) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.installed = {index_of(packages, "LP")};
  spec.staged = {index_of(packages, "LP")};
  EXPECT_EQ(start_error(packages, spec),
            "'LP' is listed twice in installed and staged (a package has one state)");
  spec.staged.clear();
  spec.installed.push_back(index_of(packages, "LP"));
  EXPECT_EQ(start_error(packages, spec),
            "'LP' is listed twice in installed (a package has one state)");
  // check_starting_record judges an entry against the ones before it only.
  EXPECT_TRUE(check_starting_record(packages, spec, StartingList::installed, 0));
  EXPECT_FALSE(check_starting_record(packages, spec, StartingList::installed, 1));
}

TEST(TargetSpec, RecordsMustApplyToTheTarget) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::winre_wim);
  spec.staged = {index_of(packages, "KB5086672")};
  EXPECT_EQ(start_error(packages, spec), "'KB5086672' (cu) does not apply to a winre_wim target");
  spec = spec_of(TargetKind::install_wim);
  spec.installed = {index_of(packages, "SETUP")};
  EXPECT_EQ(start_error(packages, spec),
            "'SETUP' (setup_du) does not apply to an install_wim target");
}

TEST(TargetSpec, OnlyCumulativeUpdatesStartSuperseded) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.superseded = {index_of(packages, "LP")};
  EXPECT_EQ(start_error(packages, spec),
            "only cu and checkpoint_cu packages can be superseded; 'LP' is a language_pack");
}

TEST(TargetSpec, AnSsuStartsPendingOnlyWhereApplyWouldQueueIt) {
  // Restart `no` (the default): an SSU commits at once, so it cannot be found pending.
  TargetSpec spec = spec_of(TargetKind::online);
  const Catalog plain = catalog();
  spec.install_pending = {index_of(plain, "SSU")};
  EXPECT_EQ(start_error(plain, spec),
            "'SSU' (ssu) cannot start install_pending: an SSU commits at once unless it has "
            "restart: required");

  const Catalog restart = CatalogBuilder().ssu("SSU", 8115).restart(RestartType::required).build();
  spec.install_pending = {0};
  EXPECT_EQ(start_error(restart, spec), "(ok)");
  const Outcome reboot = test::apply_checked(make_context(restart, spec, Knobs{}),
                                             initial_state(restart, spec),
                                             Operation{OperationKind::reboot});
  EXPECT_EQ(reboot.state.packages.get(0), CbsState::permanent);  // §4.3
  EXPECT_EQ(reboot.state.ssu_version, 8115u);

  spec.ssu_version = 8115;  // CBS does not queue a stack that is not newer (check 4)
  EXPECT_EQ(start_error(restart, spec),
            "'SSU' (ssu) cannot start install_pending: its revision 8115 is not above "
            "ssu_version 8115, so CBS would not have queued it");

  // Offline, restart does not matter: only online actions keep a package pending.
  TargetSpec image = spec_of(TargetKind::boot_wim);
  image.install_pending = {0};
  EXPECT_EQ(start_error(restart, image),
            "'SSU' (ssu) cannot start install_pending on a boot_wim: offline, an SSU commits at "
            "once unless it has online_actions: true");
  const Catalog actions = CatalogBuilder().ssu("SSU", 8115).online_actions().build();
  EXPECT_EQ(start_error(actions, image), "(ok)");
}

TEST(TargetSpec, APendingCuIsNewerThanTheUbrButAPendingCheckpointNeedNotBe) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.installed = {index_of(packages, "KB5086672")};
  spec.ubr = 8117;
  spec.base_ubr = 1;
  spec.install_pending = {index_of(packages, "KB5043080")};  // v2: an older checkpoint re-added
  EXPECT_EQ(start_error(packages, spec), "(ok)");

  spec.installed = {index_of(packages, "KB5043080")};
  spec.ubr = 9000;
  spec.base_ubr = 9000;
  spec.install_pending = {index_of(packages, "KB5086672")};
  EXPECT_EQ(start_error(packages, spec),
            "'KB5086672' (cu) cannot start install_pending: its revision 8117 is not above ubr "
            "9000, so CBS would not have queued it");
}

TEST(TargetSpec, ContradictionsAmongRecordsAreReportedThroughTheInvariants) {
  const Catalog packages = catalog();
  TargetSpec spec = spec_of(TargetKind::online);
  spec.installed = {index_of(packages, "KB5086672")};
  spec.ubr = 50;  // but KB5086672 (8117) is committed
  const std::string error = start_error(packages, spec);
  EXPECT_EQ(error.rfind("the starting state is impossible: I2 ubr: ", 0), 0u) << error;
  EXPECT_NE(error.find("KB5086672"), std::string::npos) << error;
}

TEST(TargetSpec, FlagsBelongToTheirKindOfTarget) {
  EXPECT_TRUE(check_starting_flag(TargetKind::online, TargetFlag::reboot_pending));
  EXPECT_TRUE(check_starting_flag(TargetKind::install_wim, TargetFlag::mounted));
  EXPECT_EQ(check_starting_flag(TargetKind::online, TargetFlag::mounted).error(),
            "mounted applies only to offline targets (install_wim, boot_wim, winre_wim), not to "
            "an online target");
  EXPECT_EQ(check_starting_flag(TargetKind::boot_wim, TargetFlag::commit_interrupted).error(),
            "commit_interrupted applies only to online targets, not to a boot_wim (offline "
            "targets use pending_online_actions)");
  EXPECT_FALSE(check_starting_flag(TargetKind::media, TargetFlag::store_corrupt));
}

// ---- the media folder -----------------------------------------------------------------------

TEST(TargetSpec, MediaHoldsInstalledSetupDusAndIsNeverMounted) {
  const Catalog packages = catalog();
  TargetSpec media = spec_of(TargetKind::media);
  media.installed = {index_of(packages, "SETUP")};
  media.base_ubr = derive_base_ubr(packages, media);
  ASSERT_EQ(start_error(packages, media), "(ok)");
  const TargetState state = initial_state(packages, media);
  EXPECT_EQ(state.packages.get(index_of(packages, "SETUP")), CbsState::installed);
  EXPECT_EQ(state.flags, TargetFlags{});
  EXPECT_EQ(state.committed, static_cast<const ServicedImage&>(state));  // commit/discard inert
  EXPECT_EQ(state.build, 0u);
  EXPECT_EQ(state.ubr, 0u);
  EXPECT_FALSE(check_state(make_context(packages, media, Knobs{}), state));
}

TEST(TargetSpec, MediaRefusesPackagesRecordsAndValuesOfAnImage) {
  const Catalog packages = catalog();
  TargetSpec media = spec_of(TargetKind::media);
  media.installed = {index_of(packages, "LP")};
  EXPECT_EQ(start_error(packages, media),
            "'LP' (language_pack) cannot be on a media target: the media folder takes only "
            "setup_du packages");
  media.installed.clear();
  media.staged = {index_of(packages, "SETUP")};
  EXPECT_EQ(start_error(packages, media),
            "'SETUP' (setup_du) cannot be staged on a media target: the media folder holds "
            "files, which are either there (installed) or not");
  media.staged.clear();
  media.ubr = 1742;
  EXPECT_EQ(start_error(packages, media),
            "a media target has no build, ubr or ssu_version (the media folder holds setup "
            "files, not an image)");
  media.ubr = 0;
  media.flags.set(TargetFlag::mounted);
  EXPECT_EQ(start_error(packages, media),
            "mounted does not apply to a media target (the media folder holds setup files: it "
            "is not an image and has no servicing state)");
}

}  // namespace
}  // namespace svcsim::model
