// Rendering of explore results: text, JSON (stable keys), JUnit XML and DOT.
#include "explore_output.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

using model::OutcomeClass;
using simulator::BigCount;

std::string class_name(OutcomeClass outcome_class) {
  return std::string(model::outcome_class_name(outcome_class));
}

std::string code_label(std::uint32_t hresult) {
  const auto code = model::result_code_for_hresult(hresult);
  return model::hresult_text(hresult) +
         (code ? " " + std::string(model::result_name(*code)) : std::string{});
}

std::string status_name(simulator::ExploreStatus status) {
  switch (status) {
    case simulator::ExploreStatus::complete: return "complete";
    case simulator::ExploreStatus::incomplete_states: return "incomplete: --max-states reached";
    case simulator::ExploreStatus::incomplete_memory: return "incomplete: --max-memory-mib reached";
    case simulator::ExploreStatus::count_overflow: return "incomplete: a path count passed 2^128";
    case simulator::ExploreStatus::invariant_violation: return "invariant violation";
  }
  return "?";
}

std::string fault_list(const model::Catalog& catalog,
                       const std::vector<simulator::FaultPlacement>& faults) {
  std::string text;
  for (const auto& fault : faults) {
    text += (text.empty() ? "" : ", ") + simulator::fault_placement_text(catalog, fault);
  }
  return text.empty() ? "none" : text;
}

/// A placement's JSON: the step and the fault kind, or at step 0 the device property.
nlohmann::ordered_json fault_json(const model::Catalog& catalog,
                                  const simulator::FaultPlacement& fault) {
  if (fault.is_device()) {
    return {{"step", 0}, {"kind", model::device_property_text(catalog, fault.device)}};
  }
  return {{"step", fault.step}, {"kind", std::string(model::fault_name(fault.fault))}};
}

/// The shortest witness of a class, if any run reached it.
const simulator::Witness* class_witness(const simulator::ExploreResult& result,
                                        OutcomeClass outcome_class) {
  for (const auto& witness : result.witnesses) {
    if (!witness.for_code && witness.outcome_class == outcome_class) return &witness;
  }
  return nullptr;
}

/// Runs (any fault count) that ended in `outcome_class`.
BigCount runs_in_class(const simulator::ExploreResult& result, OutcomeClass outcome_class) {
  BigCount total;
  for (const auto& runs : result.runs) total += runs.classes[static_cast<std::size_t>(outcome_class)];
  return total;
}

std::string plan_summary(const scenario::Scenario& scenario) {
  std::string steps;
  for (const auto& step : scenario.plan.steps) steps += (steps.empty() ? "" : ", ") + step.text;
  return fmt::format("{} steps ({}), reboot {}, on_error {}", scenario.plan.steps.size(), steps,
                     scenario.plan.reboot == model::RebootPolicy::after_3010 ? "after_3010" : "at_end",
                     scenario.plan.on_error == model::ErrorPolicy::stop ? "stop" : "continue");
}

std::string witness_subject(const simulator::Witness& witness) {
  if (witness.for_code) return code_label(model::hresult(*witness.code));
  return class_name(witness.outcome_class);
}

/// Runs by class (rows) and number of faults (columns), then by first error code: one table, so
/// a reader sees at a glance what one more fault makes possible.
void write_count_table(std::ostream& out, const simulator::ExploreResult& result) {
  std::vector<std::string> header = {"runs"};
  for (std::size_t faults = 0; faults < result.runs.size(); ++faults) {
    header.push_back(fmt::format("{} fault{}", faults, faults == 1 ? "" : "s"));
  }
  std::vector<std::vector<std::string>> rows;
  for (int index = 0; index < model::outcome_class_count; ++index) {
    std::vector<std::string> row = {class_name(static_cast<OutcomeClass>(index))};
    for (const auto& counts : result.runs) row.push_back(counts.classes[static_cast<std::size_t>(index)].to_string());
    rows.push_back(std::move(row));
  }
  std::vector<std::string> total = {"total"};
  for (const auto& counts : result.runs) total.push_back(counts.total.to_string());
  rows.push_back(std::move(total));
  std::map<std::uint32_t, std::vector<std::string>> code_rows;  // HRESULT order: stable
  for (std::size_t faults = 0; faults < result.runs.size(); ++faults) {
    for (const auto& [code, count] : result.runs[faults].codes) {
      auto& row = code_rows[code];
      if (row.empty()) row.assign(result.runs.size() + 1, "0");
      row[faults + 1] = count.to_string();
    }
  }
  std::vector<std::size_t> widths(header.size(), 0);
  auto widen = [&widths](const std::vector<std::string>& row) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  for (auto& [code, row] : code_rows) {
    row[0] = "first error " + code_label(code);
    widen(row);
  }
  auto print = [&](const std::vector<std::string>& row) {
    out << "  " << fmt::format("{:<{}}", row[0], widths[0]);
    for (std::size_t column = 1; column < row.size(); ++column) {
      out << "  " << fmt::format("{:>{}}", row[column], widths[column]);
    }
    out << "\n";
  };
  out << "\n";
  print(header);
  for (const auto& row : rows) print(row);
  for (const auto& [code, row] : code_rows) print(row);
}

