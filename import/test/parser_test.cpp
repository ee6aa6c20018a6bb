// The four metadata parsers on small documents written here: what each reads, and that every
// malformed or hostile document (XML bombs, external entities, deep nesting, bad encodings) is
// one error sentence rather than a crash, an expansion or a file read.
#include <gtest/gtest.h>

#include <string>

#include "svcsim/import/compdb.hpp"
#include "svcsim/import/metadata.hpp"
#include "svcsim/import/pkg_properties.hpp"
#include "svcsim/import/unattend.hpp"
#include "svcsim/import/update_mum.hpp"

namespace {

using namespace svcsim::import;

constexpr const char* compdb_text = R"(<?xml version="1.0" encoding="utf-8"?>
<CompDB OSVersion="10.0.26100.1742" TargetOSVersion="10.0.26100.8117" BuildArch="amd64"
        TargetBuildInfo="ge_release_svc_prod1.26100.8117.260327-1700" Type="BuildUpdate"
        xmlns="http://schemas.microsoft.com/embedded/2004/10/ImageUpdate">
  <Features>
    <Feature FeatureID="CumulativeUpdate_KB5086672" Type="CumulativeUpdate">
      <Packages><Package ID="Package_for_RollupFix~~amd64~~26100.8117.1.9"/></Packages>
    </Feature>
  </Features>
  <Packages><Package ID="Package_for_RollupFix~~amd64~~26100.8117.1.9"/></Packages>
</CompDB>)";

