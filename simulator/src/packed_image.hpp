// PackedImage: how the explorer's memo stores a ServicedImage, in 32 bytes where it can.
//
// A ServicedImage is 64 bytes: four 64-bit package masks (the three CBS planes and the origin
// bits), the WinRE an install.wim carries (16 bytes), the build, UBR and servicing stack, and
// four bytes of flags. Most scenarios have at most 32 packages, and only an install.wim ever
// carries a WinRE (model/src/apply.cpp, copy_winre), so for every other target half the bytes
// are always zero. The memo keeps about a million images at n = 20 (four in five of them
// pending states), so the zeros were 32 MiB of every process and every rank.
//
// The packed form keeps the low half of each mask and the last 16 bytes, as 32-bit words of
// the image's own bytes. Packing asserts that what it drops is zero, so a state the packed form
// cannot hold stops the program instead of being stored wrongly; unpacking gives back the same
// bytes (tested for every shipped scenario's states, and for random images).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::simulator {

// The image's layout, as the packing reads it: 16 little-endian 32-bit words.
static_assert(std::endian::native == std::endian::little, "PackedImage reads masks' low halves");
static_assert(sizeof(model::ServicedImage) == 64);
static_assert(offsetof(model::ServicedImage, winre) == 32 && sizeof(model::CarriedWinre) == 16);
static_assert(offsetof(model::ServicedImage, build) == 48);
static_assert(std::has_unique_object_representations_v<model::ServicedImage>);

class PackedImage {
 public:
  static constexpr std::size_t full_words = sizeof(model::ServicedImage) / 4;  // 16
  static constexpr std::size_t compact_words = 8;
  using Words = std::array<std::uint32_t, full_words>;

  /// The compact form fits every state of a target that is not an install.wim, in a catalog of
  /// at most 32 packages.
  static bool fits(std::size_t package_count, model::TargetKind kind) {
    return package_count <= 32 && kind != model::TargetKind::install_wim;
  }

  /// Writes `image` as `words` 32-bit words (compact_words or full_words) into `out`.
  static void pack(const model::ServicedImage& image, std::size_t words, std::uint32_t* out) {
    const auto all = std::bit_cast<Words>(image);
    if (words == full_words) {
      std::memcpy(out, all.data(), sizeof all);
      return;
    }
    // Words 1, 3, 5 and 7 are the masks' high halves; 8 to 11 the carried WinRE.
    SVCSIM_ASSERT_MSG((all[1] | all[3] | all[5] | all[7] | all[8] | all[9] | all[10] | all[11]) == 0,
                      "a state outgrew the memo's 32-byte image (more than 32 packages, or a "
                      "WinRE on a target that is not an install.wim)");
    out[0] = all[0];
    out[1] = all[2];
    out[2] = all[4];
    out[3] = all[6];
    std::memcpy(out + 4, all.data() + 12, 16);
  }

  /// A hash of `count` packed words (an even count): what the memo indexes a state by. Over the
  /// packed words, not the 128-byte TargetState: a quarter of the mixing for a compact state.
  static std::uint64_t hash(const std::uint32_t* words, std::size_t count) {
    std::uint64_t hash = 0x9E3779B97F4A7C15ull;
    for (std::size_t index = 0; index < count; index += 2) {
      std::uint64_t pair = 0;
      std::memcpy(&pair, words + index, sizeof pair);
      hash = model::mix_bits(hash ^ pair);
    }
    return model::mix_bits(hash ^ count);
  }

  /// The image `pack` wrote as `words` words at `in`.
  static model::ServicedImage unpack(const std::uint32_t* in, std::size_t words) {
    Words all{};
    if (words == full_words) {
      std::memcpy(all.data(), in, sizeof all);
    } else {
      all[0] = in[0];
      all[2] = in[1];
      all[4] = in[2];
      all[6] = in[3];
      std::memcpy(all.data() + 12, in + 4, 16);
    }
    return std::bit_cast<model::ServicedImage>(all);
  }
};

}  // namespace svcsim::simulator
