// The DISM emulator against the model it wraps: each call goes through DISM's syntax, the state
// file and the console text, and what /Get-Packages prints back (parsed with the replay's own
// parser) must equal the model's state after the same steps of `svcsim run`. Also: knob
// overrides, injected faults, a file name full of shell metacharacters, usage errors, and a state
// file that is whole after every call.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "svcsim/adapter/dism_output.hpp"
#include "svcsim/adapter/dism_parse.hpp"
#include "svcsim/adapter/emulator.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/simulator/sequence.hpp"

namespace svcsim::adapter {
namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("SVCSIM_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path(SVCSIM_SOURCE_DIR_FALLBACK);
}

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = std::filesystem::temp_directory_path() /
                 (std::string("svcsim-emulator-") + info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  struct Call {
    EmulatorExit exit;
    std::string out;
  };
  Call dism(std::vector<std::string> arguments, const std::string& input = "") {
    arguments.insert(arguments.begin(), {"--state-dir", directory_.string()});
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    Call call;
    call.exit = run_dism_emulator(arguments, in, out, err);
    call.out = out.str();
    return call;
  }
  PackageListing listing() {
    const Call call = dism({"/English", "/Online", "/Get-Packages"});
    EXPECT_EQ(call.exit.dism_exit_code, 0);
    auto parsed = parse_get_packages(call.out);
    EXPECT_TRUE(parsed.has_value());
    return parsed.value();
  }

  std::filesystem::path directory_;
};

std::string scenario_path(const char* name) { return (source_dir() / "scenarios" / name).string(); }

TEST_F(EmulatorTest, AgreesWithTheModelOnTheDocumentedOrder) {
  const std::string path = scenario_path("kb5086672-online.yaml");
  ASSERT_EQ(dism({"--init", path}).exit.dism_exit_code, 0);
  const auto loaded = scenario::load_scenario_file(path);
  ASSERT_TRUE(loaded.has_value());
  const scenario::Scenario& scenario = loaded.value();
  const auto order = simulator::documented_order(scenario);
  const auto result = simulator::run_sequence(scenario, order, {}, simulator::expected_end_state(scenario));
  const model::World world = scenario::make_world(scenario);
  ASSERT_EQ(result.steps.size(), 4u);  // add, reboot, add, reboot
  for (const simulator::StepRecord& record : result.steps) {
    Call call;
    if (record.step.operation.kind == model::OperationKind::reboot) {
      call = dism({"shutdown.exe", "/r", "/t", "0"});
    } else {
      const auto& package = scenario.catalog[record.step.operation.package];
      call = dism({"/English", "/Online", "/Add-Package",
                   "/PackagePath:C:\\Packages\\" + package.id + "\\" + package.file, "/NoRestart", "/LogPath:C:\\x.log"});
      const ConsoleReport console = parse_console(call.out);
      EXPECT_TRUE(console.completed);
      EXPECT_TRUE(console.restart_required);
    }
    EXPECT_EQ(call.exit.dism_exit_code,
              *model::dism_exit_code(world.context(0), record.outcome));
    const PackageListing seen = listing();
    const auto expected = package_rows(world.context(0), record.outcome.state);
    ASSERT_EQ(seen.packages.size(), expected.size());
    for (std::size_t row = 0; row < expected.size(); ++row) {
      EXPECT_EQ(seen.packages[row].identity, expected[row].identity);
      EXPECT_EQ(seen.packages[row].state, expected[row].state);
    }
    EXPECT_EQ(seen.image_ubr, record.outcome.state.ubr);
  }
  EXPECT_EQ(listing().image_ubr, 8117u);
  // The state file is whole JSON, with no temporary file left beside it.
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos);
  }
}

TEST_F(EmulatorTest, AKnobOverrideChangesTheErrorTheReverseOrderGets) {
  const std::string path = scenario_path("kb5086672-online.yaml");
  const std::string add_lcu = "/PackagePath:C:\\Packages\\KB5086672\\windows11.0-kb5086672-x64.msu";
  ASSERT_EQ(dism({"--init", path}).exit.dism_exit_code, 0);
  Call call = dism({"/Online", "/Add-Package", add_lcu, "/NoRestart"});
  EXPECT_EQ(call.exit.dism_exit_code, -2146498504);  // 0x800F0838, the scenario's knob
  EXPECT_NE(call.out.find("Error: 0x800f0838"), std::string::npos) << call.out;

  ASSERT_EQ(dism({"--init", path, "--knob", "missing_baseline_error=0x800F081E"}).exit.dism_exit_code, 0);
  call = dism({"/online", "/add-package", add_lcu, "/norestart"});  // switches are case-insensitive
  EXPECT_EQ(call.exit.dism_exit_code, -2146498530);  // 0x800F081E
  const ConsoleReport console = parse_console(call.out);
  ASSERT_TRUE(console.error_hresult.has_value());
  EXPECT_EQ(*console.error_hresult, 0x800F081Eu);
  EXPECT_EQ(console.messages.front(), "The specified package is not applicable to this image.");
}

