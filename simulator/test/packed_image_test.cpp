// The memo's packed images (packed_image.hpp): unpacking gives back exactly the image packed,
// in both forms, and the 32-byte form refuses an image it cannot hold instead of storing it
// wrongly. The explorer tests hold the whole path (interning, lookups, state reads) to the
// oracle; ExplorerTest.ACatalogPast32PackagesGivesTheSameAnswer drives the 64-byte form
// through the same scenarios.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>

#include "packed_image.hpp"
#include "svcsim/model/assert.hpp"

namespace svcsim::simulator {
namespace {

const bool assertions_throw = (set_assert_handler(&throwing_assert_handler), true);

/// A random image over `package_count` packages, every field filled.
model::ServicedImage random_image(std::size_t package_count, bool with_winre) {
  model::ServicedImage image;
  model::PackageMask origin = 0;
  for (std::size_t slot = 0; slot < package_count; ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    image.packages.set(index, static_cast<model::CbsState>(*rc::gen::inRange(0, model::cbs_state_count)));
    if (*rc::gen::arbitrary<bool>()) origin |= model::package_bit(index);
  }
  image.packages.set_origin(origin);
  if (with_winre) {
    image.winre.safeos_dus = *rc::gen::arbitrary<std::uint64_t>();
    image.winre.ubr = *rc::gen::arbitrary<std::uint32_t>();
    image.winre.ssu_version = *rc::gen::arbitrary<std::uint32_t>();
  }
  image.build = *rc::gen::arbitrary<std::uint32_t>();
  image.ubr = *rc::gen::arbitrary<std::uint32_t>();
  image.ssu_version = *rc::gen::arbitrary<std::uint32_t>();
  image.flags.bits = *rc::gen::arbitrary<std::uint8_t>();
  image.device = *rc::gen::arbitrary<model::DeviceBits>();
  image.regressions = *rc::gen::arbitrary<model::DeviceBits>();
  image.reboot_count = *rc::gen::arbitrary<std::uint8_t>();
  return image;
}

model::ServicedImage round_trip(const model::ServicedImage& image, std::size_t words) {
  std::array<std::uint32_t, PackedImage::full_words> packed{};
  PackedImage::pack(image, words, packed.data());
  return PackedImage::unpack(packed.data(), words);
}

RC_GTEST_PROP(PackedImage, CompactFormGivesBackAnImageOfUpTo32Packages, ()) {
  const auto packages = static_cast<std::size_t>(*rc::gen::inRange(0, 33));
  const model::ServicedImage image = random_image(packages, false);
  RC_ASSERT(round_trip(image, PackedImage::compact_words) == image);
}

RC_GTEST_PROP(PackedImage, FullFormGivesBackAnyImage, ()) {
  const auto packages = static_cast<std::size_t>(*rc::gen::inRange(0, model::package_count_max + 1));
  const model::ServicedImage image = random_image(packages, *rc::gen::arbitrary<bool>());
  RC_ASSERT(round_trip(image, PackedImage::full_words) == image);
}

// Two images that differ anywhere pack differently: the memo compares packed words, so this is
// what keeps two states from sharing an id.
RC_GTEST_PROP(PackedImage, DifferentImagesPackDifferently, ()) {
  const model::ServicedImage first = random_image(32, false);
  const model::ServicedImage second = random_image(32, false);
  RC_PRE(!(first == second));
  std::array<std::uint32_t, PackedImage::compact_words> a{};
  std::array<std::uint32_t, PackedImage::compact_words> b{};
  PackedImage::pack(first, PackedImage::compact_words, a.data());
  PackedImage::pack(second, PackedImage::compact_words, b.data());
  RC_ASSERT(a != b);
}

TEST(PackedImage, CompactFormRefusesThe33rdPackage) {
  model::ServicedImage image;
  image.packages.set(32, model::CbsState::staged);
  std::array<std::uint32_t, PackedImage::compact_words> packed{};
  EXPECT_THROW(PackedImage::pack(image, PackedImage::compact_words, packed.data()), AssertionFailure);
}

TEST(PackedImage, CompactFormRefusesAnOriginPast32Packages) {
  model::ServicedImage image;
  image.packages.set_origin(model::package_bit(40));
  std::array<std::uint32_t, PackedImage::compact_words> packed{};
  EXPECT_THROW(PackedImage::pack(image, PackedImage::compact_words, packed.data()), AssertionFailure);
}

TEST(PackedImage, CompactFormRefusesACarriedWinre) {
  model::ServicedImage image;
  image.winre.ubr = 1742;
  std::array<std::uint32_t, PackedImage::compact_words> packed{};
  EXPECT_THROW(PackedImage::pack(image, PackedImage::compact_words, packed.data()), AssertionFailure);
}

TEST(PackedImage, FitsEveryTargetButAnInstallWimOfUpTo32Packages) {
  EXPECT_TRUE(PackedImage::fits(32, model::TargetKind::online));
  EXPECT_TRUE(PackedImage::fits(0, model::TargetKind::winre_wim));
  EXPECT_TRUE(PackedImage::fits(20, model::TargetKind::media));
  EXPECT_FALSE(PackedImage::fits(33, model::TargetKind::online));
  EXPECT_FALSE(PackedImage::fits(5, model::TargetKind::install_wim));
}

}  // namespace
}  // namespace svcsim::simulator
