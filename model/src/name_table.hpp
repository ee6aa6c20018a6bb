// One helper for the enum <-> name tables, so each enum spells its names once.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace svcsim::model::detail {

template <typename Enum, std::size_t N>
constexpr std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view{"?"};
}

/// True when every entry of a name table is filled: a std::array initialised with fewer names
/// than enumerators leaves the rest empty, and an empty name prints and parses as nothing.
template <std::size_t N>
constexpr bool all_named(const std::array<std::string_view, N>& names) {
  for (const std::string_view name : names) {
    if (name.empty()) return false;
  }
  return true;
}

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                                         std::string_view text) {
  for (std::size_t index = 0; index < N; ++index) {
    if (names[index] == text) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

}  // namespace svcsim::model::detail
