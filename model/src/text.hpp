// Small text helpers shared by the model's sources (step parsing, the scenario loader).
#pragma once

#include <string_view>

namespace svcsim::model::detail {

/// `text` without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace svcsim::model::detail
