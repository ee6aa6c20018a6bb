// `svcsim import` on the synthetic .msu files of import/test/make_fixtures.sh: one 24H2+ WIM
// .msu (the KB5086672 LCU with its bundled SSU: a WIM, a metadata cabinet, two .xml.cab files,
// two CompDBs), alone and with the scenario written and loaded back, and one classic .msu. The
// issue's bound: one WIM .msu in under 10 ms.
//
// The files are built by CTest (the import.fixtures test) or by hand:
//   import/test/make_fixtures.sh build/release/import/fixtures
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "svcsim/import/importer.hpp"
#include "svcsim/import/scenario_output.hpp"

namespace {

using namespace svcsim;

const std::filesystem::path fixture_dir = SVCSIM_IMPORT_FIXTURE_DIR;

/// The file, or a skip that says how to make it.
bool have(benchmark::State& state, const std::filesystem::path& file) {
  if (std::filesystem::exists(file)) return true;
  const std::string message = file.string() + " is missing; run import/test/make_fixtures.sh " +
                              fixture_dir.string();
  state.SkipWithError(message.c_str());
  return false;
}

void import_one(benchmark::State& state, const std::filesystem::path& file, bool write) {
  if (!have(state, file)) return;
  for (auto _ : state) {
    auto imported = import::import_msu_files({file}, {});
    if (!imported) {
      state.SkipWithError(imported.error().c_str());
      return;
    }
    if (write) {
      auto text = import::write_import_scenario(*imported, {});
      if (!text) {
        state.SkipWithError(text.error().c_str());
        return;
      }
      benchmark::DoNotOptimize(text);
    }
    benchmark::DoNotOptimize(imported);
  }
}

void BM_ImportWimMsu(benchmark::State& state) {
  import_one(state, fixture_dir / "kb5086672" / "windows11.0-kb5086672-x64.msu", false);
}
BENCHMARK(BM_ImportWimMsu)->Unit(benchmark::kMillisecond);

void BM_ImportWimMsuAndWriteScenario(benchmark::State& state) {
  import_one(state, fixture_dir / "kb5086672" / "windows11.0-kb5086672-x64.msu", true);
}
BENCHMARK(BM_ImportWimMsuAndWriteScenario)->Unit(benchmark::kMillisecond);

void BM_ImportClassicMsu(benchmark::State& state) {
  import_one(state, fixture_dir / "classic" / "windows10.0-kb5035845-x64.msu", false);
}
BENCHMARK(BM_ImportClassicMsu)->Unit(benchmark::kMillisecond);

}  // namespace
