// Golden tests of the importer on the synthetic .msu files of make_fixtures.sh (built by CTest
// into SVCSIM_IMPORT_FIXTURE_DIR): every field it extracts is checked against the values the
// fixture sources (fixtures/*) hold, with the file and attribute it names as origin; every
// hostile file is one error line naming the file, with the private folder removed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "svcsim/import/importer.hpp"
#include "svcsim/import/scenario_output.hpp"
#include "svcsim/scenario/loader.hpp"

namespace {

using namespace svcsim;
using import::ImportedUpdate;
using import::ImportResult;

const std::filesystem::path fixture_dir = SVCSIM_IMPORT_FIXTURE_DIR;

/// A fresh, empty folder for the importer's private folder, so a test can see it removed.
class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_parent_ = std::filesystem::temp_directory_path() /
                   ("svcsim-import-test-" + std::string(::testing::UnitTest::GetInstance()
                                                            ->current_test_info()
                                                            ->name()));
    std::filesystem::remove_all(temp_parent_);
    std::filesystem::create_directories(temp_parent_);
    options_.temp_parent = temp_parent_;
  }
  void TearDown() override {
    // Whatever the import did, its private folder is gone.
    EXPECT_TRUE(std::filesystem::is_empty(temp_parent_));
    std::filesystem::remove_all(temp_parent_);
  }

  ImportResult import_ok(const std::vector<std::filesystem::path>& inputs) {
    auto imported = import::import_msu_files(inputs, options_);
    EXPECT_TRUE(imported.has_value()) << (imported ? "" : imported.error());
    return imported ? *imported : ImportResult{};
  }

  std::string import_error(const std::vector<std::filesystem::path>& inputs) {
    auto imported = import::import_msu_files(inputs, options_);
    EXPECT_FALSE(imported.has_value());
    if (imported) return "";
    EXPECT_EQ(imported.error().find('\n'), std::string::npos) << imported.error();
    return imported.error();
  }

  std::filesystem::path temp_parent_;
  import::ImportOptions options_;
};

const import::FieldSource& source(const ImportedUpdate& update, const std::string& field) {
  const auto found = std::find_if(update.sources.begin(), update.sources.end(),
                                  [&](const import::FieldSource& item) { return item.field == field; });
  if (found == update.sources.end()) {
    ADD_FAILURE() << "no origin for " << field;
    static const import::FieldSource none;
    return none;
  }
  return *found;
}

