// The scenario format (scenarios.md) on top of YamlReader: one reader per section of the file,
// defined in scenario_setup_reader.cpp, scenario_plan_reader.cpp and scenario_expect_reader.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "svcsim/model/names_valid.hpp"
#include "svcsim/scenario/scenario.hpp"
#include "yaml_reader.hpp"

namespace svcsim::scenario::detail {

using namespace svcsim::model;
using namespace svcsim::model::detail;

// Bounds on what a scenario may declare. Packages are bounded by the state's bit planes; the
// others keep every loop over user input short (a fuzzer's file must load in microseconds).
inline constexpr std::size_t package_count_limit = package_count_max;
// The World's bound (a world state is a tuple of per-target ids).
inline constexpr std::size_t target_count_max = static_cast<std::size_t>(model::target_count_max);
inline constexpr std::size_t step_count_max = 256;
inline constexpr std::size_t before_count_max = 1024;
inline constexpr std::size_t order_expectation_count_max = 1024;
inline constexpr int fault_count_budget_max = fault_count_per_run_max;
// A step text is TARGET:copy_winre(TARGET) at the longest: two names and a keyword.
inline constexpr std::size_t step_text_length_max = 2 * identifier_length_max + 16;
inline constexpr std::size_t file_size_max = std::size_t{16} << 20;

/// Checks a YAML document against scenarios.md and builds the Scenario. Like YamlReader's, every
/// read_* function returns false after recording the first error; nothing is thrown.
class ScenarioReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  bool load(const YAML::Node& root, Scenario& scenario);

 private:
  // Values that name things of the model.
  bool read_package_id(const Field& field, const Catalog& catalog, PackageIndex& index);
  bool read_step(const Field& field, const Scenario& scenario, PlanStep& step);
  bool read_hresult(const Field& field, std::uint32_t& value);
  bool read_error_code(const Field& field, ResultCode& code);
  bool read_class(const Field& field, OutcomeClass& outcome_class);

  // Sections of the file.
  bool read_knobs(const Field& at, Knobs& knobs);
  bool read_packages(const Field& at, Catalog& catalog);
  bool read_package(const Field& at, Package& package, YAML::Mark& id_mark,
                    std::vector<Field>& requires_items, std::vector<Field>& fixed_by_items);
  bool read_probability(const Field& field, double& probability);
  bool read_defect(const Field& at, Defect& defect);
  bool read_regression(const Field& at, Regression& regression,
                       std::vector<Field>& fixed_by_items);
  bool read_targets(const Field& at, Scenario& scenario);
  bool read_target(const Field& at, const Scenario& scenario, TargetSpec& target);
  bool read_flags(const Field& at, TargetSpec& target);
  bool read_plan(const Field& at, Scenario& scenario);
  bool read_before(const Field& at, const Scenario& scenario, Plan& plan,
                   std::vector<Field>& pairs);
  bool read_faults(const Field* at, const Catalog& catalog, FaultBudget& faults);
  bool read_expect(const Field& at, const Scenario& scenario, Expectation& expect);
  bool read_end_state(const Field& at, const Catalog& catalog, EndStateExpectation& end_state);
  bool read_explore(const Field& at, const Scenario& scenario, ExploreExpectation& explore);
  bool read_run_counts(const Fields& fields, RunCountExpectation& run);
};

}  // namespace svcsim::scenario::detail
