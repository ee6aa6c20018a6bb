// The fleet engine's speed (issue 9): N devices x 5 strategies of a scenario (default
// kb5086672-online.yaml, 1,000,000 devices), on 1 and 2 threads, beside the naive baseline (one
// run_sequence per device, no cache) in the same run; once as written and once with fault rates,
// which make some devices leave the cache; beside a pure arithmetic loop on 1 and 2 threads, the
// ceiling a shared machine allows at that moment. Prints a Markdown table; bench/README.md holds
// the figures.
//
//   svcsim_fleet_bench [--devices N] [--naive-devices N] [--scenario FILE]
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/fleet.hpp"

namespace {

using namespace svcsim;

struct Measure {
  double seconds = 0;
  std::uint64_t device_steps = 0;
};

Measure measure(const scenario::Scenario& scenario, const std::vector<scenario::StrategySpec>& strategies,
                simulator::FleetOptions options) {
  const auto start = std::chrono::steady_clock::now();
  const simulator::FleetReport report = simulator::simulate_fleet(scenario, strategies, options);
  const auto stop = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(stop - start).count(), report.device_steps};
}

void row(const std::string& what, int threads, std::uint64_t devices, std::size_t strategy_count,
         const Measure& result, double baseline_seconds) {
  const double device_runs = static_cast<double>(devices) * static_cast<double>(strategy_count);
  fmt::print("| {} | {} | {} | {:.3f} | {:.2f} | {:.1f} | {} |\n", what, threads, devices, result.seconds,
             device_runs / result.seconds / 1e6,
             static_cast<double>(result.device_steps) / result.seconds / threads / 1e6,
             baseline_seconds > 0 ? fmt::format("{:.2f}x", baseline_seconds / result.seconds) : "");
}

/// The machine's own ceiling for 2 threads right now: the same arithmetic loop on 1 thread and
/// split over 2, no memory touched. On a shared machine the second core may be busy, and then no
/// engine can be faster on 2 threads than this ratio.
double spin_ratio() {
  constexpr std::uint64_t iteration_count = 400'000'000;
  const auto spin = [](int threads) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    std::vector<std::uint64_t> sinks(static_cast<std::size_t>(threads) * 8, 0);
    for (int part = 0; part < threads; ++part) {
      pool.emplace_back([&sinks, part, threads] {
        std::uint64_t value = 1;
        for (std::uint64_t step = 0; step < iteration_count / static_cast<std::uint64_t>(threads); ++step) {
          value = value * 6364136223846793005ULL + 1;
        }
        sinks[static_cast<std::size_t>(part) * 8] = value;  // a cache line apart
      });
    }
    for (std::thread& thread : pool) thread.join();
    if (sinks[0] == 42) fmt::print("");  // keeps the loop
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  return spin(1) / spin(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t devices = 1000000;
  std::uint64_t naive_devices = 0;  // 0: as many as --devices
  std::string path = std::string(SVCSIM_SOURCE_DIR_FALLBACK) + "/scenarios/kb5086672-online.yaml";
  for (int index = 1; index + 1 < argc; index += 2) {
    if (std::strcmp(argv[index], "--devices") == 0) devices = std::strtoull(argv[index + 1], nullptr, 10);
    if (std::strcmp(argv[index], "--naive-devices") == 0) naive_devices = std::strtoull(argv[index + 1], nullptr, 10);
    if (std::strcmp(argv[index], "--scenario") == 0) path = argv[index + 1];
  }
  if (naive_devices == 0) naive_devices = devices;
  auto loaded = scenario::load_scenario_file(path);
  if (!loaded) {
    fmt::print(stderr, "{}\n", loaded.error().to_string());
    return 2;
  }
  scenario::Scenario scenario = *loaded;
  std::vector<scenario::StrategySpec> strategies;
  for (const char* name : {"method1", "method2", "filename", "newest_only", "random"}) {
    strategies.push_back(*scenario::find_strategy(scenario.plan, nullptr, name));
  }
  fmt::print("{} x {} strategies of {}\n\n", devices, strategies.size(), path);
  fmt::print("| engine | threads | devices | seconds | M device runs/s | M device steps/s per core | vs naive |\n");
  fmt::print("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (const bool faults : {false, true}) {
    if (faults) {
      // Fault rates that make about 1 device in 25 leave the cache.
      if (!scenario.fleet) scenario.fleet.emplace();
      scenario.fleet->faults = {{model::Fault::execute_failure, 0.01}, {model::Fault::startup_failure, 0.01}};
    }
    const std::string label = faults ? "with faults" : "as written";
    simulator::FleetOptions options;
    options.seed = 1;
    options.devices = naive_devices;
    options.cache = false;
    const Measure naive = measure(scenario, strategies, options);
    row("naive: run_sequence per device, " + label, 1, naive_devices, strategies.size(), naive, 0);
    const double naive_per_device = naive.seconds / static_cast<double>(naive_devices);
    const double baseline = naive_per_device * static_cast<double>(devices);
    options.cache = true;
    options.devices = devices;
    options.threads = 1;
    const Measure one = measure(scenario, strategies, options);
    row("cached, " + label, 1, devices, strategies.size(), one, baseline);
    options.threads = 2;
    const Measure two = measure(scenario, strategies, options);
    row("cached, " + label, 2, devices, strategies.size(), two, baseline);
    fmt::print("| 2 threads vs 1, {} | | | | | | {:.2f}x |\n", label, one.seconds / two.seconds);
    fmt::print("| 2 threads vs 1, a pure arithmetic loop (this machine's ceiling now) | | | | | | {:.2f}x |\n",
               spin_ratio());
  }
  return 0;
}
