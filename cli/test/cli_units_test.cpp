// Unit tests of the CLI's own pieces: the escaping of each output format (text_escape.hpp) on
// the characters that matter, the limit parser (limits.hpp) on every refused form, and
// --fail-on's parser (fail_on.hpp).
#include <gtest/gtest.h>

#include "fail_on.hpp"
#include "limits.hpp"
#include "text_escape.hpp"

namespace svcsim::cli {
namespace {

TEST(Escape, VisibleShowsEveryNonPrintingCharacter) {
  EXPECT_EQ(visible("KB1\x1b[31m"), "KB1\\x1b[31m");
  EXPECT_EQ(visible("a\nb\r\tc"), "a\\nb\\r\\tc");
  EXPECT_EQ(visible(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(visible("\x7f"), "\\x7f");
  EXPECT_EQ(visible("\xC2\x9B" "31m"), "\\u009b31m");
  EXPECT_EQ(visible("kb1\xE2\x80\xAEusm.exe"), "kb1\\u202eusm.exe");
  EXPECT_EQ(visible("\xFF"), "\\xff");
  // Printable text, backslashes and non-ASCII letters stay as they are.
  EXPECT_EQ(visible(R"(C:\Packages\caf)" "\xC3\xA9.msu"), R"(C:\Packages\caf)" "\xC3\xA9.msu");
  EXPECT_EQ(visible_lines("one\ntwo\x1b"), "one\ntwo\\x1b");
}

TEST(Escape, XmlEscapesMarkupAndShowsWhatXmlCannotCarry) {
  EXPECT_EQ(xml_text("a<b>&c\"d'\n\te"), "a&lt;b&gt;&amp;c\"d'\n\te");
  EXPECT_EQ(xml_attribute("a<b>&c\"d'\n"), "a&lt;b&gt;&amp;c&quot;d&apos;\\n");
  EXPECT_EQ(xml_text("\x1b\x01"), "\\x1b\\x01");
  EXPECT_EQ(xml_text("\xEF\xBF\xBE"), "\\ufffe");
}

TEST(Escape, DotEscapesQuotesBackslashesAndBreaksLines) {
  EXPECT_EQ(dot_quoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(dot_quoted(R"(C:\x)"), R"("C:\\x")");
  EXPECT_EQ(dot_quoted("UBR 1\npending KB1"), R"("UBR 1\npending KB1")");
  // Graphviz reads \r and \l as line breaks too: a carriage return shows its backslash.
  EXPECT_EQ(dot_quoted("a\rb"), R"("a\\rb")");
}

TEST(Escape, JsonReplacesBytesThatAreNotUtf8) {
  nlohmann::ordered_json document;
  document["path"] = "a\xFFz";
  EXPECT_EQ(json_text(document), "{\n  \"path\": \"a\xEF\xBF\xBDz\"\n}");
}

TEST(Limits, WholeNumbersFromOneOrUnlimited) {
  EXPECT_EQ(parse_limit("300", 1000).value(), std::optional<std::uint64_t>(300));
  EXPECT_EQ(parse_limit("unlimited", 1000).value(), std::nullopt);
  EXPECT_EQ(parse_limit("18446744073709551615", ~std::uint64_t{0}).value(),
            std::optional<std::uint64_t>(~std::uint64_t{0}));
}

TEST(Limits, ZeroNegativeEmptyAndTooLargeAreRefused) {
  EXPECT_EQ(parse_limit("0", 1000).error(),
            "must be a whole number from 1 to 1000 or 'unlimited', not 0 (0 does not mean "
            "unlimited: say 'unlimited')");
  EXPECT_EQ(parse_limit("-1", 1000).error(),
            "must be a whole number from 1 to 1000 or 'unlimited', not '-1'");
  EXPECT_EQ(parse_limit("", 1000).error(),
            "must be a whole number from 1 to 1000 or 'unlimited', not empty");
  EXPECT_EQ(parse_limit("1001", 1000).error(),
            "must be a whole number from 1 to 1000 or 'unlimited', not '1001' (too large)");
  EXPECT_FALSE(parse_limit("18446744073709551616", ~std::uint64_t{0}));
  EXPECT_FALSE(parse_limit("1e9", 1000));
  EXPECT_FALSE(parse_limit(" 5", 1000));
  EXPECT_FALSE(parse_limit("Unlimited", 1000));
}

TEST(Limits, TheMachineIsRead) {
  EXPECT_GT(physical_memory_bytes(), 0u);
  EXPECT_EQ(default_memory_bytes_max(), physical_memory_bytes() / 2);
  EXPECT_GT(resident_set_bytes(), 0u);
  EXPECT_EQ(memory_text(300u << 20), "300 MiB");
  EXPECT_EQ(memory_text(std::uint64_t{12} << 30), "12.0 GiB");
}

TEST(FailOn, ClassListsNoneAndMistakes) {
  EXPECT_EQ(parse_fail_on("stuck,false_success").value(),
            (std::vector{model::OutcomeClass::false_success, model::OutcomeClass::stuck}));
  EXPECT_TRUE(parse_fail_on("none").value().empty());
  EXPECT_EQ(parse_fail_on(" drift , stuck ").value().size(), 2u);
  EXPECT_EQ(parse_fail_on("bogus").error(),
            "unknown outcome class 'bogus' (expected one of: success, clean_failure, "
            "false_success, regressed, drift, stuck, or none)");
  EXPECT_EQ(parse_fail_on("stuck,stuck").error(), "class 'stuck' is listed twice");
  EXPECT_FALSE(parse_fail_on(""));
  EXPECT_FALSE(parse_fail_on("stuck,"));
  EXPECT_FALSE(parse_fail_on("none,stuck"));
}

}  // namespace
}  // namespace svcsim::cli
