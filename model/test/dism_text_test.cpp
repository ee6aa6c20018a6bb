// How steps look at a Windows console (dism_text.hpp): the exact DISM command line for every
// operation online and offline, the console text for success, 3010, a CBS-facility error (hex),
// a Win32 error (decimal) and a killed process, and describe_changes' lines. Expected strings are
// written out in full, in the forms windows-servicing-facts.md §4.1 quotes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace svcsim::model {
namespace {

using test::Target;

constexpr const char* checkpoint_identity =
    "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.0";
constexpr const char* cu_identity = "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.0";
constexpr const char* progress_done =
    "[==========================100.0%==========================]";
constexpr const char* log_line =
    R"(The DISM log file can be found at C:\Windows\Logs\DISM\dism.log)";

// ---------------------------------------------------------------------------------------------
// Command lines

TEST(DismText, OnlineAddHasNoRestart) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add("KB5043080")),
            R"(DISM /Online /Add-Package /PackagePath:C:\Packages\windows11.0-kb5043080-x64.msu /NoRestart)");
}

TEST(DismText, OfflineAddNamesTheMountDirectory) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  EXPECT_EQ(dism_command_line(image.context(), image.add("KB5043080")),
            R"(DISM /Image:C:\mount /Add-Package /PackagePath:C:\Packages\windows11.0-kb5043080-x64.msu)");
}

TEST(DismText, PreventPendingSwitch) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add("KB5086672", true)),
            R"(DISM /Online /Add-Package /PackagePath:C:\Packages\windows11.0-kb5086672-x64.msu /PreventPending /NoRestart)");
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  EXPECT_EQ(dism_command_line(image.context(), image.add("KB5086672", true)),
            R"(DISM /Image:C:\mount /Add-Package /PackagePath:C:\Packages\windows11.0-kb5086672-x64.msu /PreventPending)");
}

TEST(DismText, Method1NamesTheTargetMsu) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add_folder("KB5086672")),
            dism_command_line(device.context(), device.add("KB5086672")));
}

TEST(DismText, RemoveByIdentity) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.remove("KB5086672")),
            std::string("DISM /Online /Remove-Package /PackageName:") + cu_identity + " /NoRestart");
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  EXPECT_EQ(dism_command_line(image.context(), image.remove("KB5086672")),
            std::string(R"(DISM /Image:C:\mount /Remove-Package /PackageName:)") + cu_identity);
}

TEST(DismText, CleanupAndResetBase) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), Target::cleanup()),
            "DISM /Online /Cleanup-Image /StartComponentCleanup");
  EXPECT_EQ(dism_command_line(device.context(), Target::cleanup(true)),
            "DISM /Online /Cleanup-Image /StartComponentCleanup /ResetBase");
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  EXPECT_EQ(dism_command_line(image.context(), Target::cleanup(true)),
            R"(DISM /Image:C:\mount /Cleanup-Image /StartComponentCleanup /ResetBase)");
}

TEST(DismText, RevertPendingActions) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), Target::revert_pending()),
            "DISM /Online /Cleanup-Image /RevertPendingActions");
}

TEST(DismText, MountCommitDiscard) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  EXPECT_EQ(dism_command_line(image.context(), Target::mount()),
            R"(DISM /Mount-Image /ImageFile:C:\media\sources\install.wim /Index:1 /MountDir:C:\mount)");
  EXPECT_EQ(dism_command_line(image.context(), Target::commit()),
            R"(DISM /Commit-Image /MountDir:C:\mount)");
  EXPECT_EQ(dism_command_line(image.context(), Target::discard()),
            R"(DISM /Unmount-Image /MountDir:C:\mount /Discard)");
}

TEST(DismText, RebootIsShutdown) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), Target::reboot()), "shutdown.exe /r /t 0");
}

TEST(DismText, CustomPaths) {
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  DismPaths paths;
  paths.package_folder = R"(D:\lcu)";
  paths.mount_dir = R"(D:\wim)";
  paths.image_file = R"(D:\boot.wim)";
  EXPECT_EQ(dism_command_line(image.context(), image.add("KB5043080"), paths),
            R"(DISM /Image:D:\wim /Add-Package /PackagePath:D:\lcu\windows11.0-kb5043080-x64.msu)");
  EXPECT_EQ(dism_command_line(image.context(), Target::mount(), paths),
            R"(DISM /Mount-Image /ImageFile:D:\boot.wim /Index:1 /MountDir:D:\wim)");
}