/// The classes lines: which are allowed, which were found (with their run counts), and the
/// verdict of --fail-on.
void write_class_verdict(std::ostream& out, const ExploreReport& report) {
  out << fmt::format("classes:  allowed {}; fail on {}{}\n",
                     class_list_text(allowed_classes(report.fail_on)),
                     class_list_text(report.fail_on.classes),
                     report.fail_on.from_option ? " (--fail-on)" : "");
  std::string found;
  for (int index = 0; index < model::outcome_class_count; ++index) {
    const auto outcome_class = static_cast<OutcomeClass>(index);
    const BigCount count = runs_in_class(report.result, outcome_class);
    if (count.is_zero()) continue;
    found += fmt::format("{}{} {}", found.empty() ? "" : ", ", class_name(outcome_class),
                         count.to_string());
  }
  const std::vector<OutcomeClass> failing = failing_classes(report);
  out << "found:    " << (found.empty() ? std::string("no runs") : found);
  if (!failing.empty()) out << ": FAIL (" << class_list_text(failing) << ")";
  out << "\n";
}

}  // namespace

std::vector<model::OutcomeClass> failing_classes(const ExploreReport& report) {
  std::vector<OutcomeClass> failing;
  for (const OutcomeClass outcome_class : report.fail_on.classes) {
    if (!runs_in_class(report.result, outcome_class).is_zero()) failing.push_back(outcome_class);
  }
  return failing;
}

void write_explore_text(std::ostream& stream, const ExploreReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  const simulator::ExploreResult& result = report.result;
  // Written whole, then escaped once: no value can break its line or reach the terminal raw.
  std::ostringstream out;
  out << "scenario: " << scenario.name << "\n";
  if (!scenario.source.empty()) {
    std::string source;
    for (const char character : scenario.source) {
      source += character;
      if (character == '\n') source += "          ";
    }
    out << "source:   " << source << "\n";
  }
  out << "plan:     " << plan_summary(scenario) << "\n";
  out << "faults:   up to " << result.fault_count_max << " per run\n";
  out << "orders:   " << result.orders.to_string() << "\n";
  out << "status:   " << status_name(result.status) << "\n";
  write_count_table(out, result);
  if (!result.witnesses.empty()) {
    out << "\nshortest witnesses:\n";
    for (const auto& witness : result.witnesses) {
      out << fmt::format("  {:<14} {} steps, faults {}\n    {}\n", witness_subject(witness),
                         witness.operation_count, fault_list(scenario.catalog, witness.faults),
                         visible(witness.command));
    }
  }
  if (result.status == simulator::ExploreStatus::invariant_violation) {
    out << "\ninvariant violation: " << result.violation_text << "\n";
    out << "  reproduce: " << visible(result.violation_command) << "\n";
  }
  const double seconds = report.timing ? result.elapsed_s : 0.0;
  const auto mebibytes = [&report](std::uint64_t bytes) {
    return report.timing ? static_cast<double>(bytes) / (1 << 20) : 0.0;
  };
  out << fmt::format("\nsearch: {} states, {} transitions, {} model states, {:.3f} s, {:.1f} MiB "
                     "peak resident, {:.1f} MiB tracked\n",
                     result.states, result.transitions, result.model_states, seconds,
                     mebibytes(result.peak_resident_bytes), mebibytes(result.peak_bytes));
  write_class_verdict(out, report);
  for (const auto& check : report.expectations) {
    out << fmt::format("expect: {} {}: {}", check.what, check.expected,
                       check.ok ? "ok" : "MISMATCH (got " + check.actual + ")")
        << "\n";
  }
  stream << visible_lines(out.str());
}

