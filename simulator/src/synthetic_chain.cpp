// Synthetic servicing chains (see synthetic_chain.hpp): built once as YAML text and loaded with
// the real scenario loader, so benchmarks measure exactly what users' files produce.
#include "svcsim/simulator/synthetic_chain.hpp"

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "svcsim/scenario/loader.hpp"

namespace svcsim::simulator {

std::string synthetic_chain_yaml(const SyntheticChainOptions& options) {
  SVCSIM_ASSERT(options.package_count >= 1 && options.package_count <= model::package_count_max);
  std::string yaml = fmt::format(
      "name: synthetic servicing chain of {} packages\n"
      "source: svcsim synthetic generator (bench/); proportions of a 24H2 servicing year\n"
      "packages:\n",
      options.package_count);
  std::string steps;
  std::uint32_t checkpoint = 0;
  for (int index = 0; index < options.package_count; ++index) {
    const auto number = static_cast<std::uint32_t>(index);
    std::string id = fmt::format("KB{}", 5100000 + index);
    steps += (steps.empty() ? "" : ", ") + id;
    if (index == 0) {
      yaml += fmt::format("  - {{id: {}, kind: ssu, revision: 500}}\n", id);
      continue;
    }
    switch (index % 5) {
      case 1: {
        const std::uint32_t revision = 1000 * number;
        yaml += fmt::format("  - {{id: {}, kind: checkpoint_cu, revision: {}{}}}\n", id, revision,
                            checkpoint != 0 ? fmt::format(", baseline: {}", checkpoint) : "");
        checkpoint = revision;
        break;
      }
      case 2:
        yaml += fmt::format("  - {{id: {}, kind: cu, revision: {}, baseline: {}, bundled_ssu: {}}}\n",
                            id, 1000 * number + 100, checkpoint, 500 + number);
        break;
      case 3:
        yaml += fmt::format("  - {{id: {}, kind: cu, revision: {}, baseline: {}, ssu_min: 500}}\n",
                            id, 1000 * number + 100, checkpoint);
        break;
      default:
        yaml += fmt::format("  - {{id: {}, kind: dotnet_cu}}\n", id);
        break;
    }
  }
  yaml += "targets:\n"
          "  - {name: device, kind: online, build: 26100, ubr: 1, ssu_version: 1}\n";
  // A servicing year in one plan, not a boot loop: the reboot bound (v2, default 8) is set to
  // the step count, which no run can pass, so the chain's space is the same as without a bound.
  yaml += fmt::format("plan:\n  target: device\n  steps: [{}]\n  reboot: after_3010\n"
                      "  reboot_count_max: {}\n  on_error: continue\n",
                      steps, options.package_count);
  if (options.fault_count_max > 0) {
    std::string kinds;
    for (int kind = 1; kind < model::fault_count; ++kind) {
      const auto fault = static_cast<model::Fault>(kind);
      if ((options.fault_kinds & model::fault_bit(fault)) == 0) continue;
      kinds += (kinds.empty() ? "" : ", ") + std::string(model::fault_name(fault));
    }
    yaml += fmt::format("faults:\n  max: {}\n  kinds: [{}]\n", options.fault_count_max, kinds);
  }
  return yaml;
}

scenario::Scenario make_synthetic_chain(const SyntheticChainOptions& options) {
  auto loaded = scenario::load_scenario_text(synthetic_chain_yaml(options), options.path);
  SVCSIM_ASSERT_MSG(loaded.has_value(), "the synthetic chain must always be a valid scenario");
  return std::move(loaded).value();
}

}  // namespace svcsim::simulator