// ---------------------------------------------------------------------------------------------
// Quoting: a file name may hold what Windows allows and shells do not read literally

/// The kb5086672 catalog with KB5043080's file renamed.
Catalog catalog_with_file(const std::string& file) {
  Catalog catalog = test::kb5086672_catalog();
  const auto index = catalog.find("KB5043080");
  EXPECT_TRUE(index.has_value());
  catalog.packages[*index].file = file;
  return catalog;
}

TEST(DismText, PlainArgumentsStayPlainInEveryShell) {
  for (const Shell shell : {Shell::cmd, Shell::powershell}) {
    EXPECT_EQ(shell_quote(shell, R"(C:\Packages\windows11.0-kb5043080-x64.msu)"),
              R"(C:\Packages\windows11.0-kb5043080-x64.msu)");
  }
  Target device(test::kb5086672_catalog(), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add("KB5043080"), {}, Shell::powershell),
            R"(DISM /Online /Add-Package /PackagePath:C:\Packages\windows11.0-kb5043080-x64.msu /NoRestart)");
}

TEST(DismText, CmdQuotesTheValueAndDoublesPercent) {
  EXPECT_EQ(shell_quote(Shell::cmd, "a & calc.exe"), R"("a & calc.exe")");
  EXPECT_EQ(shell_quote(Shell::cmd, "50%PATH%.msu"), R"("50%%PATH%%.msu")");
  EXPECT_EQ(shell_quote(Shell::cmd, "x^y|z<w>(v);u"), R"("x^y|z<w>(v);u")");
  // CommandLineToArgvW reads \" as a quote: backslashes before the closing quote are doubled.
  EXPECT_EQ(shell_quote(Shell::cmd, R"(C:\a b\)"), R"("C:\a b\\")");
  Target device(catalog_with_file("kb1.msu & calc.exe"), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add("KB5043080")),
            R"(DISM /Online /Add-Package /PackagePath:"C:\Packages\kb1.msu & calc.exe" /NoRestart)");
}

TEST(DismText, PowerShellQuotesTheArgumentAndDoublesEverySingleQuote) {
  EXPECT_EQ(shell_quote(Shell::powershell, "it's $(calc).msu"), "'it''s $(calc).msu'");
  // PowerShell ends a single-quoted string at typographic quotes too.
  EXPECT_EQ(shell_quote(Shell::powershell, "it\xE2\x80\x99s.msu"),
            "'it\xE2\x80\x99\xE2\x80\x99s.msu'");
  Target device(catalog_with_file("kb1.msu; shutdown /r"), TargetKind::online);
  EXPECT_EQ(dism_command_line(device.context(), device.add("KB5043080"), {}, Shell::powershell),
            R"(DISM /Online /Add-Package '/PackagePath:C:\Packages\kb1.msu; shutdown /r' /NoRestart)");
}

TEST(DismText, MediaAndPathsAreQuotedToo) {
  Catalog catalog = test::kb5086672_catalog();
  Target media(test::CatalogBuilder().package("SETUP-2026-03", PackageKind::setup_du).build(),
               TargetKind::media, {}, 0, 0);
  DismPaths paths;
  paths.media_folder = R"(D:\my media)";
  EXPECT_EQ(dism_command_line(media.context(), media.add("SETUP-2026-03"), paths),
            R"(expand.exe C:\Packages\windows11.0-setup-2026-03-x64.msu -F:* "D:\my media\sources")");
  Target image(catalog, TargetKind::install_wim);
  paths.mount_dir = R"(C:\mount here)";
  EXPECT_EQ(dism_command_line(image.context(), Target::commit(), paths),
            R"(DISM /Commit-Image /MountDir:"C:\mount here")");
}

// ---------------------------------------------------------------------------------------------
// Console text

TEST(DismText, SuccessConsoleText) {
  Target image(test::kb5086672_catalog(), TargetKind::install_wim);
  const TargetState start = image.state().build();
  const Operation add = image.add("KB5043080");
  const Outcome outcome = image.apply(start, add);
  ASSERT_EQ(outcome.code, ResultCode::s_ok);
  EXPECT_EQ(dism_console_text(image.context(), start, add, outcome),
            std::string("Processing 1 of 1 - Adding package ") + checkpoint_identity + "\n" +
                progress_done + "\nThe operation completed successfully.\n");
}

