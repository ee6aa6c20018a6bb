// The rules on catalog entries (package.hpp): the kind defaults of servicing-model.md §2 as the
// media kind changed them, and check_package's verdict (with its exact sentence) on overrides.
#include <gtest/gtest.h>

#include "svcsim/model/package.hpp"

namespace svcsim::model {
namespace {

TEST(PackageRules, SetupDuAppliesToMediaAndNothingElseDoes) {
  const TargetKindSet media = target_kind_bit(TargetKind::media);
  for (int kind = 0; kind < package_kind_count; ++kind) {
    const Package package = package_defaults(static_cast<PackageKind>(kind));
    if (package.kind == PackageKind::setup_du) {
      EXPECT_EQ(package.applies_to, media);
    } else {
      EXPECT_EQ(package.applies_to & media, 0) << package_kind_name(package.kind);
      EXPECT_NE(package.applies_to, 0) << package_kind_name(package.kind);
    }
    EXPECT_TRUE(check_package(package)) << package_kind_name(package.kind);
  }
  EXPECT_EQ(package_defaults(PackageKind::ssu).applies_to, image_target_kinds);
  EXPECT_EQ(package_defaults(PackageKind::fod).applies_to, image_target_kinds);
}

TEST(PackageRules, OverridesMayNotBreakThePairOfMediaAndSetupDu) {
  Package setup = package_defaults(PackageKind::setup_du);
  setup.applies_to = static_cast<TargetKindSet>(setup.applies_to | target_kind_bit(TargetKind::online));
  EXPECT_EQ(check_applies_to(setup).error(),
            "a setup_du applies only to media (its files go into the media's sources folder; "
            "DISM cannot add it to an image)");
  Package fod = package_defaults(PackageKind::fod);
  fod.applies_to = all_target_kinds;
  EXPECT_EQ(check_applies_to(fod).error(),
            "a fod cannot apply to media (the media folder takes only setup_du packages)");
}

TEST(PackageRules, AnSsuIsPermanent) {
  Package ssu = package_defaults(PackageKind::ssu);
  EXPECT_TRUE(is_permanent(ssu));
  ssu.permanent = false;
  EXPECT_TRUE(is_permanent(ssu));  // whatever the field says
  EXPECT_EQ(check_permanent(ssu).error(),
            "an ssu is always permanent; permanent: false is not possible");
  EXPECT_FALSE(is_permanent(package_defaults(PackageKind::cu)));
}

}  // namespace
}  // namespace svcsim::model