void write_explore_json(std::ostream& out, const ExploreReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  const simulator::ExploreResult& result = report.result;
  nlohmann::ordered_json document;
  document["scenario"] = scenario.name;
  document["file"] = scenario.path;
  document["status"] = result.status == simulator::ExploreStatus::complete ? "complete"
                       : result.status == simulator::ExploreStatus::invariant_violation
                           ? "invariant_violation"
                           : "incomplete";
  document["fault_count_max"] = result.fault_count_max;
  document["orders"] = result.orders.to_string();
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (std::size_t faults = 0; faults < result.runs.size(); ++faults) {
    const simulator::RunCounts& counts = result.runs[faults];
    nlohmann::ordered_json entry;
    entry["faults"] = faults;
    entry["total"] = counts.total.to_string();
    nlohmann::ordered_json classes = nlohmann::ordered_json::object();
    for (std::size_t index = 0; index < counts.classes.size(); ++index) {
      classes[class_name(static_cast<OutcomeClass>(index))] = counts.classes[index].to_string();
    }
    entry["classes"] = classes;
    nlohmann::ordered_json codes = nlohmann::ordered_json::object();
    for (const auto& [code, count] : counts.codes) codes[model::hresult_text(code)] = count.to_string();
    entry["codes"] = codes;
    runs.push_back(entry);
  }
  document["runs"] = runs;
  nlohmann::ordered_json witnesses = nlohmann::ordered_json::array();
  for (const auto& witness : result.witnesses) {
    nlohmann::ordered_json entry;
    entry["witnesses"] = witness.for_code ? "code" : "class";
    entry["class"] = class_name(witness.outcome_class);
    entry["code"] = witness.code ? nlohmann::ordered_json(model::hresult_text(model::hresult(*witness.code)))
                                 : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json order = nlohmann::ordered_json::array();
    for (const auto& step : witness.order) order.push_back(step.text);
    entry["order"] = order;
    nlohmann::ordered_json faults = nlohmann::ordered_json::array();
    for (const auto& fault : witness.faults) {
      faults.push_back(fault_json(scenario.catalog, fault));
    }
    entry["faults"] = faults;
    entry["operations"] = witness.operation_count;
    entry["command"] = witness.command;
    witnesses.push_back(entry);
  }
  document["witnesses"] = witnesses;
  document["states"] = result.states;
  document["transitions"] = result.transitions;
  document["model_states"] = result.model_states;
  document["peak_bytes"] = report.timing ? result.peak_bytes : 0;
  document["peak_resident_bytes"] = report.timing ? result.peak_resident_bytes : 0;
  document["elapsed_s"] = report.timing ? result.elapsed_s : 0.0;
  if (result.status == simulator::ExploreStatus::invariant_violation) {
    document["invariant_violation"] = {{"text", result.violation_text},
                                       {"command", result.violation_command}};
  } else {
    document["invariant_violation"] = nullptr;
  }
  nlohmann::ordered_json expectations = nlohmann::ordered_json::array();
  for (const auto& check : report.expectations) {
    expectations.push_back({{"what", check.what}, {"expected", check.expected},
                            {"actual", check.actual}, {"ok", check.ok}});
  }
  document["expectations"] = expectations;
  nlohmann::ordered_json fail_on = nlohmann::ordered_json::array();
  for (const OutcomeClass outcome_class : report.fail_on.classes) fail_on.push_back(class_name(outcome_class));
  document["fail_on"] = fail_on;
  nlohmann::ordered_json failing = nlohmann::ordered_json::array();
  for (const OutcomeClass outcome_class : failing_classes(report)) failing.push_back(class_name(outcome_class));
  document["failing_classes"] = failing;
  out << json_text(document) << "\n";
}

