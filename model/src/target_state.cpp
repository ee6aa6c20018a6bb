// Hashing of TargetState: a fixed mixing function over the state's bytes, so that every hash
// table built on it iterates in the same order on every run and platform.
#include "svcsim/model/target_state.hpp"

#include <cstring>

namespace svcsim::model {
std::uint64_t hash_state(const TargetState& state) {
  // TargetState has no padding (static_assert in the header), so equal states have equal bytes.
  constexpr std::size_t word_count = sizeof(TargetState) / sizeof(std::uint64_t);
  std::uint64_t words[word_count + 1] = {};
  std::memcpy(words, &state, sizeof(TargetState));
  std::uint64_t hash = 0x9E3779B97F4A7C15ull;
  for (std::size_t index = 0; index <= word_count; ++index) hash = mix_bits(hash ^ words[index]);
  return hash;
}

}  // namespace svcsim::model
