// Renders a fleet comparison (simulator/fleet.hpp) as text, JSON, CSV or a self-contained HTML
// report. Rendering only: every number comes from the FleetReport.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/fleet.hpp"

namespace svcsim::cli {

struct CompareReport {
  const scenario::Scenario* scenario = nullptr;
  simulator::FleetReport fleet;
  std::string command;  // the command line that reproduces it
};

/// count / devices (0 with no device): every rate the reports print.
double per_device(std::uint64_t count, std::uint64_t devices);

/// Hours from the release to compliance at quantile `q` of the compliant devices; nullopt when
/// none is compliant.
std::optional<double> quantile_hours(const simulator::StrategyTally& tally, double q);

/// The JSON document (stable keys; no timing, so the same seed gives the same bytes).
nlohmann::ordered_json compare_json(const CompareReport& report);
void write_compare_json(std::ostream& out, const CompareReport& report);
void write_compare_text(std::ostream& out, const CompareReport& report);
void write_compare_csv(std::ostream& out, const CompareReport& report);

/// One self-contained page (compare_html.cpp): tables, gnuplot's SVG charts inline (a note when
/// gnuplot is missing) and the JSON embedded; it loads nothing from outside itself.
void write_compare_html(std::ostream& out, const CompareReport& report);

}  // namespace svcsim::cli