TEST(DismText, RebootRequiredConsoleText) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Operation add = device.add("KB5043080");
  const Outcome outcome = device.apply(start, add);
  ASSERT_EQ(outcome.code, ResultCode::success_reboot_required);
  const std::string text = dism_console_text(device.context(), start, add, outcome);
  EXPECT_EQ(text, std::string("Processing 1 of 1 - Adding package ") + checkpoint_identity +
                      "\n" + progress_done +
                      "\nThe operation completed successfully.\n"
                      "Restart Windows to complete this operation.\n");
}

TEST(DismText, CbsErrorPrintsLowerCaseHexThenMessageThenLog) {
  Target winre(test::kb5086672_catalog(), TargetKind::winre_wim);
  const TargetState start = winre.state().build();
  const Operation add = winre.add("KB5043080");
  const Outcome outcome = winre.apply(start, add);
  ASSERT_EQ(outcome.code, ResultCode::cbs_e_not_applicable);
  const std::string text = dism_console_text(winre.context(), start, add, outcome);
  EXPECT_EQ(text, std::string("Processing 1 of 1 - Adding package ") + checkpoint_identity +
                      "\n" + progress_done +
                      "\n\nError: 0x800f081e\n\n"
                      "The specified package is not applicable to this image.\n\n" +
                      log_line + "\n");
  EXPECT_EQ(text.find("completed successfully"), std::string::npos);
}

TEST(DismText, MissingBaselineErrorLine) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Operation add = device.add("KB5086672");
  const Outcome outcome = device.apply(start, add);
  ASSERT_EQ(outcome.code, ResultCode::cbs_e_missing_prerequisite_baseline);
  const std::string text = dism_console_text(device.context(), start, add, outcome);
  EXPECT_NE(text.find("\nError: 0x800f0838\n"), std::string::npos) << text;
  EXPECT_NE(text.find(log_line), std::string::npos);
}

TEST(DismText, Win32ErrorPrintsDecimalCode) {
  Target image(test::kb5086672_catalog(), TargetKind::boot_wim);
  const TargetState start = image.state()
                                .superseded("KB5043080")
                                .installed("KB5086672")
                                .ssu_version(8115)
                                .flag(TargetFlag::components_reset)
                                .build();
  const Operation add = image.add("KB5043080");
  const Outcome outcome = image.apply(start, add);
  ASSERT_EQ(outcome.code, ResultCode::already_installed);  // superseded: check 3 first
  const TargetState removed = image.state()
                                  .installed("KB5086672")
                                  .ssu_version(8115)
                                  .flag(TargetFlag::components_reset)
                                  .build();
  const Outcome corrupt = image.apply(removed, add);
  ASSERT_EQ(corrupt.code, ResultCode::error_sxs_component_store_corrupt);
  const std::string text = dism_console_text(image.context(), removed, add, corrupt);
  EXPECT_NE(text.find("\nError: 14098\n\nThe component store has been corrupted.\n\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("0x8007"), std::string::npos) << text;
}

TEST(DismText, DiskFullPrintsDecimalCode) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Operation add = device.add("KB5043080");
  const Outcome outcome = device.apply(start, add, Fault::disk_full);
  ASSERT_EQ(outcome.code, ResultCode::error_disk_full);
  const std::string text = dism_console_text(device.context(), start, add, outcome);
  EXPECT_NE(text.find("\nError: 112\n"), std::string::npos) << text;
}

TEST(DismText, KilledProcessPrintsNoVerdict) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Operation add = device.add("KB5043080");
  const Outcome outcome = device.apply(start, add, Fault::power_loss_staging);
  const std::string text = dism_console_text(device.context(), start, add, outcome);
  EXPECT_NE(text.find(std::string("Adding package ") + checkpoint_identity), std::string::npos);
  EXPECT_EQ(text.find("100.0%"), std::string::npos) << text;
  EXPECT_EQ(text.find("Error:"), std::string::npos) << text;
  EXPECT_EQ(text.find("completed successfully"), std::string::npos) << text;
}

