// The result-code table of servicing-model.md §3 and DISM's exit-code rule. Every code's HRESULT,
// name and success flag is compared with a table written out here from the spec (not read back
// from the model), and each exit code is the literal number the spec gives.
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

#include <gtest/gtest.h>

#include "svcsim/model/result_code.hpp"
#include "test_support.hpp"

namespace svcsim::model {
namespace {

struct ExpectedCode {
  ResultCode code;
  std::uint32_t hresult;
  std::string_view name;
  bool success;
  std::optional<std::int32_t> exit;  // with already_installed_exit = 0
};

// §3's table, plus the three codes the model adds for the process being killed, /Image: naming
// no mounted image (§4.7, as the brief specifies), and CBS_E_INVALID_PACKAGE (§4.4).
constexpr ExpectedCode expected_codes[] = {
    {ResultCode::s_ok, 0x00000000u, "S_OK", true, 0},
    {ResultCode::success_reboot_required, 0x80070BC2u, "ERROR_SUCCESS_REBOOT_REQUIRED", true, 3010},
    {ResultCode::already_installed, 0x00240006u, "ALREADY_INSTALLED", true, 0},
    {ResultCode::cbs_e_not_applicable, 0x800F081Eu, "CBS_E_NOT_APPLICABLE", false, -2146498530},
    {ResultCode::cbs_e_new_servicing_stack_required, 0x800F0823u,
     "CBS_E_NEW_SERVICING_STACK_REQUIRED", false, -2146498525},
    {ResultCode::cbs_e_missing_prerequisite_baseline, 0x800F0838u,
     "CBS_E_MISSING_PREREQUISITE_BASELINE", false, -2146498504},
    {ResultCode::cbs_e_pending, 0x800F0806u, "CBS_E_PENDING", false, -2146498554},
    {ResultCode::cbs_e_installers_failed, 0x800F0922u, "CBS_E_INSTALLERS_FAILED", false,
     -2146498270},
    {ResultCode::cbs_e_cannot_uninstall, 0x800F0825u, "CBS_E_CANNOT_UNINSTALL", false,
     -2146498523},
    {ResultCode::cbs_e_image_unserviceable, 0x800F0830u, "CBS_E_IMAGE_UNSERVICEABLE", false,
     -2146498512},
    {ResultCode::cbs_e_invalid_package, 0x800F0805u, "CBS_E_INVALID_PACKAGE", false, -2146498555},
    {ResultCode::cbs_e_session_interrupted, 0x800F0841u, "CBS_E_SESSION_INTERRUPTED", false,
     std::nullopt},
    {ResultCode::error_sxs_component_store_corrupt, 0x80073712u,
     "ERROR_SXS_COMPONENT_STORE_CORRUPT", false, 14098},
    {ResultCode::error_disk_full, 0x80070070u, "ERROR_DISK_FULL", false, 112},
    {ResultCode::psfx_e_missing_payload_file, 0x800F0991u, "PSFX_E_MISSING_PAYLOAD_FILE", false,
     -2146498159},
    {ResultCode::error_file_not_found, 0x80070002u, "ERROR_FILE_NOT_FOUND", false, 2},
    {ResultCode::error_mod_not_found, 0x8007007Eu, "ERROR_MOD_NOT_FOUND", false, 126},
    {ResultCode::cbs_e_source_missing, 0x800F081Fu, "CBS_E_SOURCE_MISSING", false, -2146498529},
};

TEST(ResultCode, TableCoversEveryCode) {
  ASSERT_EQ(std::size(expected_codes), static_cast<std::size_t>(result_code_count));
  std::set<int> seen;
  for (const ExpectedCode& expected : expected_codes) {
    seen.insert(static_cast<int>(expected.code));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(result_code_count));
}

TEST(ResultCode, HresultNameAndSuccessMatchSpecTable) {
  for (const ExpectedCode& expected : expected_codes) {
    SCOPED_TRACE(expected.name);
    EXPECT_EQ(hresult(expected.code), expected.hresult);
    EXPECT_EQ(result_name(expected.code), expected.name);
    EXPECT_EQ(is_success(expected.code), expected.success);
    EXPECT_FALSE(result_message(expected.code).empty());
  }
}

TEST(ResultCode, ExitCodeFollowsWin32AndSignedRule) {
  for (const ExpectedCode& expected : expected_codes) {
    SCOPED_TRACE(expected.name);
    EXPECT_EQ(dism_exit_code(expected.code, 0), expected.exit);
  }
}

TEST(ResultCode, Win32FacilityExitsWithWin32Code) {
  EXPECT_EQ(dism_exit_code(ResultCode::error_disk_full, 0), 112);
  EXPECT_EQ(dism_exit_code(ResultCode::error_sxs_component_store_corrupt, 0), 14098);
  EXPECT_EQ(dism_exit_code(ResultCode::success_reboot_required, 0), 3010);
  EXPECT_EQ(dism_exit_code(ResultCode::error_file_not_found, 0), 2);
}

TEST(ResultCode, OtherFacilitiesExitWithSignedHresult) {
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_missing_prerequisite_baseline, 0), -2146498504);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_pending, 0), -2146498554);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_image_unserviceable, 0), -2146498512);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_not_applicable, 0), -2146498530);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_new_servicing_stack_required, 0), -2146498525);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_installers_failed, 0), -2146498270);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_cannot_uninstall, 0), -2146498523);
  EXPECT_EQ(dism_exit_code(ResultCode::psfx_e_missing_payload_file, 0), -2146498159);
  EXPECT_EQ(dism_exit_code(ResultCode::s_ok, 0), 0);
}

