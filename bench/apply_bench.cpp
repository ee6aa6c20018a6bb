// The model's transition function in isolation: one add (with its checks) and one reboot that
// commits a pending CU, on the KB5086672 chain. These set the floor under every engine.
#include <benchmark/benchmark.h>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace {

using namespace svcsim;

struct ChainFixture {
  scenario::Scenario scenario = simulator::make_synthetic_chain({.package_count = 20});
  model::ServicingContext context = scenario::make_context(scenario, 0);
  model::TargetState start = scenario::initial_state(scenario, 0);
};

void BM_ApplyAddCheckpoint(benchmark::State& state) {
  const ChainFixture fixture;
  const model::Operation add{model::OperationKind::add, 1, false, false};  // the first checkpoint
  for (auto _ : state) {
    benchmark::DoNotOptimize(model::apply(fixture.context, fixture.start, add));
  }
}
BENCHMARK(BM_ApplyAddCheckpoint);

void BM_ApplyRebootCommit(benchmark::State& state) {
  const ChainFixture fixture;
  const model::Operation add{model::OperationKind::add, 1, false, false};
  const model::TargetState pending = model::apply(fixture.context, fixture.start, add).state;
  const model::Operation reboot{model::OperationKind::reboot, 0, false, false};
  for (auto _ : state) {
    benchmark::DoNotOptimize(model::apply(fixture.context, pending, reboot));
  }
}
BENCHMARK(BM_ApplyRebootCommit);

void BM_CheckStep(benchmark::State& state) {
  const ChainFixture fixture;
  const model::Operation add{model::OperationKind::add, 1, false, false};
  const model::Outcome outcome = model::apply(fixture.context, fixture.start, add);
  for (auto _ : state) {
    benchmark::DoNotOptimize(model::check_step(fixture.context, fixture.start, add, outcome));
  }
}
BENCHMARK(BM_CheckStep);

void BM_HashState(benchmark::State& state) {
  const ChainFixture fixture;
  for (auto _ : state) benchmark::DoNotOptimize(model::hash_state(fixture.start));
}
BENCHMARK(BM_HashState);

}  // namespace
