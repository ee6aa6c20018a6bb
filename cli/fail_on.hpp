// `--fail-on CLASS,...` of `svcsim run` and `svcsim explore`: the outcome classes whose runs make
// the command fail (exit 1). The default is the scenario's (scenario::default_fail_on: every class
// expect.explore.allow does not list); "none" turns it off.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svcsim/model/classify.hpp"
#include "svcsim/model/result.hpp"
#include "svcsim/scenario/scenario.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace svcsim::cli {

/// The classes a command fails on, and whether the command line chose them.
struct FailOn {
  std::vector<model::OutcomeClass> classes;  // in class order; empty: fails on none
  bool from_option = false;
};

/// Parses a --fail-on value: class names separated by commas ("false_success,stuck"), or "none".
/// Refused with a reason: an unknown or repeated class, an empty value.
Result<std::vector<model::OutcomeClass>, std::string> parse_fail_on(std::string_view text);

/// Adds --fail-on to a subcommand, storing the raw text in `text`.
CLI::Option* add_fail_on_option(CLI::App& command, std::string& text);

/// The classes in effect: the option's if it was given (`option->count() > 0`), else the
/// scenario's default. Returns the reason when the option's value is refused.
Result<FailOn, std::string> resolve_fail_on(const CLI::Option* option, const std::string& text,
                                            const scenario::Scenario& scenario);

/// Whether `outcome_class` is one the command fails on.
bool fails_on(const FailOn& fail_on, model::OutcomeClass outcome_class);

/// "false_success, drift, stuck" or "none".
std::string class_list_text(const std::vector<model::OutcomeClass>& classes);

/// The classes not in `fail_on` ("success, clean_failure").
std::vector<model::OutcomeClass> allowed_classes(const FailOn& fail_on);

}  // namespace svcsim::cli