TEST(DismText, Method1ListsEveryPackageItProcessed) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Operation folder = device.add_folder("KB5086672");
  const Outcome outcome = device.apply(start, folder);
  const std::string text = dism_console_text(device.context(), start, folder, outcome);
  const std::string first = std::string("Processing 1 of 2 - Adding package ") + checkpoint_identity;
  const std::string second = std::string("Processing 2 of 2 - Adding package ") + cu_identity;
  ASSERT_NE(text.find(first), std::string::npos) << text;
  ASSERT_NE(text.find(second), std::string::npos) << text;
  EXPECT_LT(text.find(first), text.find(second));
  EXPECT_NE(text.find("Restart Windows to complete this operation."), std::string::npos);
}

TEST(DismText, RebootHasNoConsoleText) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state()
                                .package("KB5043080", CbsState::install_pending)
                                .flag(TargetFlag::reboot_pending)
                                .build();
  const Outcome outcome = device.apply(start, Target::reboot());
  EXPECT_EQ(dism_console_text(device.context(), start, Target::reboot(), outcome), "");
}

// ---------------------------------------------------------------------------------------------
// describe_changes

TEST(DismText, DescribeChangesOfAnOnlineAddAndReboot) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().build();
  const Outcome add = device.apply(start, device.add("KB5043080"));
  EXPECT_EQ(describe_changes(device.context(), start, add.state),
            (std::vector<std::string>{"KB5043080: absent -> install_pending",
                                      "reboot_pending: set"}));
  const Outcome reboot = device.apply(add.state, Target::reboot());
  EXPECT_EQ(describe_changes(device.context(), add.state, reboot.state),
            (std::vector<std::string>{"KB5043080: install_pending -> installed",
                                      "ubr: 1 -> 1742", "reboot_pending: cleared"}));
}

TEST(DismText, DescribeChangesInCatalogOrderWithStackAndBuild) {
  Target image(test::CatalogBuilder()
                   .checkpoint("KB5043080", 1742)
                   .cu("KB5086672", 8117, {.baseline = 1742, .bundled_ssu = 8115})
                   .enablement("KB5054156", 1742, 26200)
                   .build(),
               TargetKind::install_wim);
  const TargetState before = image.state().installed("KB5043080").build();
  const Outcome cu = image.apply(before, image.add("KB5086672"));
  EXPECT_EQ(describe_changes(image.context(), before, cu.state),
            (std::vector<std::string>{"KB5043080: installed -> superseded",
                                      "KB5086672: absent -> installed", "ubr: 1742 -> 8117",
                                      "ssu_version: 1 -> 8115"}));
  const Outcome enable = image.apply(cu.state, image.add("KB5054156"));
  EXPECT_EQ(describe_changes(image.context(), cu.state, enable.state),
            (std::vector<std::string>{"KB5054156: absent -> installed", "build: 26100 -> 26200"}));
  const Outcome commit = image.apply(enable.state, Target::commit());
  EXPECT_EQ(describe_changes(image.context(), enable.state, commit.state),
            (std::vector<std::string>{"committed image: updated"}));
}

TEST(DismText, DescribeChangesOfNothingIsEmpty) {
  Target device(test::kb5086672_catalog(), TargetKind::online);
  const TargetState start = device.state().installed("KB5043080").build();
  EXPECT_TRUE(describe_changes(device.context(), start, start).empty());
}

TEST(DismText, SetupDuOnMediaIsTheExpandCallOfTheMediaScript) {
  // Microsoft's media-refresh script: cmd /c expand.exe $SETUP_DU_PATH -F:* $MEDIA\sources.
  Target media(test::CatalogBuilder().package("SETUP", PackageKind::setup_du).build(),
               TargetKind::media, {}, 0, 0);
  const Operation add = media.add("SETUP");
  EXPECT_EQ(dism_command_line(media.context(), add),
            R"(expand.exe C:\Packages\windows11.0-setup-x64.msu -F:* C:\media\sources)");
  Outcome done;
  done.code = ResultCode::s_ok;
  EXPECT_EQ(dism_console_text(media.context(), TargetState{}, add, done),
            "Expanding Files ....\n\nExpanding Files Complete ...\n");
}

}  // namespace
}  // namespace svcsim::model
