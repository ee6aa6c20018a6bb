// Everything explore reports but time and memory, as one text, so that two explorations that
// must agree (threads, ranks) are compared whole and a difference prints in full.
#pragma once

#include <string>

#include <fmt/format.h>

#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator::testing {

inline std::string everything(const ExploreResult& result) {
  std::string text = fmt::format("status {} orders {} states {} transitions {} model states {}\n",
                                 static_cast<int>(result.status), result.orders.to_string(),
                                 result.states, result.transitions, result.model_states);
  for (std::size_t faults = 0; faults < result.runs.size(); ++faults) {
    const RunCounts& runs = result.runs[faults];
    text += fmt::format("j={} total {}", faults, runs.total.to_string());
    // fmt, not " " + string: GCC 12 warns a false -Wrestrict on that concatenation here.
    for (const BigCount& count : runs.classes) text += fmt::format(" {}", count.to_string());
    for (const auto& [code, count] : runs.codes) text += fmt::format(" {:x}={}", code, count.to_string());
    text += "\n";
  }
  for (const Witness& witness : result.witnesses) {
    text += fmt::format("witness {} {} {} ops: {}\n", witness.for_code,
                        model::outcome_class_name(witness.outcome_class),
                        witness.code ? model::hresult(*witness.code) : 0u, witness.operation_count) +
            witness.command + "\n";
  }
  return text + result.violation_text + "\n" + result.violation_command + "\n";
}

}  // namespace svcsim::simulator::testing