void expect_one_line(const std::string& error) {
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

// ---- versions, identities, KB ids ---------------------------------------------------------

TEST(FourPartVersion, ParsesFourDecimalParts) {
  const auto version = parse_four_part_version("10.0.26100.1742");
  ASSERT_TRUE(version);
  EXPECT_EQ(version->major(), 10u);
  EXPECT_EQ(version->build(), 26100u);
  EXPECT_EQ(version->revision(), 1742u);
}

TEST(FourPartVersion, RefusesAnythingElse) {
  for (const char* text : {"", "10.0.26100", "10.0.26100.1742.1", "10..26100.1", "10.0.26100.70000",
                           "10.0.26100.-1", " 10.0.26100.1", "10.0.26100.1 ", "10.0.26100.1x",
                           "10.0.26100.000001", "&lol9;"}) {
    EXPECT_FALSE(parse_four_part_version(text)) << text;
  }
}

TEST(AssemblyIdentity, NeutralLanguageIsEmptyInTheCbsIdentity) {
  const AssemblyIdentity identity{"Package_for_RollupFix", "26100.8117.1.9", "amd64", "neutral",
                                  "31bf3856ad364e35"};
  EXPECT_EQ(cbs_identity(identity),
            "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9");
  AssemblyIdentity localised = identity;
  localised.language = "en-US";
  EXPECT_EQ(cbs_identity(localised),
            "Package_for_RollupFix~31bf3856ad364e35~amd64~en-US~26100.8117.1.9");
}

TEST(KbId, FromNumberAndText) {
  EXPECT_EQ(kb_id_from_number("5086672"), "KB5086672");
  EXPECT_EQ(kb_id_from_text("kb5086672"), "KB5086672");
  EXPECT_FALSE(kb_id_from_number(""));
  EXPECT_FALSE(kb_id_from_number("50866x2"));
  EXPECT_FALSE(kb_id_from_number("12345678901"));
  EXPECT_FALSE(kb_id_from_text("5086672"));
  EXPECT_FALSE(kb_id_from_text("KB"));
}

// ---- CompDB -------------------------------------------------------------------------------

TEST(CompDb, ReadsTheAttributesTheImporterUses) {
  const auto compdb = parse_compdb(compdb_text);
  ASSERT_TRUE(compdb) << compdb.error();
  EXPECT_EQ(compdb->type, "BuildUpdate");
  EXPECT_EQ(compdb->os_version, "10.0.26100.1742");
  EXPECT_EQ(compdb->target_os_version, "10.0.26100.8117");
  EXPECT_EQ(compdb->target_build_info, "ge_release_svc_prod1.26100.8117.260327-1700");
  EXPECT_EQ(compdb->build_arch, "amd64");
  ASSERT_EQ(compdb->features.size(), 1u);
  EXPECT_EQ(compdb->features[0].type, "CumulativeUpdate");
  EXPECT_EQ(compdb->features[0].feature_id, "CumulativeUpdate_KB5086672");
  ASSERT_EQ(compdb->features[0].package_ids.size(), 1u);
  EXPECT_EQ(compdb->features[0].package_ids[0], "Package_for_RollupFix~~amd64~~26100.8117.1.9");
  EXPECT_EQ(compdb->package_ids.size(), 1u);
}

TEST(CompDb, NamespacePrefixesResolve) {
  const auto compdb = parse_compdb(
      R"(<c:CompDB xmlns:c="http://schemas.microsoft.com/embedded/2004/10/ImageUpdate" Type="BuildUpdate">
           <c:Features><c:Feature FeatureID="F_KB1" Type="CumulativeUpdate"/></c:Features>
           <Features xmlns="urn:other"><Feature FeatureID="not-this-one"/></Features>
         </c:CompDB>)");
  ASSERT_TRUE(compdb) << compdb.error();
  ASSERT_EQ(compdb->features.size(), 1u);
  EXPECT_EQ(compdb->features[0].feature_id, "F_KB1");
}

TEST(CompDb, RefusesOtherDocuments) {
  for (const char* text :
       {"", "not xml", "<CompDB/>", "<CompDB xmlns=\"urn:wrong\"/>",
        "<unattend xmlns=\"http://schemas.microsoft.com/embedded/2004/10/ImageUpdate\"/>",
        "<CompDB xmlns=\"http://schemas.microsoft.com/embedded/2004/10/ImageUpdate\">"}) {
    const auto compdb = parse_compdb(text);
    ASSERT_FALSE(compdb) << text;
    expect_one_line(compdb.error());
  }
}

TEST(CompDb, BillionLaughsStaysUnexpanded) {
  std::string text = "<?xml version=\"1.0\"?>\n<!DOCTYPE CompDB [\n  <!ENTITY lol \"lol\">\n";
  std::string previous = "lol";
  for (int level = 1; level <= 9; ++level) {
    std::string value;
    for (int copy = 0; copy < 10; ++copy) value += "&" + previous + ";";
    text += "  <!ENTITY lol" + std::to_string(level) + " \"" + value + "\">\n";
    previous = "lol" + std::to_string(level);
  }
  text += "]>\n<CompDB xmlns=\"http://schemas.microsoft.com/embedded/2004/10/ImageUpdate\" "
          "OSVersion=\"&lol9;\" Type=\"BuildUpdate\"/>";
  const auto compdb = parse_compdb(text);
  ASSERT_TRUE(compdb) << compdb.error();
  // pugixml declares no entities from a DOCTYPE: the reference stays as written.
  EXPECT_EQ(compdb->os_version, "&lol9;");
  EXPECT_FALSE(parse_four_part_version(compdb->os_version));
}

TEST(CompDb, ExternalEntitiesAreNeverLoaded) {
  const auto compdb = parse_compdb(
      "<!DOCTYPE CompDB [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
      "<CompDB xmlns=\"http://schemas.microsoft.com/embedded/2004/10/ImageUpdate\" "
      "TargetOSVersion=\"&secret;\"/>");
  ASSERT_TRUE(compdb) << compdb.error();
  EXPECT_EQ(compdb->target_os_version, "&secret;");
}

TEST(CompDb, DeepNestingIsRefused) {
  std::string text = "<CompDB xmlns=\"http://schemas.microsoft.com/embedded/2004/10/ImageUpdate\">";
  for (int level = 0; level < 100000; ++level) text += "<a>";
  for (int level = 0; level < 100000; ++level) text += "</a>";
  text += "</CompDB>";
  const auto compdb = parse_compdb(text);
  ASSERT_FALSE(compdb);
  EXPECT_NE(compdb.error().find("nested deeper than"), std::string::npos) << compdb.error();
}

TEST(CompDb, OversizedInputIsRefusedBeforeParsing) {
  const std::string text(metadata_bytes_max + 1, ' ');
  const auto compdb = parse_compdb(text);
  ASSERT_FALSE(compdb);
  EXPECT_NE(compdb.error().find("more than the 16 MiB"), std::string::npos) << compdb.error();
}

TEST(CompDb, Utf16WithByteOrderMark) {
  const std::string utf8 = compdb_text;
  std::string utf16 = "\xFF\xFE";
  // The document is ASCII: each character becomes itself and a zero byte.
  for (char character : utf8) {
    utf16 += character;
    utf16 += '\0';
  }
  const auto compdb = parse_compdb(utf16);
  ASSERT_TRUE(compdb) << compdb.error();
  EXPECT_EQ(compdb->target_os_version, "10.0.26100.8117");
}

// ---- pkgProperties.txt --------------------------------------------------------------------

std::string utf16le(const std::string& ascii, bool byte_order_mark) {
  std::string out = byte_order_mark ? "\xFF\xFE" : "";
  for (char character : ascii) {
    out += character;
    out += '\0';
  }
  return out;
}

constexpr const char* properties_text =
    "Applicability Info=\"Windows 10 Version 22H2;\"\r\n"
    "Installation Type=\"FULL\"\r\n"
    "KB Article Number=\"5035845\"\r\n"
    "Package Type=\"Update\"\r\n"
    "\r\n"
    "Support Link=\"https://support.microsoft.com/help/5035845\"\r\n";

TEST(PkgProperties, ReadsUtf16LittleEndianWithAndWithoutByteOrderMark) {
  for (const bool mark : {true, false}) {
    const auto properties = parse_pkg_properties(utf16le(properties_text, mark));
    ASSERT_TRUE(properties) << properties.error();
    ASSERT_EQ(properties->entries.size(), 5u);
    EXPECT_EQ(properties->find("KB Article Number"), "5035845");
    EXPECT_EQ(properties->find("Applicability Info"), "Windows 10 Version 22H2;");
    EXPECT_EQ(properties->find("Installation Type"), "FULL");
    EXPECT_EQ(properties->find("Package Type"), "Update");
  }
}

TEST(PkgProperties, ReadsUtf8AndUtf16BigEndian) {
  const auto utf8 = parse_pkg_properties(std::string("\xEF\xBB\xBF") + properties_text);
  ASSERT_TRUE(utf8) << utf8.error();
  EXPECT_EQ(utf8->find("KB Article Number"), "5035845");
  std::string big_endian = "\xFE\xFF";
  for (const char character : std::string(properties_text)) {
    big_endian += '\0';
    big_endian += character;
  }
  const auto utf16be = parse_pkg_properties(big_endian);
  ASSERT_TRUE(utf16be) << utf16be.error();
  EXPECT_EQ(utf16be->find("KB Article Number"), "5035845");
}

TEST(PkgProperties, KeysCompareWithoutCaseOrSpaces) {
  const auto properties = parse_pkg_properties("ApplicabilityInfo=\"Windows Vista SP1;\"\n"
                                               "Applies to=\"Windows 6.0\"\n");
  ASSERT_TRUE(properties) << properties.error();
  EXPECT_EQ(properties->find("Applicability Info"), "Windows Vista SP1;");
  EXPECT_EQ(properties->find("Applies To"), "Windows 6.0");
  EXPECT_FALSE(properties->find("KB Article Number"));
}

TEST(PkgProperties, ValuesMayHoldQuotes) {
  const auto properties = parse_pkg_properties("Product Name=\"Windows \"10\"\"\n");
  ASSERT_TRUE(properties) << properties.error();
  EXPECT_EQ(properties->find("Product Name"), "Windows \"10\"");
}

TEST(PkgProperties, RefusesMalformedFiles) {
  for (const std::string& bytes :
       {std::string("no equals sign\n"), std::string("=\"value\"\n"), std::string("Key=\"open\n"),
        std::string("A=\"1\"\na=\"2\"\n"), std::string("\xFF\xFE" "A\0=", 5),
        std::string("\xFF\xFE\x00\xD8", 4), std::string("A=\"\0\"", 5)}) {
    const auto properties = parse_pkg_properties(bytes);
    ASSERT_FALSE(properties) << bytes;
    expect_one_line(properties.error());
  }
}

TEST(PkgProperties, AHostileLineIsQuotedPrintably) {
  const auto properties = parse_pkg_properties("bad\x1b[2Jline\r\n");
  ASSERT_FALSE(properties);
  EXPECT_EQ(properties.error().find('\x1b'), std::string::npos) << properties.error();
}

// ---- unattend -----------------------------------------------------------------------------

constexpr const char* unattend_text = R"(<?xml version="1.0" encoding="utf-8"?>
<unattend xmlns="urn:schemas-microsoft-com:unattend">
  <servicing>
    <package action="install">
      <assemblyIdentity name="Package_for_RollupFix" version="19041.4170.1.11"
          processorArchitecture="amd64" language="neutral" publicKeyToken="31bf3856ad364e35"/>
      <source location="%configsetroot%\Windows10.0-KB5035845-x64.cab"/>
    </package>
  </servicing>
</unattend>)";

