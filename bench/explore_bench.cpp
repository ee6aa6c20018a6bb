// The explorer on synthetic chains (no `before`, on_error: continue: the largest spaces), with
// counters for distinct states per second and bytes per stored state; and the brute-force oracle
// on the same chains, whose ratio to the explorer is the point of the design.
#include <benchmark/benchmark.h>

#include "brute_force.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace {

using namespace svcsim;

constexpr model::FaultSet four_fault_kinds =
    model::fault_bit(model::Fault::execute_failure) | model::fault_bit(model::Fault::power_loss_staging) |
    model::fault_bit(model::Fault::startup_failure) | model::fault_bit(model::Fault::commit_interrupted);

void report(benchmark::State& state, const simulator::ExploreResult& result) {
  state.counters["states"] = static_cast<double>(result.states);
  state.counters["transitions"] = static_cast<double>(result.transitions);
  state.counters["model_states"] = static_cast<double>(result.model_states);
  state.counters["states_per_s"] =
      benchmark::Counter(static_cast<double>(result.states), benchmark::Counter::kIsRate);
  state.counters["bytes_per_state"] =
      static_cast<double>(result.peak_bytes) / static_cast<double>(result.states);
}

void BM_ExploreSyntheticChain(benchmark::State& state) {
  const auto scenario = simulator::make_synthetic_chain(
      {.package_count = static_cast<int>(state.range(0))});
  simulator::ExploreResult result;
  for (auto _ : state) {
    result = simulator::explore(scenario);
    benchmark::DoNotOptimize(result.orders);
  }
  report(state, result);
}
BENCHMARK(BM_ExploreSyntheticChain)->DenseRange(8, 20, 2)->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_ExploreSyntheticChainOneFault(benchmark::State& state) {
  const auto scenario = simulator::make_synthetic_chain(
      {.package_count = static_cast<int>(state.range(0)), .fault_count_max = 1,
       .fault_kinds = four_fault_kinds});
  simulator::ExploreResult result;
  for (auto _ : state) {
    result = simulator::explore(scenario);
    benchmark::DoNotOptimize(result.orders);
  }
  report(state, result);
}
BENCHMARK(BM_ExploreSyntheticChainOneFault)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_BruteForceSyntheticChain(benchmark::State& state) {
  const auto scenario = simulator::make_synthetic_chain(
      {.package_count = static_cast<int>(state.range(0))});
  for (auto _ : state) {
    benchmark::DoNotOptimize(simulator::testing::brute_force(scenario, 0).orders);
  }
}
BENCHMARK(BM_BruteForceSyntheticChain)->DenseRange(8, 10)->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
