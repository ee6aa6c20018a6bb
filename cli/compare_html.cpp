// The self-contained HTML report of `svcsim compare --format html`: the tables, three charts drawn
// by gnuplot (SVG terminal) and the JSON they were drawn from, embedded. Without gnuplot the
// tables are still there, with a note saying what is missing. The page is well-formed XML
// (XHTML syntax) so that tests can parse it; it loads nothing from outside itself.
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <sys/wait.h>

#include "compare_output.hpp"
#include "html_page.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/intervals.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

constexpr double confidence = 0.95;
// gnuplot's SVG of one chart is some tens of kB; more means something went wrong.
constexpr std::size_t svg_size_max = std::size_t{1} << 20;

/// Runs gnuplot on `script` and returns the SVG it printed, or nullopt when gnuplot is missing
/// or fails. $SVCSIM_GNUPLOT names the program (tests point it elsewhere); default `gnuplot`.
std::optional<std::string> run_gnuplot(const std::string& script) {
  const char* program = std::getenv("SVCSIM_GNUPLOT");
  const std::string gnuplot = program != nullptr && *program != '\0' ? program : "gnuplot";
  std::string path = (std::filesystem::temp_directory_path() / "svcsim-plot-XXXXXX").string();
  const int descriptor = mkstemp(path.data());
  if (descriptor < 0) return std::nullopt;
  close(descriptor);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << script;
  }
  const std::string command = simulator::posix_shell_word(gnuplot) + " " +
                              simulator::posix_shell_word(path) + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string svg;
  int status = -1;
  if (pipe != nullptr) {
    std::array<char, 65536> buffer{};
    std::size_t count = 0;
    while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0 && svg.size() <= svg_size_max) {
      svg.append(buffer.data(), count);
    }
    status = pclose(pipe);
  }
  std::filesystem::remove(path);
  if (status != 0 || svg.size() > svg_size_max) return std::nullopt;
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return std::nullopt;
  return svg.substr(start);  // without the XML declaration, which may not appear inside HTML
}

/// Gives every id of one chart's SVG a prefix: gnuplot names its markers gpPt0, gpPt1, ... in
/// every file, and ids must be unique in the page.
std::string prefix_ids(std::string svg, const std::string& prefix) {
  const auto replace_all = [&svg](const std::string& from, const std::string& to) {
    for (std::size_t at = svg.find(from); at != std::string::npos; at = svg.find(from, at + to.size())) {
      svg.replace(at, from.size(), to);
    }
  };
  replace_all("id='gp", "id='" + prefix + "gp");
  replace_all("#gp", "#" + prefix + "gp");
  replace_all("id=\"gnuplot_canvas\"", "id=\"" + prefix + "canvas\"");
  return svg;
}

std::string chart_header(int width, int height) {
  return fmt::format("set terminal svg size {},{} noenhanced font 'sans,11' background '#ffffff'\n"
                     "set output\nset grid ytics\nset key outside right top\n",
                     width, height);
}

/// Outcome rates with their Wilson intervals: one series per class some strategy reaches,
/// strategies along x.
std::string rates_script(const CompareReport& report) {
  const auto& strategies = report.fleet.strategies;
  std::string script = chart_header(860, 380);
  script += "set ylabel 'devices (%)'\nset yrange [0:105]\nset title 'Outcome rates, 95% Wilson intervals'\n";
  std::string tics;
  for (std::size_t index = 0; index < strategies.size(); ++index) {
    tics += fmt::format("{}'{}' {}", tics.empty() ? "" : ", ", strategies[index].strategy.name, index);
  }
  script += fmt::format("set xtics ({}) rotate by -20\nset xrange [-0.5:{}]\n", tics,
                        static_cast<double>(strategies.size()) - 0.5);
  std::string plots;
  int series = 0;
  for (int value = 0; value < model::outcome_class_count; ++value) {
    bool reached = false;
    for (const auto& strategy : strategies) reached = reached || strategy.tally.classes[static_cast<std::size_t>(value)] > 0;
    if (!reached) continue;
    const auto name = model::outcome_class_name(static_cast<model::OutcomeClass>(value));
    script += fmt::format("$class{} << EOD\n", value);
    for (std::size_t index = 0; index < strategies.size(); ++index) {
      const auto& tally = strategies[index].tally;
      const std::uint64_t count = tally.classes[static_cast<std::size_t>(value)];
      const simulator::Interval interval = simulator::wilson_interval(count, tally.devices, confidence);
      script += fmt::format("{} {} {} {}\n", static_cast<double>(index) - 0.3 + 0.1 * series,
                            100 * per_device(count, tally.devices), 100 * interval.low, 100 * interval.high);
    }
    script += "EOD\n";
    plots += fmt::format("{}$class{} using 1:2:3:4 with yerrorbars pointtype 7 title '{}'",
                         plots.empty() ? "" : ", ", value, name);
    ++series;
  }
  if (plots.empty()) return {};
  return script + "plot " + plots + "\n";
}

