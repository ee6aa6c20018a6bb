// Parsing and resolving --fail-on (fail_on.hpp).
#include "fail_on.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include "svcsim/model/text.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {

Result<std::vector<model::OutcomeClass>, std::string> parse_fail_on(std::string_view text) {
  if (text == "none") return std::vector<model::OutcomeClass>{};
  std::vector<std::string> names;
  for (int index = 0; index < model::outcome_class_count; ++index) {
    names.emplace_back(model::outcome_class_name(static_cast<model::OutcomeClass>(index)));
  }
  std::string known;
  for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
  std::array<bool, model::outcome_class_count> chosen{};
  std::size_t start = 0;
  // Each pass consumes a comma, so at most text.size() + 1 pieces.
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = model::detail::trim(text.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) {
      return unexpected("expected class names separated by commas (" + known + ") or 'none'");
    }
    const auto outcome_class = model::parse_outcome_class(name);
    if (!outcome_class) {
      return unexpected("unknown outcome class " + model::detail::quote(name) +
                        " (expected one of: " + known + ", or none)");
    }
    auto& seen = chosen[static_cast<std::size_t>(*outcome_class)];
    if (seen) return unexpected("class " + model::detail::quote(name) + " is listed twice");
    seen = true;
  }
  std::vector<model::OutcomeClass> classes;
  for (int index = 0; index < model::outcome_class_count; ++index) {
    if (chosen[static_cast<std::size_t>(index)]) classes.push_back(static_cast<model::OutcomeClass>(index));
  }
  SVCSIM_ASSERT(!classes.empty());
  return classes;
}

CLI::Option* add_fail_on_option(CLI::App& command, std::string& text) {
  return command
      .add_option("--fail-on", text,
                  "Exit 1 when a run ends in one of these classes (default: every class the "
                  "scenario's expect.explore.allow does not list, i.e. false_success, drift and "
                  "stuck unless it says otherwise); 'none' turns this off")
      ->type_name("CLASS,...|none");
}

Result<FailOn, std::string> resolve_fail_on(const CLI::Option* option, const std::string& text,
                                            const scenario::Scenario& scenario) {
  FailOn fail_on;
  if (option == nullptr || option->count() == 0) {
    fail_on.classes = scenario::default_fail_on(scenario);
    return fail_on;
  }
  auto parsed = parse_fail_on(text);
  if (!parsed) return unexpected("--fail-on " + model::detail::quote(visible(text)) + ": " + parsed.error());
  fail_on.classes = std::move(parsed.value());
  fail_on.from_option = true;
  return fail_on;
}

bool fails_on(const FailOn& fail_on, model::OutcomeClass outcome_class) {
  return std::find(fail_on.classes.begin(), fail_on.classes.end(), outcome_class) !=
         fail_on.classes.end();
}

std::string class_list_text(const std::vector<model::OutcomeClass>& classes) {
  std::string text;
  for (const model::OutcomeClass outcome_class : classes) {
    text += (text.empty() ? "" : ", ") + std::string(model::outcome_class_name(outcome_class));
  }
  return text.empty() ? "none" : text;
}

std::vector<model::OutcomeClass> allowed_classes(const FailOn& fail_on) {
  std::vector<model::OutcomeClass> allowed;
  for (int index = 0; index < model::outcome_class_count; ++index) {
    const auto outcome_class = static_cast<model::OutcomeClass>(index);
    if (!fails_on(fail_on, outcome_class)) allowed.push_back(outcome_class);
  }
  return allowed;
}

}  // namespace svcsim::cli