TEST(Unattend, ReadsThePackageIdentityAndSource) {
  const auto unattend = parse_unattend(unattend_text);
  ASSERT_TRUE(unattend) << unattend.error();
  ASSERT_EQ(unattend->packages.size(), 1u);
  const UnattendPackage& package = unattend->packages[0];
  EXPECT_EQ(package.action, "install");
  EXPECT_EQ(package.identity.name, "Package_for_RollupFix");
  EXPECT_EQ(package.identity.version, "19041.4170.1.11");
  EXPECT_EQ(package.identity.processor_architecture, "amd64");
  EXPECT_EQ(package.identity.language, "neutral");
  EXPECT_EQ(package.identity.public_key_token, "31bf3856ad364e35");
  EXPECT_EQ(package.source_location, "%configsetroot%\\Windows10.0-KB5035845-x64.cab");
  EXPECT_TRUE(looks_like_unattend(unattend_text));
  EXPECT_FALSE(looks_like_unattend(compdb_text));
}

TEST(Unattend, APackageWithoutIdentityIsAnError) {
  const auto unattend = parse_unattend(
      "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\"><servicing><package/></servicing>"
      "</unattend>");
  ASSERT_FALSE(unattend);
  expect_one_line(unattend.error());
}

// ---- update.mum ---------------------------------------------------------------------------

