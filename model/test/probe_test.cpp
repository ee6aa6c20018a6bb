// Coverage probes (probe.hpp): a hit counts, a reset clears, names are complete, hits from several
// threads all count, and a probe never changes what apply() returns. Each test resets the counts
// first, since every apply() in this executable records hits.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "svcsim/model/probe.hpp"
#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::CatalogBuilder;
using test::Target;

bool never_hit(Probe probe) {
  const std::vector<Probe> probes = probes_never_hit();
  return std::find(probes.begin(), probes.end(), probe) != probes.end();
}

TEST(Probe, CountsEachHitAndResets) {
  reset_probes();
  EXPECT_EQ(probe_hits(Probe::add_baseline_missing), 0u);
  EXPECT_TRUE(never_hit(Probe::add_baseline_missing));

  SVCSIM_PROBE(Probe::add_baseline_missing);
  SVCSIM_PROBE(Probe::add_baseline_missing);
  EXPECT_EQ(probe_hits(Probe::add_baseline_missing), 2u);
  EXPECT_FALSE(never_hit(Probe::add_baseline_missing));
  EXPECT_EQ(probe_hits(Probe::add_servicing_stack_too_old), 0u);  // only the one named

  reset_probes();
  EXPECT_EQ(probe_hits(Probe::add_baseline_missing), 0u);
  EXPECT_EQ(probes_never_hit().size(), static_cast<std::size_t>(probe_count));
}

TEST(Probe, ApplyHitsTheProbeOfItsRule) {
  // §4.4: an SSU cannot be removed. The probe at that rule counts once per apply().
  Target device(CatalogBuilder().ssu("SSU", 8115).build(), TargetKind::online);
  const TargetState start = device.state().installed("SSU").ssu_version(8115).build();
  reset_probes();
  const Outcome outcome = device.apply(start, device.remove("SSU"));
  EXPECT_EQ(outcome.code, ResultCode::cbs_e_cannot_uninstall);
  EXPECT_EQ(probe_hits(Probe::remove_permanent), 1u);
  EXPECT_EQ(probe_hits(Probe::remove_absent), 0u);
  EXPECT_EQ(probes_never_hit().size(), static_cast<std::size_t>(probe_count - 1));
}

TEST(Probe, NeverChangesAResult) {
  // The same step applied again, with the counts now non-zero, gives the same outcome.
  Target device(CatalogBuilder()
                    .checkpoint("KB5043080", 1742)
                    .cu("KB5086672", 8117, {.baseline = 1742, .bundled_ssu = 8115, .ssu_min = 8115})
                    .build(),
                TargetKind::online);
  const TargetState start = device.state().ssu_version(1).build();
  reset_probes();
  const Outcome first = device.apply(start, device.add("KB5086672"));
  const Outcome second = device.apply(start, device.add("KB5086672"));
  EXPECT_EQ(first.state, second.state);
  EXPECT_EQ(first.code, second.code);
  EXPECT_EQ(first.notes, second.notes);
  EXPECT_EQ(probe_hits(Probe::add_baseline_missing), 2u);
  EXPECT_EQ(probe_hits(Probe::add_bundled_ssu_installed), 2u);
}

TEST(Probe, HitsFromSeveralThreadsAllCount) {
  constexpr int thread_count = 4;
  constexpr int hits_per_thread = 10000;
  reset_probes();
  std::vector<std::thread> threads;
  for (int thread = 0; thread < thread_count; ++thread) {
    threads.emplace_back([] {
      for (int hit = 0; hit < hits_per_thread; ++hit) SVCSIM_PROBE(Probe::reboot_committed);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(probe_hits(Probe::reboot_committed),
            static_cast<std::uint64_t>(thread_count) * hits_per_thread);
}

TEST(Probe, EveryProbeHasItsOwnName) {
  std::set<std::string, std::less<>> names;
  for (int index = 0; index < probe_count; ++index) {
    const std::string_view name = probe_name(static_cast<Probe>(index));
    EXPECT_FALSE(name.empty()) << index;
    EXPECT_TRUE(names.emplace(name).second) << name << " is used twice";
  }
  EXPECT_EQ(probe_name(Probe::session_refused_unserviceable), "session_refused_unserviceable");
  EXPECT_EQ(probe_name(Probe::fault_crash_while_mounted), "fault_crash_while_mounted");
}

}  // namespace
}  // namespace svcsim::model
