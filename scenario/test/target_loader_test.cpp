// Loader tests for the v2 target keys (install_pending, staged, the media kind) and the package
// rules that came with the media kind: each file is written inline (line 1 is the first line of
// the raw string) and must load with the right TargetSpec, or fail with one error line naming
// the exact line, column and key of the entry that breaks a rule of target_spec.hpp.
#include <gtest/gtest.h>

#include <string>

#include "svcsim/scenario/loader.hpp"
#include "load_text.hpp"
#include "svcsim/scenario/writer.hpp"

namespace svcsim::scenario {
namespace {

using testing::load_error;
using testing::load_ok;

// Two targets of a media refresh and every v2 starting key.
constexpr const char* media_refresh = R"(name: v2 starting records
packages:
  - {id: KB1, kind: checkpoint_cu, revision: 1742}
  - {id: KB2, kind: cu, revision: 8117, baseline: 1742}
  - {id: NDP, kind: dotnet_cu}
  - {id: LP, kind: language_pack}
  - {id: SETUP, kind: setup_du}
targets:
  - {name: install, kind: install_wim, build: 26100, ubr: 1742, ssu_version: 1,
     installed: [KB1], install_pending: [NDP], staged: [KB2, LP]}
  - {name: device, kind: online, build: 26100, ubr: 1742, ssu_version: 1,
     installed: [KB1], install_pending: [KB2]}
  - {name: media, kind: media, installed: [SETUP]}
plan: {target: device, steps: [reboot]}
)";

TEST(TargetLoader, V2RecordsAndAMediaTargetLoad) {
  const Scenario scenario = load_ok(media_refresh);
  ASSERT_EQ(scenario.targets.size(), 3u);
  const TargetSpec& install = scenario.targets[0];
  EXPECT_EQ(install.install_pending, (std::vector<PackageIndex>{2}));
  EXPECT_EQ(install.staged, (std::vector<PackageIndex>{1, 3}));
  EXPECT_EQ(install.base_ubr, 1u);
  const TargetState image = initial_state(scenario, 0);
  EXPECT_EQ(image.packages.get(2), CbsState::install_pending);
  EXPECT_EQ(image.packages.get(1), CbsState::staged);
  EXPECT_TRUE(image.flags.has(TargetFlag::pending_online_actions));
  EXPECT_TRUE(image.flags.has(TargetFlag::mounted));

  EXPECT_TRUE(initial_state(scenario, 1).flags.has(TargetFlag::reboot_pending));

  const TargetSpec& media = scenario.targets[2];
  EXPECT_EQ(media.kind, TargetKind::media);
  EXPECT_EQ(media.installed, (std::vector<PackageIndex>{4}));
  EXPECT_EQ(media.build, 0u);
  EXPECT_EQ(media.ubr, 0u);
  EXPECT_EQ(media.ssu_version, 0u);
  EXPECT_EQ(media.flags, TargetFlags{});
  EXPECT_EQ(scenario.catalog[4].applies_to, target_kind_bit(TargetKind::media));
}

TEST(TargetLoader, TheWriterKeepsV2KeysAndMedia) {
  const Scenario scenario = load_ok(media_refresh);
  const std::string text = to_yaml(scenario);
  const Scenario again = load_ok(text);
  ASSERT_EQ(again.targets.size(), scenario.targets.size()) << text;
  for (std::size_t index = 0; index < scenario.targets.size(); ++index) {
    EXPECT_EQ(initial_state(again, index), initial_state(scenario, index)) << text;
    EXPECT_EQ(again.targets[index].staged, scenario.targets[index].staged);
    EXPECT_EQ(again.targets[index].install_pending, scenario.targets[index].install_pending);
  }
}

TEST(TargetLoader, MediaRefusesTheKeysOfAnImage) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: SETUP, kind: setup_du}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}
  - {name: media, kind: media, ubr: 1742}
plan: {target: device, steps: [reboot]}
)"),
            "t.yaml:5:32: ubr does not apply to a media target (the media folder holds setup "
            "files, not an image; valid for media: name, kind, installed) (targets[1].ubr)");
}

TEST(TargetLoader, MediaTakesOnlySetupDus) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: LP, kind: language_pack}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}
  - {name: media, kind: media, installed: [LP]}
plan: {target: device, steps: [reboot]}
)"),
            "t.yaml:5:44: 'LP' (language_pack) cannot be on a media target: the media folder "
            "takes only setup_du packages (targets[1].installed[0])");
}

TEST(TargetLoader, APackageHasOneStartingState) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, install_pending: [KB1],
     staged: [KB1]}
plan: {steps: [reboot]}
)"),
            "t.yaml:5:15: 'KB1' is listed twice in install_pending and staged (a package has one "
            "state) (targets[0].staged[0])");
}

TEST(TargetLoader, AnSsuStartsPendingOnlyWithRestartRequired) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: SSU, kind: ssu, revision: 8115}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, install_pending: [SSU]}
plan: {steps: [reboot]}
)"),
            "t.yaml:4:90: 'SSU' (ssu) cannot start install_pending: an SSU commits at once unless "
            "it has restart: required (targets[0].install_pending[0])");
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: SSU, kind: ssu, revision: 8115, restart: required}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, install_pending: [SSU]}
plan: {steps: [reboot]}
)"),
            "(loaded)");
}

TEST(TargetLoader, PendingRecordsContradictAFlagSaidFalse) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets:
  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1, install_pending: [KB1],
     flags: {reboot_pending: false}}
plan: {steps: [reboot]}
)"),
            "t.yaml:5:30: reboot_pending cannot be false while install_pending lists records: a "
            "pending record sets it (targets[0].flags.reboot_pending)");
}

TEST(TargetLoader, SetupDuAndMediaGoTogetherInAppliesTo) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: SETUP, kind: setup_du, applies_to: [install_wim]}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [reboot]}
)"),
            "t.yaml:2:52: a setup_du applies only to media (its files go into the media's sources "
            "folder; DISM cannot add it to an image) (packages[0].applies_to)");
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: FOD, kind: fod, applies_to: [online, media]}]
targets: [{name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [reboot]}
)"),
            "t.yaml:2:45: a fod cannot apply to media (the media folder takes only setup_du "
            "packages) (packages[0].applies_to)");
}

TEST(TargetLoader, ANearMissOfMediaIsSuggested) {
  EXPECT_EQ(load_error(R"(name: x
packages: [{id: KB1, kind: cu, revision: 100}]
targets: [{name: device, kind: medai, build: 26100, ubr: 1, ssu_version: 1}]
plan: {steps: [KB1]}
)"),
            "t.yaml:3:32: unknown target kind 'medai' (expected one of: online, install_wim, "
            "boot_wim, winre_wim), or did you mean 'media' (the media folder)? (targets[0].kind)");
}

}  // namespace
}  // namespace svcsim::scenario
