// Golden tests of the DISM output parsers on the samples quoted in
// windows-servicing-facts.md §4.1 and §4.4 (verbatim), in every encoding a replay meets (UTF-8
// and UTF-16LE, LF and CRLF), plus cut-off and garbled listings, and the exit-code forms.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "svcsim/adapter/dism_output.hpp"
#include "svcsim/adapter/dism_parse.hpp"

namespace svcsim::adapter {
namespace {

// §4.1, [3P jmclaren7/windows-setup-helper #1].
constexpr std::string_view not_applicable_sample =
    "Processing 1 of 1 - Adding package WinPE-WinReCfg-Package~31bf3856ad364e35~amd64~~10.0.26100.1\n"
    "[==========================100.0%==========================]\n"
    "\n"
    "Error: 0x800f081e\n"
    "\n"
    "The specified package is not applicable to this image.\n"
    "\n"
    "The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log\n";

// §4.1, [3P BatUtil #21, adavak #37/#42]: a Win32 error printed in decimal.
constexpr std::string_view win32_sample =
    "An error occurred - Package_for_RollupFix Error: 0x8007371b\n"
    "\n"
    "Error: 14107\n"
    "\n"
    "One or more required members of the transaction are not present.\n";

// §4.4, [MS Azure VM troubleshooting article; 3P DISMTools #220], with DISM's header and tail.
constexpr std::string_view list_sample =
    "\nDeployment Image Servicing and Management tool\nVersion: 10.0.26100.5074\n\n"
    "Image Version: 10.0.26200.6584\n\n"
    "Packages listing:\n\n"
    "Package Identity : Package_for_RollupFix~31bf3856ad364e35~amd64~~17134.345.1.5\n"
    "State : Install Pending\n"
    "Release Type : Security Update\n"
    "Install Time :\n"
    "\n"
    "Package Identity : Microsoft-Windows-Notepad-System-FoD-Package~31bf3856ad364e35~amd64~en-US~10.0.26100.1742\n"
    "State : Installed\n"
    "Release Type : OnDemand Pack\n"
    "Install Time : 06/09/2024 04:11\n"
    "\n"
    "The operation completed successfully.\n";

std::string crlf(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string utf16le(std::string_view ascii, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE", 2) : std::string();
  for (const char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

TEST(DismConsoleParser, ReadsTheCbsErrorForm) {
  const ConsoleReport report = parse_console(decode_console(not_applicable_sample));
  ASSERT_TRUE(report.error_hresult.has_value());
  EXPECT_EQ(*report.error_hresult, 0x800F081Eu);
  EXPECT_EQ(report.error_text, "0x800f081e");
  ASSERT_EQ(report.messages.size(), 1u);
  EXPECT_EQ(report.messages[0], "The specified package is not applicable to this image.");
  EXPECT_FALSE(report.completed);
  EXPECT_FALSE(report.truncated);
}

TEST(DismConsoleParser, ReadsTheWin32ErrorFormInDecimal) {
  const ConsoleReport report = parse_console(decode_console(crlf(win32_sample)));
  ASSERT_TRUE(report.error_hresult.has_value());
  EXPECT_EQ(*report.error_hresult, 0x8007371Bu);
  EXPECT_EQ(report.messages.back(), "One or more required members of the transaction are not present.");
}

TEST(DismConsoleParser, ReadsSuccessAndRestart) {
  const std::string text =
      "Processing 1 of 1 - Adding package Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10\n"
      "[==========================100.0%==========================]\n"
      "The operation completed successfully.\nRestart Windows to complete this operation.\n"
      "svcsim-exit-code: 3010\n";
  for (const std::string& bytes : {text, crlf(text), utf16le(text, true), utf16le(crlf(text), false)}) {
    const ConsoleReport report = parse_console(decode_console(bytes));
    EXPECT_TRUE(report.completed);
    EXPECT_TRUE(report.restart_required);
    EXPECT_FALSE(report.error_hresult.has_value());
    ASSERT_TRUE(report.exit_code_line.has_value());
    EXPECT_EQ(*report.exit_code_line, 3010);
  }
}

TEST(DismConsoleParser, SaysTruncatedWhenNeitherEndingArrived) {
  const ConsoleReport report = parse_console(
      "Processing 1 of 1 - Adding package X\n[=================          30.0%                          ]\n");
  EXPECT_TRUE(report.truncated);
  EXPECT_FALSE(report.completed);
}

TEST(GetPackagesParser, ReadsTheReferenceListInEveryEncoding) {
  const std::string text(list_sample);
  for (const std::string& bytes : {text, crlf(text), utf16le(text, true), utf16le(crlf(text), false)}) {
    const auto listing = parse_get_packages(decode_console(bytes));
    ASSERT_TRUE(listing.has_value()) << listing.error().message;
    EXPECT_FALSE(listing->truncated);
    EXPECT_FALSE(listing->table);
    ASSERT_EQ(listing->packages.size(), 2u);
    EXPECT_EQ(listing->packages[0].identity,
              "Package_for_RollupFix~31bf3856ad364e35~amd64~~17134.345.1.5");
    EXPECT_EQ(listing->packages[0].state, "Install Pending");
    EXPECT_EQ(listing->packages[0].install_time, "");
    EXPECT_EQ(listing->packages[1].release_type, "OnDemand Pack");
    EXPECT_EQ(listing->packages[1].install_time, "06/09/2024 04:11");
    EXPECT_EQ(listing->image_build, 26200u);
    EXPECT_EQ(listing->image_ubr, 6584u);
  }
}

TEST(GetPackagesParser, ReportsACutListingAsTruncated) {
  const std::string text(list_sample);
  const std::string cut = text.substr(0, text.find("Release Type : OnDemand"));
  const auto listing = parse_get_packages(cut);
  ASSERT_TRUE(listing.has_value());
  EXPECT_TRUE(listing->truncated);
  EXPECT_EQ(listing->packages.size(), 2u);  // the second record, as far as it went
}

TEST(GetPackagesParser, ReadsTheTableFormTheEmulatorWrites) {
  const std::vector<PackageRow> rows = {
      {"Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10", "Superseded",
       "Security Update", "1/1/2026 12:00 AM"},
      {"Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9", "Install Pending",
       "Security Update", ""}};
  const std::string text = dism_header(26100, 8117) + render_package_table(rows) +
                           "The operation completed successfully.\n";
  const auto listing = parse_get_packages(decode_console(utf16le(crlf(text), true)));
  ASSERT_TRUE(listing.has_value()) << listing.error().message;
  EXPECT_TRUE(listing->table);
  EXPECT_FALSE(listing->truncated);
  ASSERT_EQ(listing->packages.size(), 2u);
  EXPECT_EQ(listing->packages[1].state, "Install Pending");
  EXPECT_EQ(listing->packages[0].install_time, "1/1/2026 12:00 AM");
  EXPECT_EQ(listing->image_ubr, 8117u);
}

TEST(GetPackagesParser, ListRendererRoundTrips) {
  const std::vector<PackageRow> rows = {
      {"Package_for_ServicingStack_8115~31bf3856ad364e35~amd64~~26100.8115.1.0", "Installed",
       "Security Update", "1/1/2026 12:00 AM"}};
  const auto listing = parse_get_packages(dism_header(26100, 1) + render_package_list(rows) +
                                          "The operation completed successfully.\n");
  ASSERT_TRUE(listing.has_value());
  ASSERT_EQ(listing->packages.size(), 1u);
  EXPECT_EQ(listing->packages[0].identity, rows[0].identity);
  EXPECT_EQ(listing->packages[0].state, "Installed");
}

TEST(GetPackagesParser, RefusesGarbageWithItsLine) {
  const auto listing = parse_get_packages("Packages listing:\n\nPackage Identity : A\nthis is not DISM\n");
  ASSERT_FALSE(listing.has_value());
  EXPECT_EQ(listing.error().line, 4);
  const auto error = parse_get_packages(std::string(not_applicable_sample));
  ASSERT_FALSE(error.has_value());
  EXPECT_NE(error.error().message.find("0x800f081e"), std::string::npos);
}

TEST(ExitCodeParser, ReadsSignedHresultsAndWin32Codes) {
  EXPECT_EQ(exit_code_hresult("-2146498554"), 0x800F0806u);  // tiny11builder #644
  EXPECT_EQ(exit_code_hresult("2148468766"), 0x800F081Eu);   // the same read unsigned
  EXPECT_EQ(exit_code_hresult("14098"), 0x80073712u);
  EXPECT_EQ(exit_code_hresult("3010"), 0x80070BC2u);
  EXPECT_EQ(exit_code_hresult("0"), 0u);
  EXPECT_EQ(exit_code_hresult(" 2359302 "), 0x00240006u);     // WU_S_ALREADY_INSTALLED
  EXPECT_FALSE(exit_code_hresult("0x800F081E").has_value());
  EXPECT_FALSE(exit_code_hresult("").has_value());
  EXPECT_FALSE(exit_code_hresult("99999999999").has_value());
}

}  // namespace
}  // namespace svcsim::adapter

namespace svcsim::adapter {
namespace {

std::string read_data(const char* name) {
  const char* dir = std::getenv("SVCSIM_SOURCE_DIR");
  const std::string path = std::string(dir != nullptr ? dir : SVCSIM_SOURCE_DIR_FALLBACK) +
                           "/adapter/test/data/" + name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The real 25H2 listing (adapter/test/data/README.md): the parser reads every record, and the
// emulator's List renderer writes the records it can produce byte for byte as Windows did.
TEST(GetPackagesGolden, ReadsTheReal25H2ListingAndRendersItsRecordsAlike) {
  const std::string text = read_data("get-packages-25h2-excerpt.txt");
  ASSERT_FALSE(text.empty());
  const auto listing = parse_get_packages(decode_console(text));
  ASSERT_TRUE(listing.has_value()) << listing.error().message;
  EXPECT_FALSE(listing->truncated);
  ASSERT_EQ(listing->packages.size(), 7u);
  EXPECT_EQ(listing->image_build, 26200u);
  EXPECT_EQ(listing->image_ubr, 8037u);
  const ListedPackage& checkpoint = listing->packages[4];
  EXPECT_EQ(checkpoint.identity, "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.1742.1.10");
  EXPECT_EQ(checkpoint.state, "Staged");
  EXPECT_EQ(checkpoint.install_time, "");
  EXPECT_EQ(listing->packages[5].install_time, "3/6/2026 11:54 PM");
  EXPECT_EQ(listing->packages[3].release_type, "Update");  // the enablement package

  // The header and the RollupFix and servicing-stack records as the emulator writes them.
  std::vector<PackageRow> rows;
  for (std::size_t index = 4; index < 7; ++index) {
    const ListedPackage& package = listing->packages[index];
    rows.push_back({package.identity, package.state, package.release_type, package.install_time});
  }
  const std::string rendered = dism_header(26200, 8037) + render_package_list(rows);
  const std::string records = text.substr(text.find("Package Identity : Package_for_RollupFix"));
  const std::string real = text.substr(0, text.find("Package Identity :")) +
                           records.substr(0, records.find("The operation completed"));
  EXPECT_EQ(rendered, real);
  EXPECT_EQ(release_type_text(model::PackageKind::cu), "Security Update");
  EXPECT_EQ(release_type_text(model::PackageKind::ssu), "Security Update");
  EXPECT_EQ(release_type_text(model::PackageKind::dotnet_cu), "Update");
  EXPECT_EQ(release_type_text(model::PackageKind::enablement), "Update");
}

}  // namespace
}  // namespace svcsim::adapter
