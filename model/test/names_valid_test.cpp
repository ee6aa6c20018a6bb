// The name rules (names_valid.hpp) and the UTF-8 helpers under them (utf8.hpp): every rule of a
// Windows file name with a name it refuses and its reason, the characters Windows allows that
// shells treat specially (accepted), the safe alphabet of ids and target names, identities, and
// free text. Reasons are compared in full where they are what a user reads.
#include <gtest/gtest.h>

#include <string>

#include "svcsim/model/names_valid.hpp"
#include "svcsim/model/utf8.hpp"

namespace svcsim::model {
namespace {

std::string reason(const Result<Ok, std::string>& checked) {
  return checked ? std::string("(accepted)") : checked.error();
}

TEST(Utf8, DecodesEachLengthAndRefusesMalformedSequences) {
  EXPECT_EQ(decode_utf8("a", 0).code_point, U'a');
  const Utf8Char e_acute = decode_utf8("\xC3\xA9", 0);
  EXPECT_TRUE(e_acute.valid);
  EXPECT_EQ(e_acute.code_point, U'\u00E9');
  EXPECT_EQ(e_acute.length, 2u);
  EXPECT_EQ(decode_utf8("\xE2\x80\xAE", 0).code_point, U'\u202E');
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98\x80", 0).code_point, U'\U0001F600');
  EXPECT_FALSE(decode_utf8("\xFF", 0).valid);
  EXPECT_FALSE(decode_utf8("\x80", 0).valid);          // a continuation byte alone
  EXPECT_FALSE(decode_utf8("\xC0\xAF", 0).valid);      // overlong '/'
  EXPECT_FALSE(decode_utf8("\xE0\x80\xAF", 0).valid);  // overlong '/'
  EXPECT_FALSE(decode_utf8("\xED\xA0\x80", 0).valid);  // a surrogate
  EXPECT_FALSE(decode_utf8("\xF4\x90\x80\x80", 0).valid);  // past U+10FFFF
  EXPECT_FALSE(decode_utf8("\xE2\x80", 0).valid);      // truncated
  EXPECT_EQ(decode_utf8("\xFF", 0).length, 1u);
  EXPECT_TRUE(is_valid_utf8("windows11.0-kb5086672-x64.msu"));
  EXPECT_FALSE(is_valid_utf8(std::string("ok\xC3", 3)));
  EXPECT_EQ(utf16_length("a\xF0\x9F\x98\x80"), 3u);
}

TEST(Utf8, UnsafeCodePointsAreControlsAndInvisibleFormatters) {
  for (const char32_t code_point : {U'\0', U'\n', U'\x1b', U'\x7f', U'\u0085', U'\u009b',
                                    U'\u200e', U'\u202e', U'\u2066', U'\u2028', U'\ufeff', U'\ufffe'}) {
    EXPECT_TRUE(is_unsafe_code_point(code_point)) << code_point_name(code_point);
  }
  for (const char32_t code_point : {U' ', U'a', U'~', U'\u00e9', U'\u2019', U'\u4e2d'}) {
    EXPECT_FALSE(is_unsafe_code_point(code_point)) << code_point_name(code_point);
  }
  EXPECT_EQ(code_point_name(U'\x1b'), "U+001B");
}

TEST(FileName, RealPackageNamesAndShellSpecialCharactersAreAccepted) {
  for (const std::string name :
       {"windows11.0-kb5086672-x64.msu", "windows10.0-kb5012170-x64_4f8a.cab",
        "50% off & (final).msu", "a;b^c$d'e.msu", "with space.msu", " leading-space.msu",
        "caf\xC3\xA9.msu", "kb1\xE2\x80\x99s.msu", "CONSOLE.msu", "COM10.msu", "NULL.msu",
        "x.con"}) {
    EXPECT_EQ(reason(check_file_name(name)), "(accepted)") << name;
  }
  EXPECT_TRUE(check_file_name(std::string(255, 'a')));
}

TEST(FileName, PathsAndTraversalAreRefused) {
  EXPECT_EQ(reason(check_file_name("..\\kb1.msu")),
            "it contains '\\', a path separator; give the file's name alone (it is looked up in "
            "the package folder)");
  EXPECT_EQ(reason(check_file_name("sub/kb1.msu")),
            "it contains '/', a path separator; give the file's name alone (it is looked up in "
            "the package folder)");
  EXPECT_EQ(reason(check_file_name("..")), "it contains '..', a parent-folder reference");
  EXPECT_EQ(reason(check_file_name("kb..msu")), "it contains '..', a parent-folder reference");
  EXPECT_EQ(reason(check_file_name("C:kb1.msu")),
            "it contains ':', which Windows does not allow in a file name (none of < > : \" / \\ "
            "| ? * is allowed)");
}

TEST(FileName, EveryCharacterWindowsRefusesIsRefused) {
  for (const char character : std::string("<>:\"|?*")) {
    const std::string name = std::string("kb") + character + "1.msu";
    EXPECT_FALSE(check_file_name(name)) << name;
  }
  for (int byte = 1; byte < 0x20; ++byte) {
    const std::string name = std::string("kb") + static_cast<char>(byte) + "1.msu";
    EXPECT_FALSE(check_file_name(name)) << byte;
  }
  EXPECT_EQ(reason(check_file_name(std::string("kb1.msu\0.exe", 12))),
            "it contains U+0000, a control or invisible character");
  EXPECT_EQ(reason(check_file_name("kb1.msu\n& shutdown /r")),
            "it contains U+000A, a control or invisible character");
  EXPECT_EQ(reason(check_file_name("kb1\xE2\x80\xAEusm.exe")),
            "it contains U+202E, a control or invisible character");
  EXPECT_EQ(reason(check_file_name("kb1\xC2\x9B" "31m.msu")),
            "it contains U+009B, a control or invisible character");
  EXPECT_EQ(reason(check_file_name("kb1\xFF.msu")), "it is not valid UTF-8 text");
}

TEST(FileName, ReservedDeviceNamesWithOrWithoutExtension) {
  for (const std::string name : {"CON", "con", "PRN.msu", "aux.cab", "NUL.tar.gz", "COM1",
                                 "com9.msu", "LPT1.msu", "lpt0", "COM\xC2\xB9.msu", "CONIN$",
                                 "nul .msu"}) {
    EXPECT_FALSE(check_file_name(name)) << name;
  }
  EXPECT_EQ(reason(check_file_name("nul.msu")),
            "'nul' is a reserved device name in Windows (with or without an extension)");
}

TEST(FileName, TrailingDotOrSpaceEmptyAndTooLong) {
  EXPECT_EQ(reason(check_file_name("kb1.msu.")), "it ends with a dot, which Windows drops from a file name");
  EXPECT_EQ(reason(check_file_name("kb1.msu ")),
            "it ends with a space, which Windows drops from a file name");
  EXPECT_EQ(reason(check_file_name("")), "it is empty");
  EXPECT_EQ(reason(check_file_name(std::string(256, 'a'))),
            "it is 256 characters long; Windows allows at most 255");
  // Windows counts UTF-16 units: 128 emoji are 256 of them.
  std::string emoji;
  for (int count = 0; count < 128; ++count) emoji += "\xF0\x9F\x98\x80";
  EXPECT_FALSE(check_file_name(emoji));
}

TEST(Identifier, SafeAlphabetStartingWithLetterOrDigit) {
  for (const std::string name : {"KB5086672", "install.wim", "SAFEOS-2026-03", "DOTNET_2026_03",
                                 "boot.wim", "7"}) {
    EXPECT_EQ(reason(check_identifier(name)), "(accepted)") << name;
  }
  EXPECT_EQ(reason(check_identifier("a b")),
            "it may hold only letters, digits, '_', '.' and '-' (found a space)");
  EXPECT_EQ(reason(check_identifier("KB1&calc")),
            "it may hold only letters, digits, '_', '.' and '-' (found '&')");
  EXPECT_EQ(reason(check_identifier("KB\x1b[31m")),
            "it may hold only letters, digits, '_', '.' and '-' (found U+001B)");
  EXPECT_EQ(reason(check_identifier("caf\xC3\xA9")),
            "it may hold only letters, digits, '_', '.' and '-' (found '\xC3\xA9' (U+00E9))");
  EXPECT_EQ(reason(check_identifier("-KB1")), "it must start with a letter or a digit, not '-'");
  EXPECT_EQ(reason(check_identifier("")), "it is empty");
  EXPECT_EQ(reason(check_identifier(std::string(65, 'a'))),
            "it is 65 characters long; at most 64 are allowed");
  for (const std::string name : {"install:KB1", "method1(KB1)", "KB1,KB2", "a/b", "a\\b"}) {
    EXPECT_FALSE(check_identifier(name)) << name;
  }
}

TEST(Identity, CbsCharacterSetWithTilde) {
  EXPECT_TRUE(check_identity("Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9"));
  EXPECT_TRUE(check_identity(
      "Microsoft-Windows-Client-LanguagePack-Package~31bf3856ad364e35~amd64~de-DE~10.0.26100.1"));
  EXPECT_EQ(reason(check_identity("Package_for_KB1 /Online")),
            "it may hold only letters, digits, '_', '.', '-' and '~' (found a space)");
  EXPECT_FALSE(check_identity("~31bf3856ad364e35~amd64~~1.0.0.0"));
  EXPECT_FALSE(check_identity(std::string(256, 'a')));
}

TEST(Text, NamesFitOneLineSourcesMaySpanLines) {
  EXPECT_TRUE(check_text("KB5086672 on a 24H2 device", TextLines::one, 256));
  EXPECT_TRUE(check_text("caf\xC3\xA9 \xE2\x80\x99quoted\xE2\x80\x99 & <b>", TextLines::one, 256));
  EXPECT_EQ(reason(check_text("a\nb", TextLines::one, 256)),
            "it contains a line break; it must fit on one line");
  EXPECT_TRUE(check_text("a\nb", TextLines::many, 256));
  EXPECT_EQ(reason(check_text("a\r\nb", TextLines::many, 256)),
            "it contains U+000D, a control or invisible character");
  EXPECT_EQ(reason(check_text("a\tb", TextLines::many, 256)),
            "it contains U+0009, a control or invisible character");
  EXPECT_EQ(reason(check_text("red \x1b[31m", TextLines::one, 256)),
            "it contains U+001B, a control or invisible character");
  EXPECT_EQ(reason(check_text("\xFF", TextLines::one, 256)), "it is not valid UTF-8 text");
  EXPECT_EQ(reason(check_text(std::string(300, 'a'), TextLines::one, 256)),
            "it is 300 bytes long; at most 256 are allowed");
}

}  // namespace
}  // namespace svcsim::model
