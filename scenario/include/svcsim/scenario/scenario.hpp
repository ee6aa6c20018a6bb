// A scenario (scenarios.md): catalog, targets with their starting state, a plan, a fault budget
// and what the author expects. Loaded from YAML by loader.hpp, written by writer.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "svcsim/model/classify.hpp"
#include "svcsim/scenario/fleet.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/knobs.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/plan.hpp"
#include "svcsim/model/result_code.hpp"
#include "svcsim/model/target_spec.hpp"
#include "svcsim/model/target_state.hpp"
#include "svcsim/model/world.hpp"

namespace svcsim::scenario {

// The format is written in the model's words; its types are used unqualified here.
using namespace svcsim::model;

/// Expected values of an end state; unset fields are not checked.
struct EndStateExpectation {
  std::optional<std::uint32_t> build;
  std::optional<std::uint32_t> ubr;
  std::optional<std::uint32_t> ssu_version;
  std::vector<std::pair<PackageIndex, CbsState>> packages;
};

/// An expectation on one named order (`expect.orders[]`), checked by `svcsim run --order`.
struct OrderExpectation {
  std::vector<std::string> order;  // step texts, as --order takes them
  std::optional<OutcomeClass> outcome_class;
  std::optional<ResultCode> first_error;
  EndStateExpectation end_state;
};

/// Expected counts for runs with exactly `faults` faults (decimal strings: counts are exact).
struct RunCountExpectation {
  int faults = 0;
  std::optional<std::string> total;
  std::map<OutcomeClass, std::string> classes;
  std::map<std::uint32_t, std::string> codes;  // HRESULT -> count
};

struct ExploreExpectation {
  std::optional<std::string> orders;
  std::vector<RunCountExpectation> runs;  // `classes`/`codes` at the top level are faults: 0
  /// `allow`: the classes a run may end in; every other class that some run reaches is a failed
  /// JUnit test case with its witness. Default: success and clean_failure.
  std::vector<OutcomeClass> allow = {OutcomeClass::success, OutcomeClass::clean_failure};
  bool empty() const { return !orders && runs.empty(); }
};

struct Expectation {
  std::optional<OutcomeClass> documented_order;
  EndStateExpectation end_state;  // of the documented order
  std::vector<OrderExpectation> orders;
  ExploreExpectation explore;
};

struct Scenario {
  std::string path;    // the file it was loaded from
  /// `plan.target`: where unprefixed steps run (a v1 file's one target); nullopt with several
  /// targets and no `plan.target`, where every step names its target.
  std::optional<TargetIndex> default_target;
  std::string name;
  std::string source;  // the public document it models
  Knobs knobs;
  Catalog catalog;
  std::vector<TargetSpec> targets;
  Plan plan;
  FaultBudget faults;
  Expectation expect;
  std::optional<Fleet> fleet;  // `fleet:` (svcsim compare); none: compare uses the defaults
};

/// The most faults one run may take: `faults.max` in a file, `explore --faults` on the command
/// line and `expect.explore.runs[].faults` share this bound. Every placement of 8 faults is far
/// past what any real chain needs and what an exhaustive search can count in reasonable time.
inline constexpr int fault_count_per_run_max = 8;

/// The context for servicing `scenario.targets[target]`. The scenario must outlive it.
ServicingContext make_context(const Scenario& scenario, std::size_t target);

/// The World of a scenario: its catalog, knobs and targets. The scenario must outlive it.
World make_world(const Scenario& scenario);

/// The starting TargetState of `scenario.targets[target]`: initial_state(catalog, spec) of
/// target_spec.hpp.
TargetState initial_state(const Scenario& scenario, std::size_t target);

/// The step texts that are not package ids ("reboot", "cleanup", ...). A package id equal to one
/// of them would make a step ambiguous, so the loader refuses such ids.
inline constexpr std::array<std::string_view, 6> step_keywords = {
    "reboot", "cleanup", "revert_pending", "mount", "commit", "discard"};

/// Parses one step text ("KB5043080", "method1(KB5086672)", "remove(KB5086672)", "reboot",
/// "cleanup", "cleanup(reset_base)", "revert_pending", "mount", "commit", "discard") against the
/// catalog. nullopt for anything else. /PreventPending is not part of the text.
std::optional<Operation> parse_step(const Catalog& catalog, std::string_view text);

/// Parses a plan-step text "[TARGET:]STEP" against the scenario's catalog and targets: STEP as
/// parse_step takes it, or "copy_winre(WINRE)" naming a target. Without a prefix the step runs on
/// `default_target` (nullopt: a prefix is required). The text kept is the trimmed input.
///
///   parse_plan_step(scenario, "install:copy_winre(winre)", std::nullopt)
std::optional<PlanStep> parse_plan_step(const Scenario& scenario, std::string_view text,
                                        std::optional<TargetIndex> default_target);

/// The target a step without a prefix runs on: the only target, else none.
std::optional<TargetIndex> default_step_target(const Scenario& scenario);

}  // namespace svcsim::scenario
