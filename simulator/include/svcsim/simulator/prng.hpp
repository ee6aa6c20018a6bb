// The project's one pseudo-random generator (xoshiro256**, seeded through splitmix64) and the
// per-subsystem streams every random choice of a run is drawn from (architecture.md "Determinism").
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/package.hpp"

namespace svcsim::simulator {

/// One step of splitmix64 (Steele, Lea and Flood; Vigna's splitmix64.c): advances `state` by the
/// golden-ratio increment and returns its mixed value. Used to seed xoshiro256** and to mix the
/// (run seed, subsystem, index) of a stream; its output is a bijection of the advanced state.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15u;
  std::uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9u;
  mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebu;
  return mixed ^ (mixed >> 31);
}

/// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
/// 2021), with its own bounded-integer, unit-interval and coin functions. The standard library's
/// distributions are not used because their output differs between implementations, and a run
/// must replay bit for bit from its printed seed whatever the compiler.
///
/// Every function draws a fixed, documented number of outputs (bounded() aside, whose rejections
/// are rare and themselves deterministic), so two runs that make the same calls stay in step.
///
///   Prng prng{run_seed};
///   const auto device_kind = prng.bounded(3);   // 0, 1 or 2, each with probability 1/3
///   if (prng.chance(0.02)) { /* a 2% event */ }
class Prng {
 public:
  using State = std::array<std::uint64_t, 4>;

  /// Seeds the state with four consecutive splitmix64 outputs from `seed`, as the authors
  /// recommend. The four outputs are distinct (splitmix64's output is a bijection of its
  /// counter), so at most one is zero and the all-zero state, a fixed point, cannot occur.
  explicit Prng(std::uint64_t seed) {
    std::uint64_t splitmix_state = seed;
    for (std::uint64_t& word : state_) word = splitmix64_next(splitmix_state);
    SVCSIM_ASSERT(!all_zero(state_));
  }

  /// A generator started from an exact state, for checking against the reference vectors.
  /// The all-zero state is rejected: from it xoshiro emits zero forever.
  static Prng from_state(const State& state) {
    SVCSIM_ASSERT_MSG(!all_zero(state), "xoshiro256** is stuck at zero from the all-zero state");
    return Prng{state};
  }

  /// The next 64 uniformly distributed bits (one output).
  constexpr std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// A uniform integer in [0, bound), exactly: Lemire's multiply-and-reject method ("Fast
  /// random integer generation in an interval", 2019). The high word of next() * bound is the
  /// result; the draws whose low word falls below 2^64 mod bound are rejected, which removes the
  /// bias a plain `next() % bound` has. Draws one output, and another per rejection (probability
  /// below bound / 2^64 each). `bound` must be positive.
  std::uint64_t bounded(std::uint64_t bound) {
    SVCSIM_ASSERT_MSG(bound > 0, "bounded(0) has no value to return");
    Product product = Product{next()} * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      // 2^64 mod bound, computed in 64 bits: (2^64 - bound) mod bound. The division is paid only
      // on this rare path, which is what makes the method fast.
      const std::uint64_t threshold = (std::uint64_t{0} - bound) % bound;
      // Each pass rejects with probability threshold / 2^64 < 1/2, so reaching the maximum has
      // probability below 2^-64: only a broken generator gets there, and that is a bug.
      int rejection_count = 0;
      while (low < threshold) {
        SVCSIM_ASSERT_MSG(rejection_count < rejection_count_max, "bounded() rejects forever");
        ++rejection_count;
        product = Product{next()} * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    const auto result = static_cast<std::uint64_t>(product >> 64);
    SVCSIM_ASSERT(result < bound);
    return result;
  }

  /// A uniform double in [0, 1): the top 53 bits of one output, scaled by 2^-53, so every value
  /// is a multiple of 2^-53 and 1.0 is never returned.
  constexpr double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// True with `probability`, which must lie in [0, 1]: exactly never at 0 and exactly always
  /// at 1 (unit() < 1 always holds). Always draws one output, whatever the probability, so that
  /// changing a probability in a scenario does not shift every later draw of the stream.
  bool chance(double probability) {
    // Written so that NaN fails too.
    SVCSIM_ASSERT_MSG(probability >= 0.0 && probability <= 1.0, "a probability lies in [0, 1]");
    return unit() < probability;
  }

  /// The current state, for tests and for checkpointing a stream.
  constexpr const State& state() const { return state_; }

  friend bool operator==(const Prng&, const Prng&) = default;

 private:
  // GCC's 128-bit integer, as in big_count.hpp; __extension__ keeps -Wpedantic quiet about it.
  __extension__ typedef unsigned __int128 Product;

  static constexpr int rejection_count_max = 64;

  explicit constexpr Prng(const State& state) : state_(state) {}

  static constexpr std::uint64_t rotate_left(std::uint64_t value, int shift) {
    return (value << shift) | (value >> (64 - shift));
  }
  static constexpr bool all_zero(const State& state) {
    return (state[0] | state[1] | state[2] | state[3]) == 0;
  }

  State state_{};
};

/// The parts of a run that draw random numbers. Each draws from its own streams, so adding a
/// draw to one subsystem does not change what another sees. Append new subsystems at the end:
/// an enumerator's value is part of every derived stream, and renumbering changes every run.
enum class Subsystem : std::uint8_t {
  fleet_devices,    // which devices the fleet holds: edition, build, installed packages
  strategy_random,  // random choices a servicing strategy makes (orders, waves)
  defect_draws,     // whether a package carries a defect on a device
  fault_draws,      // which faults strike which operation
  durations,        // how long downloads, installs and reboots take
};
inline constexpr int subsystem_count = 5;
std::string_view subsystem_name(Subsystem subsystem);

/// The stream of `subsystem` for item `index` (a device, a wave, a work item) of the run seeded
/// with `run_seed`. The contract the fleet engine relies on:
///
/// - It is a pure function of (run_seed, subsystem, index): no global state, no call order. A
///   device's draws are therefore the same whichever thread or MPI rank runs it, and however
///   many there are, so results depend only on the printed run seed.
/// - For one run seed and subsystem, distinct indices always get distinct generator seeds (each
///   mixing step is a bijection); across subsystems and run seeds, two streams share a seed only
///   by a 64-bit coincidence (about n^2 / 2^65 for n streams).
/// - Streams start at splitmix64-scattered points of xoshiro256**'s 2^256 - 1 period, so for
///   any realistic draw count they do not overlap.
///
/// The mixing: h = splitmix64(run_seed); h = splitmix64(h ^ subsystem); h = splitmix64(h ^
/// index); the stream is Prng{h}. (splitmix64(x) is the output of one step from state x.)
///
///   for (std::uint64_t device = first; device < last; ++device) {  // any thread, any order
///     Prng defects = derive_stream(run_seed, Subsystem::defect_draws, device);
///     ...
///   }
Prng derive_stream(std::uint64_t run_seed, Subsystem subsystem, std::uint64_t index);

/// A device of the fleet (servicing-model.md §2, v2): each of the catalog's defects and
/// regressions is drawn once, with its probability, from `draws` (a device's defect_draws
/// stream), in slot order; one draw per property whatever its probability, so a change to one
/// probability shifts no other property's draw.
///
///   Prng draws = derive_stream(run_seed, Subsystem::defect_draws, device_index);
///   const model::DeviceBits device = draw_device(catalog, draws);
model::DeviceBits draw_device(const model::Catalog& catalog, Prng& draws);

}  // namespace svcsim::simulator
