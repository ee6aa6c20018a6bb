// The subsystem names and the derivation of per-subsystem, per-item streams (see prng.hpp).
#include "svcsim/simulator/prng.hpp"

#include <array>
#include <cstddef>

namespace svcsim::simulator {
namespace {

using namespace std::string_view_literals;

constexpr std::array<std::string_view, subsystem_count> subsystem_names = {
    "fleet_devices"sv, "strategy_random"sv, "defect_draws"sv, "fault_draws"sv, "durations"sv};

// The output of one splitmix64 step from `value`: a bijection of 64-bit values that spreads
// every input bit over the whole word.
constexpr std::uint64_t mix(std::uint64_t value) { return splitmix64_next(value); }

}  // namespace

std::string_view subsystem_name(Subsystem subsystem) {
  const auto position = static_cast<std::size_t>(subsystem);
  return position < subsystem_names.size() ? subsystem_names[position] : "?"sv;
}

Prng derive_stream(std::uint64_t run_seed, Subsystem subsystem, std::uint64_t index) {
  const auto subsystem_value = static_cast<std::uint64_t>(subsystem);
  SVCSIM_ASSERT(subsystem_value < static_cast<std::uint64_t>(subsystem_count));
  // Mixed one input at a time, each after the previous one has been spread over the word: a
  // plain XOR of the three would make (seed ^ 1, index) and (seed, index ^ 1) the same stream.
  std::uint64_t key = mix(run_seed);
  key = mix(key ^ subsystem_value);
  key = mix(key ^ index);
  return Prng{key};
}

model::DeviceBits draw_device(const model::Catalog& catalog, Prng& draws) {
  const std::vector<model::DeviceProperty> properties = model::device_properties(catalog);
  model::DeviceBits device = 0;
  for (std::size_t slot = 0; slot < properties.size(); ++slot) {
    const model::Package& package = catalog[properties[slot].package];
    const double probability = properties[slot].trait == model::DeviceTrait::defect
                                   ? package.defect->probability
                                   : package.regression->probability;
    if (draws.chance(probability)) device = static_cast<model::DeviceBits>(device | 1u << slot);
  }
  // The properties every device has are drawn as certain: chance(1) is always true.
  SVCSIM_ASSERT((model::device_always(catalog) & ~device) == 0);
  return device;
}

}  // namespace svcsim::simulator