void write_explore_junit(std::ostream& out, const ExploreReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  const simulator::ExploreResult& result = report.result;
  struct Case {
    std::string name;
    std::string failure_message;  // empty: passed
    std::string failure_text;
  };
  std::vector<Case> cases;
  for (const auto& check : report.expectations) {
    cases.push_back({"expect " + check.what + " = " + check.expected,
                     check.ok ? "" : "expected " + check.expected + ", got " + check.actual, ""});
  }
  for (const OutcomeClass outcome_class : report.fail_on.classes) {
    const BigCount count = runs_in_class(result, outcome_class);
    Case entry{fmt::format("no run ends {} (up to {} faults)", class_name(outcome_class),
                           result.fault_count_max),
               "", ""};
    if (!count.is_zero()) {
      entry.failure_message = count.to_string() + " runs end " + class_name(outcome_class);
      if (const auto* witness = class_witness(result, outcome_class)) {
        entry.failure_text = "shortest witness: " + witness->command;
      }
    }
    cases.push_back(entry);
  }
  if (result.status == simulator::ExploreStatus::invariant_violation) {
    cases.push_back({"servicing model invariants hold", result.violation_text,
                     "reproduce: " + result.violation_command});
  } else if (result.status != simulator::ExploreStatus::complete) {
    cases.push_back({"exploration completes", status_name(result.status), ""});
  }
  std::size_t failures = 0;
  for (const auto& entry : cases) if (!entry.failure_message.empty()) ++failures;
  const double seconds = report.timing ? result.elapsed_s : 0.0;
  const std::string suite = xml_attribute(scenario.name);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"svcsim explore\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     cases.size(), failures, seconds);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     suite, cases.size(), failures, seconds);
  for (const auto& entry : cases) {
    out << fmt::format("    <testcase classname=\"svcsim.explore.{}\" name=\"{}\" time=\"0\"",
                       xml_attribute(scenario.path), xml_attribute(entry.name));
    if (entry.failure_message.empty()) {
      out << "/>\n";
      continue;
    }
    out << fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                       xml_attribute(entry.failure_message), xml_text(entry.failure_text));
  }
  out << "  </testsuite>\n</testsuites>\n";
}

// GCC 12 reports a false "may be used uninitialized" inside Boost's edge iterator (a
// boost::optional it cannot see through) wherever write_graphviz is instantiated.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void write_explore_dot(std::ostream& out, const ExploreReport& report) {
  const simulator::ExploreGraph& explored = *report.result.graph;
  struct Vertex {
    std::string label;
    bool terminal = false;
  };
  struct Edge {
    std::string label;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Vertex, Edge>;
  Graph graph(explored.nodes.size());
  for (std::size_t index = 0; index < explored.nodes.size(); ++index) {
    graph[index] = Vertex{explored.nodes[index].label, explored.nodes[index].terminal};
  }
  for (const auto& edge : explored.edges) boost::add_edge(edge.from, edge.to, Edge{edge.label}, graph);
  // Labels hold '\n' between their lines; dot_quoted writes them as DOT's \n line breaks and
  // escapes everything else a name could hold.
  const auto quote = [](const std::string& text) { return dot_quoted(text); };
  std::string graph_label = report.scenario->name;
  if (explored.truncated) {
    out << fmt::format("// truncated: the first {} of {} states; the counts are in --format text, "
                       "json or junit\n",
                       explored.nodes.size(), report.result.states);
    graph_label += fmt::format("\n(truncated: the first {} of {} states)", explored.nodes.size(),
                               report.result.states);
  }
  boost::write_graphviz(
      out, graph,
      [&](std::ostream& stream, Graph::vertex_descriptor vertex) {
        stream << "[label=" << quote(graph[vertex].label)
               << (graph[vertex].terminal ? ", shape=box, style=bold" : "") << "]";
      },
      [&](std::ostream& stream, Graph::edge_descriptor edge) {
        stream << "[label=" << quote(graph[edge].label) << "]";
      },
      [&](std::ostream& stream) {
        stream << "label=" << quote(graph_label) << ";\nrankdir=LR;\n";
      });
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace svcsim::cli
