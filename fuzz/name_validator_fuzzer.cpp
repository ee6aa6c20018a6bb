// Fuzzes the name rules (model/names_valid.hpp) with arbitrary bytes as one name: whatever a rule
// accepts must have none of what it refuses (checked here character by character, independently
// of the rule's code), must read back unchanged from every command line svcsim prints it in
// (cmd.exe and PowerShell for a file name, through the shell models of tests/support), and must be
// accepted by the scenario loader exactly when the rule accepts it, since the loader is where
// users meet the rules.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shell_models.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/model/names_valid.hpp"
#include "svcsim/model/utf8.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace {

namespace model = svcsim::model;
namespace scenario = svcsim::scenario;
namespace test_support = svcsim::test_support;

// Names are short; a longer input only repeats what a shorter one found.
constexpr std::size_t input_size_max = 600;

/// Every character of `text` decodes and none is a control or invisible one.
bool all_printable(std::string_view text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const model::Utf8Char character = model::decode_utf8(text, offset);
    if (!character.valid || model::is_unsafe_code_point(character.code_point)) return false;
    offset += character.length;
  }
  return true;
}

void check_file_name(const std::string& name) {
  const bool accepted = model::check_file_name(name).has_value();
  if (accepted) {
    SVCSIM_ASSERT(!name.empty() && all_printable(name));
    SVCSIM_ASSERT(name.find_first_of("<>:\"/\\|?*") == std::string::npos);
    SVCSIM_ASSERT(name.find("..") == std::string::npos);
    SVCSIM_ASSERT(name.back() != '.' && name.back() != ' ');
    SVCSIM_ASSERT(model::utf16_length(name) <= model::file_name_length_max);
    const std::string path = "C:\\Packages\\" + name;
    std::string why;
    const auto cmd =
        test_support::cmd_script_arguments("DISM " + model::shell_quote(model::Shell::cmd, path), &why);
    SVCSIM_ASSERT_MSG(cmd.has_value(), why.c_str());
    SVCSIM_ASSERT_MSG(*cmd == (std::vector<std::string>{"DISM", path}), name.c_str());
    const auto powershell = test_support::powershell_arguments(
        "DISM " + model::shell_quote(model::Shell::powershell, path), &why);
    SVCSIM_ASSERT_MSG(powershell.has_value(), why.c_str());
    SVCSIM_ASSERT_MSG(*powershell == (std::vector<std::string>{"DISM", path}), name.c_str());
  }
  // The loader agrees with the rule.
  const std::string yaml = "name: x\npackages: [{id: KB1, kind: cu, revision: 100, file: " +
                           test_support::yaml_double_quoted(name) +
                           "}]\ntargets: [{name: device, kind: online, build: 26100, ubr: 1, "
                           "ssu_version: 1}]\nplan: {steps: [KB1]}\n";
  const bool loaded = scenario::load_scenario_text(yaml, "fuzz.yaml").has_value();
  SVCSIM_ASSERT_MSG(loaded == accepted, name.c_str());
}

void check_identifier(const std::string& name) {
  if (!model::check_identifier(name)) return;
  SVCSIM_ASSERT(!name.empty() && name.size() <= model::identifier_length_max);
  SVCSIM_ASSERT(std::all_of(name.begin(), name.end(), [](char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
           (character >= '0' && character <= '9') || character == '_' || character == '.' ||
           character == '-';
  }));
  // Ids and target names need quoting nowhere: steps, --order and witness lines are built of them.
  SVCSIM_ASSERT(model::shell_quote(model::Shell::cmd, name) == name);
  SVCSIM_ASSERT(model::shell_quote(model::Shell::powershell, name) == name);
  SVCSIM_ASSERT(svcsim::simulator::posix_shell_word(name) == name);
}

void check_identity(const std::string& identity) {
  if (!model::check_identity(identity)) return;
  SVCSIM_ASSERT(!identity.empty() && identity.size() <= model::identity_length_max);
  SVCSIM_ASSERT(model::shell_quote(model::Shell::cmd, identity) == identity);
  SVCSIM_ASSERT(model::shell_quote(model::Shell::powershell, identity) == identity);
}

void check_text(const std::string& text) {
  if (model::check_text(text, model::TextLines::one, model::scenario_name_length_max)) {
    SVCSIM_ASSERT(all_printable(text));
    SVCSIM_ASSERT(text.size() <= model::scenario_name_length_max);
  }
  if (model::check_text(text, model::TextLines::many, model::source_length_max)) {
    std::string without_line_feeds = text;
    std::replace(without_line_feeds.begin(), without_line_feeds.end(), '\n', ' ');
    SVCSIM_ASSERT(all_printable(without_line_feeds));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > input_size_max) return 0;
  const std::string name(reinterpret_cast<const char*>(data), size);
  check_file_name(name);
  check_identifier(name);
  check_identity(name);
  check_text(name);
  return 0;
}
