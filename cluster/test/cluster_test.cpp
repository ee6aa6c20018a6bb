// Checks the cluster library without a launcher: a tally survives its byte form exactly (every
// field, by hand and for RapidCheck's tallies), merging the encoded parts equals merging the
// tallies, and a process started without mpirun is rank 0 of 1, where every collective is the
// identity. Runs in builds with and without MPI; tests/mpi_compare.sh checks real ranks.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "svcsim/cluster/cluster.hpp"
#include "svcsim/cluster/tally_codec.hpp"

namespace svcsim::cluster {
namespace {

using simulator::RingTally;
using simulator::StrategyTally;

/// A tally whose every field differs from its default and from every other field.
StrategyTally every_field_set() {
  StrategyTally tally;
  tally.devices = 1000;
  tally.not_installed = 1;
  for (std::size_t index = 0; index < tally.classes.size(); ++index) tally.classes[index] = 100 + index;
  tally.violations = 2;
  tally.reboots = 3;
  tally.faults_struck = 4;
  tally.compliant = 5;
  tally.compliance_minutes = {{-7, 1}, {0, 2}, {std::numeric_limits<std::int64_t>::max(), 3}};
  tally.end_baselines = {{"", 1}, {"20348.3300 (SSU 3200)", 6}, {std::string("a\0b", 3), 7}};
  tally.rings = {{10, 9, 8}, {7, 6, 5}};
  tally.blast_radius = 11;
  tally.exposed_device_days = 12;
  tally.regressed_device_days = std::numeric_limits<std::uint64_t>::max();
  tally.regressed_devices = 13;
  return tally;
}

StrategyTally arbitrary_tally() {
  StrategyTally tally;
  tally.devices = *rc::gen::arbitrary<std::uint64_t>();
  tally.not_installed = *rc::gen::arbitrary<std::uint64_t>();
  for (std::uint64_t& count : tally.classes) count = *rc::gen::arbitrary<std::uint64_t>();
  tally.violations = *rc::gen::arbitrary<std::uint64_t>();
  tally.reboots = *rc::gen::arbitrary<std::uint64_t>();
  tally.faults_struck = *rc::gen::arbitrary<std::uint64_t>();
  tally.compliant = *rc::gen::arbitrary<std::uint64_t>();
  tally.compliance_minutes = *rc::gen::arbitrary<std::map<std::int64_t, std::uint64_t>>();
  tally.end_baselines = *rc::gen::arbitrary<std::map<std::string, std::uint64_t>>();
  for (const auto& ring : *rc::gen::arbitrary<std::vector<std::array<std::uint64_t, 3>>>()) {
    tally.rings.push_back(RingTally{ring[0], ring[1], ring[2]});
  }
  tally.blast_radius = *rc::gen::arbitrary<std::uint64_t>();
  tally.exposed_device_days = *rc::gen::arbitrary<std::uint64_t>();
  tally.regressed_device_days = *rc::gen::arbitrary<std::uint64_t>();
  tally.regressed_devices = *rc::gen::arbitrary<std::uint64_t>();
  return tally;
}

TEST(TallyCodec, EveryFieldSurvivesItsBytes) {
  const StrategyTally tally = every_field_set();
  const std::string bytes = encode_tally(tally);
  EXPECT_EQ(decode_tally(bytes), tally);
  EXPECT_EQ(decode_tally(encode_tally(StrategyTally{})), StrategyTally{});
  // Not the default: the test would pass on a codec that wrote nothing.
  EXPECT_NE(decode_tally(bytes), StrategyTally{});
}

TEST(TallyCodec, MergingTheBytesIsMergingTheTallies) {
  StrategyTally left = every_field_set();
  StrategyTally right = every_field_set();
  right.rings.push_back({1, 1, 1});
  right.end_baselines["26100.8115 (SSU 8115)"] = 9;
  const std::string left_bytes = encode_tally(left);
  const std::string right_bytes = encode_tally(right);
  StrategyTally expected = left;
  expected.merge(right);
  EXPECT_EQ(merge_encoded({left_bytes, right_bytes}), expected);
  EXPECT_EQ(merge_encoded({}), StrategyTally{});
}

RC_GTEST_PROP(TallyCodec, RoundTripsAnyTally, ()) {
  const StrategyTally tally = arbitrary_tally();
  RC_ASSERT(decode_tally(encode_tally(tally)) == tally);
}

RC_GTEST_PROP(TallyCodec, MergesPartsInOrderAsMergeDoes, ()) {
  const auto part_count = *rc::gen::inRange<std::size_t>(0, 5);
  std::vector<std::string> encoded;
  StrategyTally expected;
  for (std::size_t part = 0; part < part_count; ++part) {
    const StrategyTally tally = arbitrary_tally();
    expected.merge(tally);
    encoded.push_back(encode_tally(tally));
  }
  const std::vector<std::string_view> views(encoded.begin(), encoded.end());
  RC_ASSERT(merge_encoded(views) == expected);
}

TEST(Cluster, WithoutALauncherTheProcessIsRankZeroOfOne) {
  // No cluster::Session here, as in any process no launcher started.
  EXPECT_EQ(rank(), 0);
  EXPECT_EQ(size(), 1);
  EXPECT_EQ(all_gather(7), std::vector<std::uint64_t>{7});
  EXPECT_EQ(broadcast_from_rank0(5), 5);
  const StrategyTally tally = every_field_set();
  EXPECT_EQ(merge_over_ranks(tally), tally);
  const simulator::FleetPartition partition = fleet_partition();
  EXPECT_EQ(partition.part, 0u);
  EXPECT_EQ(partition.part_count, 1u);
  EXPECT_FALSE(partition.combine);
  abort_if_several_ranks(3);  // returns on one rank
}

}  // namespace
}  // namespace svcsim::cluster