bool has_text(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

const std::string lcu_5086672 =
    "onepackage.AggregatedMetadata.cab > LCUCompDB_KB5086672.xml.cab > LCUCompDB_KB5086672.xml";
const std::string ssu_5086672 =
    "onepackage.AggregatedMetadata.cab > SSUCompDB_KB5086672.xml.cab > SSUCompDB_KB5086672.xml";
const std::string lcu_5043080 =
    "onepackage.AggregatedMetadata.cab > LCUCompDB_KB5043080.xml.cab > LCUCompDB_KB5043080.xml";

// ---- the KB5086672 set -------------------------------------------------------------------

TEST_F(ImportTest, Kb5086672SetEveryField) {
  const ImportResult result = import_ok({fixture_dir / "kb5086672"});
  ASSERT_EQ(result.updates.size(), 2u);
  EXPECT_EQ(result.build, 26100u);
  EXPECT_EQ(result.architecture, "amd64");
  EXPECT_FALSE(result.product);

  // The checkpoint first: KB5086672's baseline is its revision.
  const ImportedUpdate& checkpoint = result.updates[0];
  EXPECT_EQ(checkpoint.layout, import::MsuLayout::wim);
  EXPECT_EQ(checkpoint.package.id, "KB5043080");
  EXPECT_EQ(checkpoint.package.kind, model::PackageKind::checkpoint_cu);
  EXPECT_EQ(checkpoint.package.file, "windows11.0-kb5043080-x64.msu");
  EXPECT_EQ(checkpoint.package.identity, "Package_for_RollupFix~~amd64~~26100.1742.1.10");
  EXPECT_EQ(checkpoint.package.revision, 1742u);
  EXPECT_EQ(checkpoint.package.baseline, 1u);
  EXPECT_EQ(checkpoint.package.bundled_ssu, 0u);
  EXPECT_EQ(checkpoint.package.ssu_min, 0u);
  EXPECT_EQ(checkpoint.branch, "ge_release_svc_prod1");
  EXPECT_EQ(source(checkpoint, "id").document, lcu_5043080);
  EXPECT_EQ(source(checkpoint, "id").attribute, "Feature/@FeatureID \"CumulativeUpdate_KB5043080\"");
  EXPECT_EQ(source(checkpoint, "kind").attribute,
            "Feature/@Type \"CumulativeUpdate\"; a checkpoint because KB5086672 names revision "
            "1742 as its baseline");
  EXPECT_EQ(source(checkpoint, "identity").attribute,
            "Feature/Packages/Package/@ID \"Package_for_RollupFix~~amd64~~26100.1742.1.10\"");
  EXPECT_EQ(source(checkpoint, "revision").attribute, "CompDB/@TargetOSVersion \"10.0.26100.1742\"");
  EXPECT_EQ(source(checkpoint, "baseline").attribute, "CompDB/@OSVersion \"10.0.26100.1\"");
  EXPECT_TRUE(has_text(checkpoint.notes, "bundled_ssu: none"));

  const ImportedUpdate& lcu = result.updates[1];
  EXPECT_EQ(lcu.package.id, "KB5086672");
  EXPECT_EQ(lcu.package.kind, model::PackageKind::cu);
  EXPECT_EQ(lcu.package.file, "windows11.0-kb5086672-x64.msu");
  EXPECT_EQ(lcu.package.identity, "Package_for_RollupFix~~amd64~~26100.8117.1.9");
  EXPECT_EQ(lcu.package.revision, 8117u);
  EXPECT_EQ(lcu.package.baseline, 1742u);
  EXPECT_EQ(lcu.package.bundled_ssu, 8115u);
  EXPECT_EQ(lcu.package.ssu_min, 0u);  // no attribute gives it: left out, never guessed
  EXPECT_EQ(source(lcu, "revision").document, lcu_5086672);
  EXPECT_EQ(source(lcu, "baseline").attribute, "CompDB/@OSVersion \"10.0.26100.1742\"");
  EXPECT_EQ(source(lcu, "bundled_ssu").document, ssu_5086672);
  EXPECT_EQ(source(lcu, "bundled_ssu").attribute,
            "CompDB/@TargetOSVersion \"10.0.26100.8115\", with SSU-26100.8115-x64.cab in the WIM");
  EXPECT_TRUE(has_text(lcu.left_out, "ssu_min"));
  // Everything else is the kind's default from the model's table.
  const model::Package defaults = model::package_defaults(model::PackageKind::cu);
  EXPECT_EQ(lcu.package.restart, defaults.restart);
  EXPECT_EQ(lcu.package.applies_to, defaults.applies_to);
  EXPECT_EQ(lcu.package.permanent, defaults.permanent);
}

// ---- one of each kind --------------------------------------------------------------------

TEST_F(ImportTest, LcuWithBundledSsuSkipsTheModelCompDbAndTheManifest) {
  const ImportResult result = import_ok({fixture_dir / "wim" / "windows11.0-kb5094126-x64.msu"});
  ASSERT_EQ(result.updates.size(), 1u);
  const ImportedUpdate& lcu = result.updates[0];
  EXPECT_EQ(lcu.package.id, "KB5094126");
  EXPECT_EQ(lcu.package.kind, model::PackageKind::cu);
  EXPECT_EQ(lcu.package.identity, "Package_for_RollupFix~~amd64~~26100.8246.1.7");
  EXPECT_EQ(lcu.package.revision, 8246u);
  EXPECT_EQ(lcu.package.baseline, 1742u);
  EXPECT_EQ(lcu.package.bundled_ssu, 8240u);
  EXPECT_TRUE(has_text(lcu.notes, "DesktopTargetCompDB_Neutral.xml: CompDB Type='Build'"));
  EXPECT_TRUE(has_text(lcu.notes, "Manifest_KB5094126.json: not a CompDB XML"));
}

TEST_F(ImportTest, CheckpointAloneIsACumulativeUpdate) {
  // Nothing in its own metadata marks a checkpoint; only an update naming it as baseline does.
  const ImportResult result = import_ok({fixture_dir / "wim" / "windows11.0-kb5043080-x64.msu"});
  ASSERT_EQ(result.updates.size(), 1u);
  EXPECT_EQ(result.updates[0].package.kind, model::PackageKind::cu);
  EXPECT_EQ(result.updates[0].package.revision, 1742u);
  EXPECT_EQ(result.updates[0].package.baseline, 1u);
}

TEST_F(ImportTest, SsuOnly) {
  const ImportResult result = import_ok({fixture_dir / "wim" / "windows11.0-kb5095000-x64.msu"});
  ASSERT_EQ(result.updates.size(), 1u);
  const ImportedUpdate& ssu = result.updates[0];
  EXPECT_EQ(ssu.package.id, "KB5095000");
  EXPECT_EQ(ssu.package.kind, model::PackageKind::ssu);
  EXPECT_EQ(ssu.package.identity, "Package_for_ServicingStack_8250~~amd64~~26100.8250.1.0");
  EXPECT_EQ(ssu.package.revision, 8250u);
  EXPECT_EQ(ssu.package.baseline, 0u);
  EXPECT_EQ(ssu.package.bundled_ssu, 0u);
  EXPECT_TRUE(has_text(ssu.notes, "SSU-26100.8250-x64.cab"));
}

TEST_F(ImportTest, FolderOrderIsTheMetadatasOrder) {
  const ImportResult result = import_ok({fixture_dir / "wim"});
  ASSERT_EQ(result.updates.size(), 3u);
  EXPECT_EQ(result.updates[0].package.id, "KB5095000");  // the servicing stack first
  EXPECT_EQ(result.updates[1].package.id, "KB5043080");  // then CUs by revision
  EXPECT_EQ(result.updates[2].package.id, "KB5094126");
  EXPECT_EQ(result.updates[1].package.kind, model::PackageKind::checkpoint_cu);
}

TEST_F(ImportTest, ClassicCabEveryField) {
  options_.product = import::Product::client;
  const ImportResult result = import_ok({fixture_dir / "classic" / "windows10.0-kb5035845-x64.msu"});
  ASSERT_EQ(result.updates.size(), 1u);
  EXPECT_EQ(result.build, 19041u);
  EXPECT_EQ(result.architecture, "amd64");
  const ImportedUpdate& lcu = result.updates[0];
  EXPECT_EQ(lcu.layout, import::MsuLayout::cab);
  EXPECT_EQ(lcu.package.id, "KB5035845");
  EXPECT_EQ(lcu.package.kind, model::PackageKind::cu);
  EXPECT_EQ(lcu.package.file, "windows10.0-kb5035845-x64.msu");
  EXPECT_EQ(lcu.package.identity, "Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.4170.1.11");
  EXPECT_EQ(lcu.package.revision, 4170u);
  EXPECT_EQ(lcu.package.baseline, 1u);
  EXPECT_EQ(lcu.package.bundled_ssu, 4163u);
  EXPECT_FALSE(lcu.package.permanent);
  EXPECT_EQ(lcu.applicability, "Windows 10 Version 22H2;");
  EXPECT_EQ(source(lcu, "id").document, "Windows10.0-KB5035845-x64-pkgProperties.txt");
  EXPECT_EQ(source(lcu, "id").attribute, "KB Article Number \"5035845\"");
  EXPECT_EQ(source(lcu, "kind").document, "Windows10.0-KB5035845-x64.xml");
  EXPECT_EQ(source(lcu, "revision").attribute,
            "unattend/servicing/package/assemblyIdentity/@version \"19041.4170.1.11\"");
  EXPECT_EQ(source(lcu, "baseline").document, "Windows10.0-KB5035845-x64.cab > update.mum");
  EXPECT_EQ(source(lcu, "bundled_ssu").document, "SSU-19041.4163-x64.cab");
  // Read and shown, not used: update.mum's restart, pkgProperties' Package and Installation Type.
  EXPECT_TRUE(has_text(lcu.notes, "package/@restart \"possible\" read, not used"));
  EXPECT_TRUE(has_text(lcu.notes, "Package Type \"Update\" read, not used"));
  EXPECT_TRUE(has_text(lcu.notes, "Installation Type \"FULL\" read, not used"));
  EXPECT_TRUE(has_text(lcu.notes, "skipped WSUSSCAN.cab"));
  EXPECT_EQ(lcu.package.restart, model::package_defaults(model::PackageKind::cu).restart);
  ASSERT_TRUE(result.product);
  EXPECT_NE(result.product_origin.find("Windows 10 Version 22H2"), std::string::npos);
}

// ---- products ---------------------------------------------------------------------------

TEST_F(ImportTest, ClassicFilesNamingAnotherProductAreRefused) {
  options_.product = import::Product::server;
  const std::string error = import_error({fixture_dir / "classic" / "windows10.0-kb5035845-x64.msu"});
  EXPECT_NE(error.find("names client products, not --product server"), std::string::npos) << error;
}

TEST_F(ImportTest, WimFilesFromTwoBranchesAreRefused) {
  const std::string error = import_error({fixture_dir / "hostile" / "two-branches"});
  EXPECT_NE(error.find("disagree on the branch of @TargetBuildInfo"), std::string::npos) << error;
}

TEST_F(ImportTest, WimProductIsTakenFromTheUserAndSaysWhatWasChecked) {
  options_.product = import::Product::server;
  const ImportResult result = import_ok({fixture_dir / "kb5086672"});
  ASSERT_TRUE(result.product);
  EXPECT_EQ(*result.product, import::Product::server);
  EXPECT_NE(result.product_origin.find("'ge_release_svc_prod1' is not checked"), std::string::npos)
      << result.product_origin;
}

TEST_F(ImportTest, FilesOfTwoBuildsAreRefused) {
  const std::string error = import_error({fixture_dir / "kb5086672",
                                          fixture_dir / "classic" / "windows10.0-kb5035845-x64.msu"});
  EXPECT_NE(error.find("disagree on the build"), std::string::npos) << error;
}

TEST_F(ImportTest, TheSameUpdateTwiceIsRefused) {
  const std::string error = import_error({fixture_dir / "wim" / "windows11.0-kb5043080-x64.msu",
                                          fixture_dir / "kb5086672" / "windows11.0-kb5043080-x64.msu"});
  EXPECT_NE(error.find("KB5043080 is in both"), std::string::npos) << error;
}

// ---- hostile input -----------------------------------------------------------------------

struct HostileCase {
  const char* file;
  const char* message;
};

TEST_F(ImportTest, HostileFilesAreOneLineErrorsNamingTheFile) {
  const HostileCase cases[] = {
      {"truncated-wim.msu", "unreadable WIM"},
      {"truncated-cab.msu", "cannot extract"},
      {"not-an-msu.msu", "neither a WIM"},
      {"empty.msu", "too short"},
      {"dotdot-classic.msu", "climbs out of its folder"},
      {"dotdot-wim.msu", "climbs out of its folder"},
      {"huge-size.msu", "declares 4294967040 bytes, more than the 16 MiB"},
      {"huge-size-wim.msu", "declares 1000000000 bytes, more than the 64 MiB"},
      {"cab-loop.msu", "cabinets nested deeper than 3 levels"},
      {"billion-laughs.msu", "is not a version a.b.c.d"},
      {"deep-nesting.msu", "nested deeper than 64 levels"},
  };
  for (const HostileCase& hostile : cases) {
    const std::filesystem::path file = fixture_dir / "hostile" / hostile.file;
    const std::string error = import_error({file});
    EXPECT_EQ(error.rfind(file.string(), 0), 0u) << error;  // names the file first
    EXPECT_NE(error.find(hostile.message), std::string::npos) << hostile.file << ": " << error;
    EXPECT_TRUE(std::filesystem::is_empty(temp_parent_)) << hostile.file;
  }
}

TEST_F(ImportTest, ExtractionStopsAtItsLimit) {
  options_.limits.extract_bytes_max = 1024;
  const std::string error = import_error({fixture_dir / "kb5086672" / "windows11.0-kb5086672-x64.msu"});
  EXPECT_NE(error.find("would pass the extraction limit of 1 KiB"), std::string::npos) << error;
}

TEST_F(ImportTest, NestingStopsAtItsLimit) {
  options_.limits.cabinet_depth_max = 1;
  const std::string error = import_error({fixture_dir / "kb5086672" / "windows11.0-kb5086672-x64.msu"});
  EXPECT_NE(error.find("cabinets nested deeper than 1 levels"), std::string::npos) << error;
}

TEST_F(ImportTest, MissingFilesAndEmptyFolders) {
  EXPECT_NE(import_error({fixture_dir / "no-such.msu"}).find("no such file"), std::string::npos);
  const std::filesystem::path empty = temp_parent_ / "empty-folder";
  std::filesystem::create_directory(empty);
  EXPECT_NE(import_error({empty}).find("holds no .msu file"), std::string::npos);
  std::filesystem::remove(empty);
}

// ---- the scenario written ---------------------------------------------------------------

TEST_F(ImportTest, TheScenarioLoadsWithTheImportedCatalogAndOrder) {
  const ImportResult result = import_ok({fixture_dir / "kb5086672"});
  for (const model::TargetKind kind : {model::TargetKind::online, model::TargetKind::install_wim,
                                       model::TargetKind::boot_wim, model::TargetKind::winre_wim,
                                       model::TargetKind::media}) {
    import::ScenarioOptions options;
    options.target_kind = kind;
    const auto text = import::write_import_scenario(result, options);
    ASSERT_TRUE(text) << text.error();
    const auto loaded = scenario::load_scenario_text(*text, "imported.yaml");
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->catalog.size(), 2u);
    EXPECT_EQ(loaded->catalog[0].kind, model::PackageKind::checkpoint_cu);
    EXPECT_EQ(loaded->catalog[1].bundled_ssu, 8115u);
    ASSERT_EQ(loaded->targets.size(), 1u);
    EXPECT_EQ(loaded->targets[0].kind, kind);
    ASSERT_EQ(loaded->plan.steps.size(), 2u);
    EXPECT_EQ(loaded->plan.steps[0].text, "KB5043080");
    EXPECT_EQ(loaded->plan.steps[1].text, "KB5086672");
  }
}

TEST_F(ImportTest, TheStartingStateIsTheUsers) {
  const ImportResult result = import_ok({fixture_dir / "kb5086672"});
  import::ScenarioOptions options;
  options.target_kind = model::TargetKind::install_wim;
  options.ubr = 1742;
  options.ssu_version = 1738;
  options.fault_count_max = 0;
  const auto text = import::write_import_scenario(result, options);
  ASSERT_TRUE(text) << text.error();
  const auto loaded = scenario::load_scenario_text(*text, "imported.yaml");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->targets[0].build, 26100u);
  EXPECT_EQ(loaded->targets[0].ubr, 1742u);
  EXPECT_EQ(loaded->targets[0].ssu_version, 1738u);
  EXPECT_EQ(loaded->faults.max, 0);
  EXPECT_EQ(text->find("\nfaults:"), std::string::npos);
}

}  // namespace
