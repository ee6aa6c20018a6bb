// The world generator (see world_generator.hpp).
#include "world_generator.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "svcsim/model/world.hpp"

namespace svcsim::simulator::testing {
namespace {

using model::TargetKind;

/// A freshly mounted image of `kind` with nothing installed: always a valid start.
model::TargetSpec clean_image(std::string name, TargetKind kind) {
  model::TargetSpec target;
  target.name = std::move(name);
  target.kind = kind;
  target.build = 26100;
  target.base_build = 26100;
  target.ubr = 1;
  target.base_ubr = 1;
  target.ssu_version = 1;
  target.flags.set(model::TargetFlag::mounted);
  return target;
}

}  // namespace

rc::Gen<scenario::Scenario> gen_world_scenario(ScenarioLimits limits) {
  return rc::gen::exec([limits] {
    scenario::Scenario scenario = *gen_scenario(limits);
    // The first target's steps stay unprefixed: they run on the default target.
    scenario.default_target = model::TargetIndex{0};
    const int added = *rc::gen::inRange(1, 3);
    for (int index = 0; index < added; ++index) {
      const TargetKind kind = *rc::gen::element(TargetKind::install_wim, TargetKind::boot_wim,
                                                TargetKind::winre_wim);
      scenario.targets.push_back(clean_image(fmt::format("t{}", index + 1), kind));
    }
    // Some added steps: package adds, a cleanup, a commit, and copy_winre where it applies.
    std::vector<std::string> texts;
    for (std::size_t target = 1; target < scenario.targets.size(); ++target) {
      const std::string& name = scenario.targets[target].name;
      const int step_count = *rc::gen::inRange(1, 3);
      for (int step = 0; step < step_count; ++step) {
        std::vector<std::string> choices = {"cleanup", "commit"};
        for (const model::Package& package : scenario.catalog.packages) choices.push_back(package.id);
        if (scenario.targets[target].kind == TargetKind::install_wim) {
          for (const model::TargetSpec& other : scenario.targets) {
            if (other.kind == TargetKind::winre_wim) {
              choices.push_back(fmt::format("copy_winre({})", other.name));
            }
          }
        }
        texts.push_back(fmt::format("{}:{}", name, *rc::gen::elementOf(choices)));
      }
    }
    for (const std::string& text : texts) {
      auto step = scenario::parse_plan_step(scenario, text, scenario.default_target);
      RC_ASSERT(step.has_value());
      step->operation = model::plan_operation(scenario.plan, step->operation);
      scenario.plan.steps.push_back(std::move(*step));
    }
    // As the loader does: lifecycle steps keep their place on their own target.
    for (const auto& pair : model::lifecycle_constraints(scenario.plan)) {
      if (std::find(scenario.plan.before.begin(), scenario.plan.before.end(), pair) ==
          scenario.plan.before.end()) {
        scenario.plan.before.push_back(pair);
      }
    }
    const model::World world = scenario::make_world(scenario);
    RC_PRE(!model::check_world_state(world, world.initial_state().targets));
    return scenario;
  });
}

}  // namespace svcsim::simulator::testing
