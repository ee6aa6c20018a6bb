// The compact state: PackageStates' three bit-planes and origin bits, read and written for every
// CBS state at the first, a middle and the last slot (so a plane or shift mix-up shows), and
// TargetState's value semantics: equality, a deterministic hash that separates one-bit changes,
// and the size limits the explorer relies on.
#include <cstring>
#include <new>
#include <type_traits>

#include <gtest/gtest.h>

#include "svcsim/model/target_state.hpp"

namespace svcsim::model {
namespace {

constexpr CbsState all_states[] = {
    CbsState::absent,    CbsState::staged,           CbsState::install_pending,
    CbsState::installed, CbsState::permanent,        CbsState::uninstall_pending,
    CbsState::superseded, CbsState::partially_installed};
constexpr PackageIndex probe_slots[] = {0, 31, 63};

static_assert(std::size(all_states) == cbs_state_count);
static_assert(std::is_trivially_copyable_v<PackageStates>);
static_assert(std::is_trivially_copyable_v<TargetState>);
static_assert(sizeof(PackageStates) == 4 * sizeof(PackageMask), "three planes and the origin");
static_assert(sizeof(TargetState) <= 128);
// hash_state hashes bytes: no padding byte may exist whose value equality ignores.
static_assert(std::has_unique_object_representations_v<TargetState>);
static_assert(sizeof(TargetFlags) == 1);
static_assert(package_count_max == 64 && sizeof(PackageMask) * 8 == 64);

TEST(PackageStates, DefaultIsAllAbsentWithoutOrigin) {
  const PackageStates packages;
  for (PackageIndex slot : probe_slots) {
    EXPECT_EQ(packages.get(slot), CbsState::absent);
    EXPECT_FALSE(packages.origin(slot));
  }
  EXPECT_EQ(packages.in_state(CbsState::absent), ~PackageMask{0});
  EXPECT_EQ(packages.origin_mask(), PackageMask{0});
}

TEST(PackageStates, SetGetEveryStateAtFirstMiddleLastSlot) {
  for (PackageIndex slot : probe_slots) {
    for (CbsState state : all_states) {
      SCOPED_TRACE(testing::Message() << "slot " << int{slot} << " state "
                                      << cbs_state_name(state));
      PackageStates packages;
      packages.set(slot, state);
      EXPECT_EQ(packages.get(slot), state);
      EXPECT_EQ(packages.in_state(state) & package_bit(slot), package_bit(slot));
      // Exactly one state holds the slot (I1), and the neighbours are untouched.
      for (CbsState other : all_states) {
        if (other != state) {
          EXPECT_EQ(packages.in_state(other) & package_bit(slot), 0u);
        }
      }
      for (PackageIndex neighbour : probe_slots) {
        if (neighbour != slot) {
          EXPECT_EQ(packages.get(neighbour), CbsState::absent);
        }
      }
    }
  }
}

TEST(PackageStates, InStateListsExactlyTheSlotsInThatState) {
  PackageStates packages;
  packages.set(0, CbsState::installed);
  packages.set(31, CbsState::installed);
  packages.set(63, CbsState::superseded);
  EXPECT_EQ(packages.in_state(CbsState::installed), package_bit(0) | package_bit(31));
  EXPECT_EQ(packages.in_state(CbsState::superseded), package_bit(63));
  EXPECT_EQ(packages.in_state(CbsState::permanent), 0u);
  EXPECT_EQ(packages.in_state(CbsState::absent),
            ~(package_bit(0) | package_bit(31) | package_bit(63)));
}

TEST(PackageStates, SetAllChangesOnlyTheMask) {
  for (CbsState state : all_states) {
    SCOPED_TRACE(cbs_state_name(state));
    PackageStates packages;
    packages.set(1, CbsState::staged);
    packages.set_all(package_bit(0) | package_bit(31) | package_bit(63), state);
    for (PackageIndex slot : probe_slots) EXPECT_EQ(packages.get(slot), state);
    EXPECT_EQ(packages.get(1), CbsState::staged);
    EXPECT_EQ(packages.get(30), CbsState::absent);
  }
}

TEST(PackageStates, SetAllOverwritesEveryPlane) {
  // partially_installed has all three bits set; going to absent must clear all of them.
  PackageStates packages;
  packages.set_all(~PackageMask{0}, CbsState::partially_installed);
  packages.set_all(package_bit(31), CbsState::absent);
  EXPECT_EQ(packages.get(31), CbsState::absent);
  EXPECT_EQ(packages.get(0), CbsState::partially_installed);
  packages.set(63, CbsState::staged);  // 0b001 over 0b111
  EXPECT_EQ(packages.get(63), CbsState::staged);
}

TEST(PackageStates, OriginBitIsSetPerSlotAndClearedBySet) {
  for (PackageIndex slot : probe_slots) {
    SCOPED_TRACE(int{slot});
    PackageStates packages;
    packages.set(slot, CbsState::install_pending);
    packages.set_origin(package_bit(slot));
    EXPECT_TRUE(packages.origin(slot));
    EXPECT_EQ(packages.origin_mask(), package_bit(slot));
    EXPECT_EQ(packages.get(slot), CbsState::install_pending);  // origin does not change the state
    packages.set(slot, CbsState::installed);
    EXPECT_FALSE(packages.origin(slot));
    EXPECT_EQ(packages.origin_mask(), 0u);
  }
}

TEST(PackageStates, SetAllClearsOriginOnlyInMask) {
  PackageStates packages;
  packages.set_all(package_bit(0) | package_bit(63), CbsState::uninstall_pending);
  packages.set_origin(package_bit(0) | package_bit(63));
  packages.set_all(package_bit(0), CbsState::superseded);
  EXPECT_FALSE(packages.origin(0));
  EXPECT_TRUE(packages.origin(63));
}

TEST(PackageStates, EqualityIncludesOrigin) {
  PackageStates left;
  PackageStates right;
  left.set(5, CbsState::install_pending);
  right.set(5, CbsState::install_pending);
  EXPECT_EQ(left, right);
  right.set_origin(package_bit(5));
  EXPECT_NE(left, right);
}

TEST(TargetFlags, SetAndClearEachFlag) {
  for (int flag = 0; flag < target_flag_count; ++flag) {
    const auto which = static_cast<TargetFlag>(flag);
    SCOPED_TRACE(target_flag_name(which));
    TargetFlags flags;
    flags.set(which);
    EXPECT_TRUE(flags.has(which));
    EXPECT_EQ(flags.bits, 1u << flag);
    flags.set(which, false);
    EXPECT_FALSE(flags.has(which));
    EXPECT_EQ(flags.bits, 0u);
  }
}

TargetState sample_state() {
  TargetState state;
  state.packages.set(0, CbsState::installed);
  state.packages.set(3, CbsState::install_pending);
  state.packages.set_origin(package_bit(3));
  state.build = 26100;
  state.ubr = 1742;
  state.ssu_version = 8115;
  state.flags.set(TargetFlag::reboot_pending);
  return state;
}

TEST(TargetState, EqualityComparesEveryField) {
  const TargetState base = sample_state();
  EXPECT_EQ(base, sample_state());
  TargetState changed = base;
  changed.ubr = 1743;
  EXPECT_NE(base, changed);
  changed = base;
  changed.build = 26200;
  EXPECT_NE(base, changed);
  changed = base;
  changed.ssu_version = 8116;
  EXPECT_NE(base, changed);
  changed = base;
  changed.flags.set(TargetFlag::store_corrupt);
  EXPECT_NE(base, changed);
  changed = base;
  changed.packages.set(63, CbsState::staged);
  EXPECT_NE(base, changed);
  changed = base;
  changed.committed.ubr = 1;
  EXPECT_NE(base, changed);
}

TEST(TargetState, EqualStatesHashEqual) {
  const TargetState first = sample_state();
  const TargetState second = sample_state();
  ASSERT_EQ(first, second);
  EXPECT_EQ(hash_state(first), hash_state(second));
  EXPECT_EQ(hash_state(first), hash_state(first));  // deterministic across calls
  EXPECT_EQ(hash_state(TargetState{}), hash_state(TargetState{}));
}

TEST(TargetState, OneBitChangeChangesHash) {
  const TargetState base = sample_state();
  const std::uint64_t base_hash = hash_state(base);
  for (PackageIndex slot : probe_slots) {
    TargetState changed = base;
    changed.packages.set(slot, changed.packages.get(slot) == CbsState::absent
                                   ? CbsState::staged
                                   : CbsState::absent);
    EXPECT_NE(hash_state(changed), base_hash) << "slot " << int{slot};
  }
  TargetState changed = base;
  changed.packages.set_origin(package_bit(0));
  EXPECT_NE(hash_state(changed), base_hash);
  for (int flag = 0; flag < target_flag_count; ++flag) {
    changed = base;
    const auto which = static_cast<TargetFlag>(flag);
    changed.flags.set(which, !changed.flags.has(which));
    EXPECT_NE(hash_state(changed), base_hash) << target_flag_name(which);
  }
  changed = base;
  changed.ubr ^= 1u;
  EXPECT_NE(hash_state(changed), base_hash);
  changed = base;
  changed.ssu_version ^= 1u << 31;
  EXPECT_NE(hash_state(changed), base_hash);
  changed = base;
  changed.build ^= 1u;
  EXPECT_NE(hash_state(changed), base_hash);
  changed = base;
  changed.committed.flags.set(TargetFlag::components_reset);
  EXPECT_NE(hash_state(changed), base_hash);
}

/// Sets every field of `state` one member at a time, so the bytes between members (padding)
/// keep whatever the memory held before.
void assign_members(TargetState& state) {
  const TargetState sample = sample_state();
  state.packages = sample.packages;
  state.build = sample.build;
  state.ubr = sample.ubr;
  state.ssu_version = sample.ssu_version;
  state.flags = sample.flags;
  state.committed.packages = sample.committed.packages;
  state.committed.build = sample.committed.build;
  state.committed.ubr = sample.committed.ubr;
  state.committed.ssu_version = sample.committed.ssu_version;
  state.committed.flags = sample.committed.flags;
}

TEST(TargetState, HashIgnoresWhatMemoryHeldBefore) {
  // hash_state hashes raw bytes. Two states that compare equal must hash equal even when one
  // was built member by member over memory holding garbage, as a default-initialised local
  // (`TargetState state;`) is. (Regression: ServicedImage once had three padding bytes after
  // its flags, left indeterminate; it now has explicit zeroed `reserved` bytes.)
  alignas(TargetState) unsigned char dirty_memory[sizeof(TargetState)];
  std::memset(dirty_memory, 0xA5, sizeof dirty_memory);
  auto* dirty = new (dirty_memory) TargetState;  // default-initialisation: padding untouched
  assign_members(*dirty);
  alignas(TargetState) unsigned char clean_memory[sizeof(TargetState)];
  std::memset(clean_memory, 0, sizeof clean_memory);
  auto* clean = new (clean_memory) TargetState;
  assign_members(*clean);
  ASSERT_EQ(*dirty, *clean);
  EXPECT_EQ(hash_state(*dirty), hash_state(*clean));
}

}  // namespace
}  // namespace svcsim::model