TEST(ResultCode, AlreadyInstalledExitIsTheKnob) {
  EXPECT_EQ(dism_exit_code(ResultCode::already_installed, 0), 0);
  EXPECT_EQ(dism_exit_code(ResultCode::already_installed, 2359302), 2359302);  // wusa 0x00240006
  // The knob touches nothing else.
  EXPECT_EQ(dism_exit_code(ResultCode::s_ok, 2359302), 0);
  EXPECT_EQ(dism_exit_code(ResultCode::success_reboot_required, 2359302), 3010);
}

TEST(ResultCode, AlreadyInstalledExitKnobThroughContext) {
  Knobs knobs;
  knobs.already_installed_exit = 2359302;
  test::Target target(test::CatalogBuilder().checkpoint("KB5043080", 1742).build(),
                      TargetKind::online, knobs);
  Outcome outcome;
  outcome.code = ResultCode::already_installed;
  EXPECT_EQ(target.exit_code(outcome), 2359302);
}

TEST(ResultCode, KilledProcessHasNoExitCode) {
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_session_interrupted, 0), std::nullopt);
  EXPECT_EQ(dism_exit_code(ResultCode::cbs_e_session_interrupted, 2359302), std::nullopt);
}

TEST(ResultCode, HresultTextIsUpperCaseEightDigits) {
  EXPECT_EQ(hresult_text(0x800F0838u), "0x800F0838");
  EXPECT_EQ(hresult_text(0x00240006u), "0x00240006");
  EXPECT_EQ(hresult_text(0u), "0x00000000");
  EXPECT_EQ(hresult_text(0x80073712u), "0x80073712");
}

TEST(ResultCode, ParseRoundTripsEveryCode) {
  for (const ExpectedCode& expected : expected_codes) {
    SCOPED_TRACE(expected.name);
    EXPECT_EQ(parse_result_code(hresult_text(expected.hresult)), expected.code);
    EXPECT_EQ(result_code_for_hresult(expected.hresult), expected.code);
  }
}

TEST(ResultCode, ParseAcceptsAnyCase) {
  EXPECT_EQ(parse_result_code("0x800f0838"), ResultCode::cbs_e_missing_prerequisite_baseline);
  EXPECT_EQ(parse_result_code("0X800F081E"), ResultCode::cbs_e_not_applicable);
  EXPECT_EQ(parse_result_code("0x800f081e"), ResultCode::cbs_e_not_applicable);
}

TEST(ResultCode, ParseRejectsMalformedAndUnknown) {
  EXPECT_EQ(parse_result_code("800F0838"), std::nullopt);     // no 0x
  EXPECT_EQ(parse_result_code("0x800F083"), std::nullopt);    // 7 digits
  EXPECT_EQ(parse_result_code("0x800F08380"), std::nullopt);  // 9 digits
  EXPECT_EQ(parse_result_code("0x800F083G"), std::nullopt);   // not hex
  EXPECT_EQ(parse_result_code(" 0x800F0838"), std::nullopt);
  EXPECT_EQ(parse_result_code(""), std::nullopt);
  EXPECT_EQ(parse_result_code("0x8007371B"), std::nullopt);   // a real HRESULT svcsim lacks
  EXPECT_EQ(result_code_for_hresult(0x12345678u), std::nullopt);
}

TEST(ResultCode, AnyHresultIsInternedAndPrintedUnnamed) {
  // v2 (servicing-model.md §3): a scenario may name any HRESULT; one outside the table keeps its
  // value, is an error exactly when its severity bit is set, and follows the exit-code rule.
  const auto code = intern_result_code(0x80070643u);
  ASSERT_TRUE(code.has_value());
  EXPECT_FALSE(is_named(*code));
  EXPECT_EQ(hresult(*code), 0x80070643u);
  EXPECT_EQ(result_name(*code), "(unnamed)");
  EXPECT_FALSE(is_success(*code));
  EXPECT_EQ(dism_exit_code(*code, 0), 1603);  // Win32 facility: the Win32 code
  EXPECT_EQ(intern_result_code(0x80070643u), code);  // the same slot every time
  EXPECT_EQ(result_code_for_hresult(0x80070643u), code);
  EXPECT_EQ(intern_result_code(0x800F081Eu), ResultCode::cbs_e_not_applicable);
  const auto other = intern_result_code(0x80240017u);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*other, *code);
  EXPECT_EQ(dism_exit_code(*other, 0), static_cast<std::int32_t>(0x80240017u));
}

}  // namespace
}  // namespace svcsim::model