/// Cumulative compliance (share of the fleet with the update in) against days since release,
/// with each strategy's p50 and p95 marked.
std::string compliance_script(const CompareReport& report) {
  std::string script = chart_header(860, 380);
  script += "set xlabel 'days since release'\nset ylabel 'devices compliant (%)'\nset yrange [0:105]\n"
            "set title 'Cumulative compliance (markers: p50 and p95 of compliant devices)'\n";
  std::string plots;
  std::size_t index = 0;
  for (const auto& strategy : report.fleet.strategies) {
    const auto& tally = strategy.tally;
    if (tally.compliance_minutes.empty()) {
      ++index;
      continue;
    }
    script += fmt::format("$curve{} << EOD\n0 0\n", index);
    std::uint64_t seen = 0;
    for (const auto& [minutes, count] : tally.compliance_minutes) {
      seen += count;
      script += fmt::format("{} {}\n", static_cast<double>(minutes) / 1440.0, 100 * per_device(seen, tally.devices));
    }
    script += "EOD\n";
    script += fmt::format("$marks{} << EOD\n", index);
    for (const double q : {0.5, 0.95}) {
      const auto minutes = simulator::histogram_quantile(tally.compliance_minutes, q);
      SVCSIM_ASSERT(minutes.has_value());
      std::uint64_t below = 0;
      for (const auto& [at, count] : tally.compliance_minutes) {
        if (at <= *minutes) below += count;
      }
      script += fmt::format("{} {}\n", static_cast<double>(*minutes) / 1440.0, 100 * per_device(below, tally.devices));
    }
    script += "EOD\n";
    plots += fmt::format("{}$curve{} using 1:2 with steps linecolor {} title '{}', "
                         "$marks{} using 1:2 with points pointtype 7 pointsize 1.3 linecolor {} notitle",
                         plots.empty() ? "" : ", ", index, index + 1, strategy.strategy.name, index, index + 1);
    ++index;
  }
  if (plots.empty()) return {};
  return script + "plot " + plots + "\n";
}

/// Exposure against blast radius, one point per strategy.
std::string exposure_script(const CompareReport& report) {
  std::string script = chart_header(860, 380);
  script += "set xlabel 'device-days exposed (not yet patched)'\nset ylabel 'devices hit (blast radius)'\n"
            "set title 'Exposure against blast radius'\nset xrange [0:*]\nset yrange [0:*]\nset offsets 0, graph 0.25, graph 0.15, 0\n"
            "unset key\n$points << EOD\n";
  for (const auto& strategy : report.fleet.strategies) {
    script += fmt::format("{} {} \"{}\"\n", strategy.tally.exposed_device_days, strategy.tally.blast_radius,
                          strategy.strategy.name);
  }
  script += "EOD\nplot $points using 1:2 with points pointtype 7 pointsize 1.5, "
            "$points using 1:2:3 with labels offset char 1,1 left\n";
  return script;
}

}  // namespace

