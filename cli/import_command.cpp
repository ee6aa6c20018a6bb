// `svcsim import`: hands the files to svcsim_import, prints the scenario (or writes it with -o)
// and reports bad input as one line (main.cpp maps that to exit 2).
#include "import_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "svcsim/import/importer.hpp"
#include "svcsim/import/scenario_output.hpp"

namespace svcsim::cli {
namespace {

struct ImportCommandOptions {
  std::vector<std::string> inputs;
  std::string product;
  std::string target = "online";
  std::string output_path;
  std::uint32_t ubr = 1;
  std::uint32_t ssu_version = 1;
  int fault_count_max = 1;
  std::uint64_t extract_mib_max = 4096;
};

/// Writes `text` to `path` whole, or says why not.
bool write_file(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  return std::fclose(file) == 0 && written;
}

CommandOutcome execute(const ImportCommandOptions& options) {
  import::ImportOptions import_options;
  if (!options.product.empty()) import_options.product = import::parse_product(options.product);
  import_options.limits.extract_bytes_max = options.extract_mib_max << 20;
  std::vector<std::filesystem::path> inputs(options.inputs.begin(), options.inputs.end());

  auto imported = import::import_msu_files(inputs, import_options);
  if (!imported) {
    std::cerr << "svcsim: import: " << imported.error() << "\n";
    return CommandOutcome::bad_input;
  }
  import::ScenarioOptions scenario_options;
  scenario_options.target_kind = *model::parse_target_kind(options.target);
  scenario_options.ubr = options.ubr;
  scenario_options.ssu_version = options.ssu_version;
  scenario_options.fault_count_max = options.fault_count_max;
  auto text = import::write_import_scenario(*imported, scenario_options);
  if (!text) {
    std::cerr << "svcsim: import: " << text.error() << "\n";
    return CommandOutcome::bad_input;
  }
  if (options.output_path.empty()) {
    std::cout << *text;
  } else if (!write_file(options.output_path, *text)) {
    std::cerr << "svcsim: import: " << options.output_path << ": cannot write the scenario\n";
    return CommandOutcome::bad_input;
  }
  return CommandOutcome::expectations_met;
}

}  // namespace

Command register_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "import", "Read .msu files (both layouts) and write the scenario they describe");
  command->add_option("msu", options->inputs, ".msu files, or folders holding them")
      ->required();
  command->add_option("--product", options->product,
                      "Windows client or server: refused when the files say otherwise")
      ->check(CLI::IsMember({"client", "server"}));
  command->add_option("--target", options->target, "The target kind (default: online)")
      ->check(CLI::IsMember({"online", "install_wim", "boot_wim", "winre_wim", "media"}));
  command->add_option("-o,--output", options->output_path,
                      "Write the scenario here (default: standard output)");
  command->add_option("--ubr", options->ubr, "The target's starting UBR (default: 1)");
  command->add_option("--ssu-version", options->ssu_version,
                      "The target's starting servicing stack revision (default: 1)");
  command->add_option("--faults", options->fault_count_max,
                      "faults.max of the scenario written (default: 1)")
      ->check(CLI::Range(0, 16));
  command->add_option("--max-extract-mib", options->extract_mib_max,
                      "Stop (exit 2) before extracting more than this (default: 4096)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
  return Command{command, [options] { return execute(*options); }};
}

}  // namespace svcsim::cli