constexpr const char* mum_text = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0">
  <assemblyIdentity name="Package_for_ServicingStack_4163" version="19041.4163.1.0"
      processorArchitecture="amd64" language="neutral" publicKeyToken="31bf3856ad364e35"/>
  <package identifier="KB5035845" releaseType="Security Update" restart="possible"
      selfUpdate="true" permanence="permanent">
    <parent revisionCompare="GE">
      <assemblyIdentity name="Microsoft-Windows-ServicingStack" version="10.0.19041.1"/>
    </parent>
    <parent revisionCompare="EQ">
      <assemblyIdentity name="Not-A-Baseline" version="10.0.19041.99"/>
    </parent>
  </package>
</assembly>)";

TEST(UpdateMum, ReadsIdentityPackageAttributesAndAtLeastParents) {
  const auto mum = parse_update_mum(mum_text);
  ASSERT_TRUE(mum) << mum.error();
  EXPECT_EQ(mum->identity.name, "Package_for_ServicingStack_4163");
  EXPECT_EQ(mum->identity.version, "19041.4163.1.0");
  EXPECT_EQ(mum->package_identifier, "KB5035845");
  EXPECT_EQ(mum->release_type, "Security Update");
  EXPECT_EQ(mum->restart, "possible");
  EXPECT_EQ(mum->permanence, "permanent");
  ASSERT_EQ(mum->parents_at_least.size(), 1u);
  EXPECT_EQ(mum->parents_at_least[0].version, "10.0.19041.1");
}

TEST(UpdateMum, RefusesOtherShapes) {
  for (const char* text :
       {"<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\"/>",
        "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v3\"><assemblyIdentity name=\"x\"/>"
        "<package/><package/></assembly>",
        "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\"><assemblyIdentity/><package/></assembly>"}) {
    const auto mum = parse_update_mum(text);
    ASSERT_FALSE(mum) << text;
    expect_one_line(mum.error());
  }
}

}  // namespace