void write_compare_html(std::ostream& out, const CompareReport& report) {
  const scenario::Scenario& scenario = *report.scenario;
  const auto& strategies = report.fleet.strategies;
  html_page_start(out, "svcsim compare: " + scenario.name);
  out << "<p>File " << xml_text(scenario.path) << "; seed " << report.fleet.seed << "; "
      << report.fleet.devices << " devices per strategy; starting states: "
      << xml_text(fmt::format("{}", fmt::join(report.fleet.start_labels, ", "))) << ".</p>\n";
  out << "<p>Reproduce: <code>" << xml_text(report.command) << "</code></p>\n";

  out << "<h2>Outcome rates (95% Wilson intervals)</h2>\n<table>\n";
  std::vector<std::string> header = {"strategy"};
  for (int value = 0; value < model::outcome_class_count; ++value) {
    header.emplace_back(model::outcome_class_name(static_cast<model::OutcomeClass>(value)));
  }
  header.emplace_back("not installed");
  html_table_row(out, header, true);
  for (const auto& strategy : strategies) {
    std::vector<std::string> cells = {strategy.strategy.name};
    for (int value = 0; value < model::outcome_class_count; ++value) {
      const std::uint64_t count = strategy.tally.classes[static_cast<std::size_t>(value)];
      const simulator::Interval interval = simulator::wilson_interval(count, strategy.tally.devices, confidence);
      cells.push_back(fmt::format("{} ({:.2f}% [{:.2f}, {:.2f}])", count, 100 * per_device(count, strategy.tally.devices),
                                  100 * interval.low, 100 * interval.high));
    }
    cells.push_back(std::to_string(strategy.tally.not_installed));
    html_table_row(out, cells);
  }
  out << "</table>\n<h2>Fleet</h2>\n<table>\n";
  html_table_row(out, {"strategy", "order", "reboot", "on_error", "rollout", "reboots/device", "hours p50",
                  "hours p95", "end baselines", "manual recovery", "blast radius", "halt day",
                  "device-days exposed", "device-days regressed"},
            true);
  for (const auto& strategy : strategies) {
    const auto& tally = strategy.tally;
    const auto hours = [&tally](double q) {
      const auto value = quantile_hours(tally, q);
      return value ? fmt::format("{:.1f}", *value) : std::string("-");
    };
    html_table_row(out, {strategy.strategy.name, std::string(scenario::order_rule_name(strategy.strategy.order)),
                    std::string(scenario::reboot_policy_name(strategy.strategy.reboot)),
                    std::string(scenario::strategy_error_policy_name(strategy.strategy.on_error)),
                    strategy.strategy.rollout, fmt::format("{:.2f}", per_device(tally.reboots, tally.devices)),
                    hours(0.5), hours(0.95), std::to_string(tally.end_baselines.size()),
                    std::to_string(tally.classes[static_cast<std::size_t>(model::OutcomeClass::stuck)]),
                    std::to_string(tally.blast_radius),
                    strategy.halt_day ? std::to_string(*strategy.halt_day) : "-",
                    std::to_string(tally.exposed_device_days), std::to_string(tally.regressed_device_days)});
  }
  out << "</table>\n<h2>Charts</h2>\n";
  const std::array<std::pair<std::string, std::string>, 3> charts = {
      std::pair{std::string("rates"), rates_script(report)},
      std::pair{std::string("compliance"), compliance_script(report)},
      std::pair{std::string("exposure"), exposure_script(report)}};
  bool missing = false;
  for (const auto& [name, script] : charts) {
    if (script.empty()) continue;
    const std::optional<std::string> svg = missing ? std::nullopt : run_gnuplot(script);
    if (!svg) {
      missing = true;
      continue;
    }
    out << "<figure id=\"chart-" << name << "\">\n" << prefix_ids(*svg, name + "-") << "\n</figure>\n";
  }
  if (missing) {
    out << "<p class=\"note\">Charts missing: gnuplot (Debian package gnuplot-nox) was not found or "
           "failed; the tables above and the JSON below hold every figure.</p>\n";
  }
  html_page_end(out, compare_json(report), "svcsim-report", "svcsim compare --format json");
}

}  // namespace svcsim::cli