TEST_F(EmulatorTest, ACuBesideItsChainIsMethod1AndAloneIsMethod2) {
  const std::string path = scenario_path("kb5086672-online.yaml");
  // Alone in its own folder: the checkpoint is missing, 0x800F0838 (Method 2).
  ASSERT_EQ(dism({"--init", path}).exit.dism_exit_code, 0);
  EXPECT_EQ(dism({"/Online", "/Add-Package",
                  "/PackagePath:C:\\Packages\\KB5086672\\windows11.0-kb5086672-x64.msu", "/NoRestart"})
                .exit.dism_exit_code, -2146498504);
  // Beside the chain: DISM discovers the checkpoint and installs both in one session (Method 1).
  ASSERT_EQ(dism({"--init", path}).exit.dism_exit_code, 0);
  const Call call = dism({"/Online", "/Add-Package",
                          "/PackagePath:C:\\Packages\\windows11.0-kb5086672-x64.msu", "/NoRestart"});
  EXPECT_EQ(call.exit.dism_exit_code, 3010) << call.out;
  EXPECT_NE(call.out.find("Processing 1 of 2"), std::string::npos) << call.out;
}

TEST_F(EmulatorTest, AnInjectedFaultStrikesTheNextStepItCan) {
  ASSERT_EQ(dism({"--init", scenario_path("kb5086672-online.yaml"), "--inject", "execute_failure"})
                .exit.dism_exit_code, 0);
  const Call call = dism({"/Online", "/Add-Package",
                          "/PackagePath:C:\\Packages\\KB5043080\\windows11.0-kb5043080-x64.msu", "/NoRestart"});
  EXPECT_EQ(call.exit.dism_exit_code, -2146498270);  // 0x800F0922
  const Call again = dism({"/Online", "/Add-Package",
                           "/PackagePath:C:\\Packages\\KB5043080\\windows11.0-kb5043080-x64.msu", "/NoRestart"});
  EXPECT_EQ(again.exit.dism_exit_code, 3010);  // the fault was used up
}

TEST_F(EmulatorTest, PowerLossKillsTheCall) {
  ASSERT_EQ(dism({"--init", scenario_path("kb5086672-online.yaml"), "--inject", "power_loss_staging"})
                .exit.dism_exit_code, 0);
  const Call call = dism({"/Online", "/Add-Package",
                          "/PackagePath:C:\\Packages\\KB5043080\\windows11.0-kb5043080-x64.msu", "/NoRestart"});
  EXPECT_TRUE(call.exit.killed);
  EXPECT_EQ(listing().packages.at(0).state, "Staged");
}

TEST_F(EmulatorTest, ResolvesAFileNameFullOfShellCharacters) {
  const std::string hostile = "kb 1 & echo pwned; $(touch x) %PATH% ^ 'q'.msu";
  std::ifstream in(scenario_path("kb5086672-online.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string original = "file: windows11.0-kb5043080-x64.msu";
  yaml.replace(yaml.find(original), original.size(), "file: \"" + hostile + "\"");
  const auto scenario_file = directory_ / "hostile.yaml";
  std::ofstream(scenario_file) << yaml;
  ASSERT_EQ(dism({"--init", scenario_file.string()}).exit.dism_exit_code, 0);
  const Call call = dism({"/Online", "/Add-Package", "/PackagePath:C:\\Packages\\KB5043080\\" + hostile, "/NoRestart"});
  EXPECT_EQ(call.exit.dism_exit_code, 3010) << call.out;
  EXPECT_FALSE(std::filesystem::exists("x"));
}

TEST_F(EmulatorTest, PrintsDismsUsageErrorForAnUnknownSwitch) {
  ASSERT_EQ(dism({"--init", scenario_path("kb5086672-online.yaml")}).exit.dism_exit_code, 0);
  const Call call = dism({"/Online", "/Frobnicate"});
  EXPECT_EQ(call.exit.dism_exit_code, 87);
  EXPECT_NE(call.out.find("Error: 87"), std::string::npos);
  const Call missing = dism({"/Online", "/Add-Package", "/PackagePath:C:\\Packages\\nothere.msu"});
  EXPECT_EQ(missing.exit.dism_exit_code, 2);  // ERROR_FILE_NOT_FOUND
}

TEST_F(EmulatorTest, ServicesAMountedImageAndItsLifecycle) {
  ASSERT_EQ(dism({"--init", scenario_path("boot-wim-checkpoint-after-reset-base.yaml")}).exit.dism_exit_code, 0);
  const Call checkpoint = dism({"/English", "/Image:C:\\mount", "/Add-Package",
                                "/PackagePath:C:\\Packages\\KB5043080\\windows11.0-kb5043080-x64.msu"});
  EXPECT_EQ(checkpoint.exit.dism_exit_code, 14098) << checkpoint.out;
  EXPECT_NE(checkpoint.out.find("Error: 14098"), std::string::npos);
  const Call lcu = dism({"/English", "/Image:C:\\mount", "/Add-Package",
                         "/PackagePath:C:\\Packages\\KB5094126\\windows11.0-kb5094126-x64.msu"});
  EXPECT_EQ(lcu.exit.dism_exit_code, 0) << lcu.out;
  const Call table = dism({"/Image:C:\\mount", "/Get-Packages", "/Format:Table"});
  const auto parsed = parse_get_packages(table.out);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->table);
  EXPECT_EQ(parsed->image_ubr, 8655u);
  EXPECT_EQ(dism({"/Commit-Image", "/MountDir:C:\\mount"}).exit.dism_exit_code, 0);
  EXPECT_EQ(dism({"/Unmount-Image", "/MountDir:C:\\mount", "/Discard"}).exit.dism_exit_code, 0);
  // Unmounted: /Image: finds no mounted image, to service or to read.
  EXPECT_EQ(dism({"/Image:C:\\mount", "/Cleanup-Image", "/StartComponentCleanup"}).exit.dism_exit_code, 2);
  EXPECT_EQ(dism({"/Image:C:\\mount", "/Get-Packages"}).exit.dism_exit_code, 2);
}

}  // namespace
}  // namespace svcsim::adapter
