// Four-part versions, CBS identities and KB ids (metadata.hpp).
#include "svcsim/import/metadata.hpp"

#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import {
namespace {

constexpr std::uint32_t version_part_max = 65535;
constexpr std::size_t kb_digit_count_max = 10;

bool is_digit(char character) { return character >= '0' && character <= '9'; }

}  // namespace

std::optional<FourPartVersion> parse_four_part_version(std::string_view text) {
  FourPartVersion version;
  std::size_t part = 0;
  std::size_t digits = 0;
  std::uint32_t value = 0;
  for (char character : text) {
    if (character == '.') {
      if (digits == 0 || part == 3) return std::nullopt;
      version.parts[part++] = value;
      digits = 0;
      value = 0;
      continue;
    }
    if (!is_digit(character)) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(character - '0');
    if (value > version_part_max || ++digits > 5) return std::nullopt;
  }
  if (digits == 0 || part != 3) return std::nullopt;
  version.parts[3] = value;
  SVCSIM_ASSERT(version.parts[3] <= version_part_max);
  SVCSIM_ASSERT(version.parts[0] <= version_part_max);
  return version;
}

std::string cbs_identity(const AssemblyIdentity& identity) {
  const std::string language =
      detail::equals_ignoring_case(identity.language, "neutral") ? "" : identity.language;
  return identity.name + "~" + identity.public_key_token + "~" + identity.processor_architecture +
         "~" + language + "~" + identity.version;
}

std::optional<std::string> kb_id_from_number(std::string_view digits) {
  if (digits.empty() || digits.size() > kb_digit_count_max) return std::nullopt;
  for (char character : digits) {
    if (!is_digit(character)) return std::nullopt;
  }
  return "KB" + std::string(digits);
}

std::optional<std::string> kb_id_from_text(std::string_view text) {
  if (!detail::starts_with_ignoring_case(text, "KB")) return std::nullopt;
  return kb_id_from_number(text.substr(2));
}

}  // namespace svcsim::import
