// Properties of every output format against hostile names (issue 8): any string the scenario
// loader accepts, in any name it can hold (scenario name, source, package file, identity, id,
// target name), renders to valid JUnit XML (parsed back by pugixml), valid DOT (parsed back by a
// small checker of the DOT that svcsim writes), valid JSON (parsed back by nlohmann-json) and
// text whose every value stays on its line with no control or invisible character; and every
// command line it prints reads back, in the shell it is meant for, as exactly the arguments
// intended. Strings are drawn from pieces that shells, XML, DOT, terminals and Windows treat
// specially, and go through the real loader as YAML double-quoted scalars, so the gate is the
// loader itself. A second group holds the escaping functions to the same laws on any bytes.
#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "explore_output.hpp"
#include "shell_models.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/model/utf8.hpp"
#include "svcsim/scenario/loader.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/sequence.hpp"
#include "text_escape.hpp"
#include "trace_output.hpp"

namespace svcsim::cli {
namespace {

// ---- hostile strings ---------------------------------------------------------------------

/// Pieces that some consumer of svcsim's output reads specially.
const std::vector<std::string>& hostile_pieces() {
  static const std::vector<std::string> pieces = {
      "KB", "a", "Z", "9", "_", ".", "-", " ", "&", ";", "%", "%PATH%", "^", "$", "$(calc)", "'",
      "(", ")", "<", ">", ":", "\"", "/", "\\", "|", "?", "*", "!", "`", "#", "~", "{", "}",
      "[", "]", ",", "=", "@", "..", "CON", "nul", ".msu", "&amp;", "]]>", "\\n", "\\\"", "--",
      "\n", "\r", "\t", "\x1b[31m", "\x7f", std::string(1, '\0'), "\xC3\xA9", "\xE2\x80\x99",
      "\xE2\x80\x98", "\xE2\x80\xAE", "\xC2\x85", "\xC2\x9B", "\xE2\x80\xA8", "\xEF\xBF\xBE",
      "\xEF\xBB\xBF", "\xFF", "\xC0\xAF", "\xF0\x9F\x98\x80", "shutdown /r", "step 9  reboot"};
  return pieces;
}

rc::Gen<std::string> hostile_string() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                          rc::gen::elementOf(hostile_pieces())),
                      [](const std::vector<std::string>& parts) {
                        std::string text;
                        for (const std::string& part : parts) text += part;
                        return text;
                      });
}

/// Mostly the printable pieces: strings the loader accepts more often, so the property below
/// checks renderings in most of its cases, not only refusals.
rc::Gen<std::string> mostly_printable_string() {
  std::vector<std::string> printable;
  for (const std::string& piece : hostile_pieces()) {
    if (model::is_valid_utf8(piece) &&
        std::none_of(piece.begin(), piece.end(), [](char character) {
          return static_cast<unsigned char>(character) < 0x20;
        })) {
      printable.push_back(piece);
    }
  }
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(printable)),
                      [](const std::vector<std::string>& parts) {
                        std::string text;
                        for (const std::string& part : parts) text += part;
                        return text;
                      });
}

enum class Field { name, source, file, identity, id, target };
constexpr std::array all_fields = {Field::name,     Field::source, Field::file,
                                   Field::identity, Field::id,     Field::target};

void showValue(Field field, std::ostream& out) {
  constexpr std::array names = {"name", "source", "file", "identity", "id", "target"};
  out << names[static_cast<std::size_t>(field)];
}

/// A small scenario (two packages, one online target, one fault kind) with `value` in `field`,
/// as the YAML text a user could write.
std::string scenario_yaml(Field field, const std::string& value) {
  const auto pick = [&](Field which, const std::string& usual) {
    return field == which ? test_support::yaml_double_quoted(value) : usual;
  };
  const std::string id = pick(Field::id, "KB5043080");
  return "name: " + pick(Field::name, "a scenario") + "\n" +
         "source: " + pick(Field::source, "a source") + "\n" +
         "packages:\n"
         "  - {id: " + id + ", kind: checkpoint_cu, revision: 1742, file: " +
         pick(Field::file, "kb5043080.msu") + "}\n" +
         "  - {id: KB5086672, kind: cu, revision: 8117, baseline: 1742, identity: " +
         pick(Field::identity, "Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.8117.1.9") +
         "}\n" +
         "targets: [{name: " + pick(Field::target, "device") +
         ", kind: online, build: 26100, ubr: 1, ssu_version: 1}]\n" +
         "plan: {steps: [" + id + ", KB5086672]}\n" +
         "faults: {max: 1, kinds: [startup_failure, execute_failure]}\n";
}

/// The loaded scenario, if the loader accepts `value` in `field`.
std::optional<scenario::Scenario> load_with(Field field, const std::string& value) {
  auto loaded = scenario::load_scenario_text(scenario_yaml(field, value), "t.yaml");
  if (!loaded) return std::nullopt;
  return std::move(loaded).value();
}

// ---- renderings --------------------------------------------------------------------------

struct Rendered {
  std::string run_text;
  std::string run_json;
  std::string explore_text;
  std::string explore_json;
  std::string junit;
  std::string dot;
  RunReport run;
  simulator::ExploreResult explored;
};

Rendered render(const scenario::Scenario& scenario) {
  Rendered rendered;
  RunReport& run = rendered.run;
  run.scenario = &scenario;
  run.order = simulator::documented_order(scenario);
  run.is_documented_order = true;
  run.fail_on.classes = scenario::default_fail_on(scenario);
  run.reproduce = simulator::reproduce_command(scenario, run.order, {});
  run.result = simulator::run_sequence(scenario, run.order, {},
                                       simulator::expected_end_state(scenario));
  run.expectations = scenario::check_run(
      scenario, simulator::run_facts(scenario, run.order, false, run.result),
      run.expectations_note);
  std::ostringstream run_text;
  write_text_trace(run_text, run);
  rendered.run_text = run_text.str();
  std::ostringstream run_json;
  write_json_trace(run_json, run);
  rendered.run_json = run_json.str();

  simulator::ExploreOptions options;
  options.graph_state_max = 5000;
  ExploreReport report;
  report.scenario = &scenario;
  report.result = simulator::explore(scenario, options);
  report.expectations = scenario::check_explore(scenario, simulator::explore_facts(report.result));
  report.fail_on.classes = scenario::default_fail_on(scenario);
  report.timing = false;
  std::ostringstream explore_text;
  write_explore_text(explore_text, report);
  rendered.explore_text = explore_text.str();
  std::ostringstream explore_json;
  write_explore_json(explore_json, report);
  rendered.explore_json = explore_json.str();
  std::ostringstream junit;
  write_explore_junit(junit, report);
  rendered.junit = junit.str();
  std::ostringstream dot;
  write_explore_dot(dot, report);
  rendered.dot = dot.str();
  rendered.explored = std::move(report.result);
  return rendered;
}

/// Why `text` is not clean output text: a byte that is not UTF-8, or a control or invisible
/// character other than the line feeds between lines. Empty when it is clean.
std::string unclean(const std::string& text) {
  for (std::size_t offset = 0; offset < text.size();) {
    const model::Utf8Char character = model::decode_utf8(text, offset);
    if (!character.valid) return "a byte that is not UTF-8 at " + std::to_string(offset);
    if (character.code_point != '\n' && model::is_unsafe_code_point(character.code_point)) {
      return model::code_point_name(character.code_point) + " at " + std::to_string(offset);
    }
    offset += character.length;
  }
  return {};
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---- a checker of the DOT svcsim writes --------------------------------------------------

/// What a DOT document says, as far as these tests read it: the graph's label and every node's
/// and edge's label, decoded (\" and \\ unescaped, \n as a line feed).
struct DotDocument {
  std::string graph_label;
  std::vector<std::string> labels;
};

/// Parses the DOT grammar subset Boost's write_graphviz and svcsim write: `digraph ID { stmt* }`
/// with statements `ID = ID ;`, `ID [attrs] ;` and `ID -> ID [attrs] ;`, attributes `ID = ID`
/// separated by commas, IDs bare (letters, digits, _) or double-quoted; // comments. Returns the
/// reason on anything else.
class DotChecker {
 public:
  explicit DotChecker(std::string_view text) : text_(text) {}

  std::optional<DotDocument> parse(std::string& why) {
    DotDocument document;
    if (!word("digraph") || !identifier() || !punctuation("{")) return fail(why, "no 'digraph G {'");
    while (!punctuation("}")) {
      if (at_end()) return fail(why, "no closing '}'");
      std::string first;
      if (!identifier(&first)) return fail(why, "a statement does not start with an ID");
      if (punctuation("=")) {
        std::string value;
        if (!identifier(&value)) return fail(why, "a graph attribute without a value");
        if (first == "label") document.graph_label = value;
      } else {
        if (punctuation("->") && !identifier()) return fail(why, "an edge without a head");
        if (punctuation("[")) {
          while (!punctuation("]")) {
            std::string name;
            std::string value;
            if (!identifier(&name) || !punctuation("=") || !identifier(&value)) {
              return fail(why, "a malformed attribute list");
            }
            if (name == "label") document.labels.push_back(value);
            punctuation(",");
          }
        }
      }
      if (!punctuation(";")) return fail(why, "a statement without ';'");
    }
    skip_space();
    if (!at_end()) return fail(why, "text after the closing '}'");
    return document;
  }

 private:
  static std::optional<DotDocument> fail(std::string& why, std::string reason) {
    why = std::move(reason);
    return std::nullopt;
  }
  bool at_end() {
    skip_space();
    return position_ >= text_.size();
  }
  void skip_space() {
    while (position_ < text_.size()) {
      if (text_[position_] == ' ' || text_[position_] == '\n' || text_[position_] == '\t') {
        ++position_;
      } else if (text_.substr(position_, 2) == "//") {
        const std::size_t end = text_.find('\n', position_);
        position_ = end == std::string_view::npos ? text_.size() : end + 1;
      } else {
        return;
      }
    }
  }
  bool punctuation(std::string_view token) {
    skip_space();
    if (text_.substr(position_, token.size()) != token) return false;
    position_ += token.size();
    return true;
  }
  bool word(std::string_view token) {
    std::string found;
    const std::size_t start = position_;
    if (identifier(&found) && found == token) return true;
    position_ = start;
    return false;
  }
  bool identifier(std::string* value = nullptr) {
    skip_space();
    if (position_ >= text_.size()) return false;
    std::string decoded;
    if (text_[position_] == '"') {
      ++position_;
      while (true) {
        if (position_ >= text_.size()) return false;  // unclosed string
        const char character = text_[position_++];
        if (character == '"') break;
        if (character == '\n') return false;  // svcsim writes none inside a string
        if (character == '\\' && position_ < text_.size()) {
          const char escaped = text_[position_++];
          if (escaped == '"' || escaped == '\\') {
            decoded += escaped;
          } else if (escaped == 'n') {
            decoded += '\n';
          } else {
            decoded += '\\';
            decoded += escaped;
          }
          continue;
        }
        decoded += character;
      }
    } else {
      while (position_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[position_])) != 0 ||
              text_[position_] == '_')) {
        decoded += text_[position_++];
      }
      if (decoded.empty()) return false;
    }
    if (value != nullptr) *value = std::move(decoded);
    return true;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

// ---- properties over the loader's gate ----------------------------------------------------

/// Every rendering of `scenario`, whose `field` holds `value`, against the laws of its format.
void check_renderings(Field field, const std::string& value, const scenario::Scenario& scenario) {
  const Rendered rendered = render(scenario);
  // The same scenario with a plain value in the field: the hostile one may not add lines.
  const auto plain = load_with(field, field == Field::file       ? "kb.msu"
                                      : field == Field::identity ? "Package~1"
                                      : field == Field::id       ? "KB1"
                                      : field == Field::target   ? "device"
                                                                 : "x");
  RC_ASSERT(plain.has_value());
  const Rendered baseline = render(*plain);
  const std::size_t added_lines = field == Field::source ? line_count(value) : 0;
  // explore's text leaves out an empty source's line; run's prints it.
  const std::size_t dropped_lines = field == Field::source && value.empty() ? 1 : 0;

  // Text: clean, and every value on its own line.
  RC_ASSERT(unclean(rendered.run_text) == "");
  RC_ASSERT(unclean(rendered.explore_text) == "");
  RC_ASSERT(line_count(rendered.run_text) == line_count(baseline.run_text) + added_lines);
  RC_ASSERT(line_count(rendered.explore_text) + dropped_lines ==
            line_count(baseline.explore_text) + added_lines);

  // JSON: parses back, and holds the value exactly.
  const auto run_json = nlohmann::json::parse(rendered.run_json);
  const auto explore_json = nlohmann::json::parse(rendered.explore_json);
  switch (field) {
    case Field::name:
      RC_ASSERT(run_json["scenario"] == value);
      RC_ASSERT(explore_json["scenario"] == value);
      break;
    case Field::source: RC_ASSERT(run_json["source"] == value); break;
    case Field::id: RC_ASSERT(run_json["order"][0] == value); break;
    case Field::target: RC_ASSERT(run_json["target"]["name"] == value); break;
    case Field::file:
    case Field::identity: break;  // checked through the command lines below
  }

  // The DISM command lines read back, in cmd.exe and in PowerShell, as the path intended.
  const model::World world = scenario::make_world(scenario);
  const model::ServicingContext& context = world.context(0);
  model::Operation add;
  add.kind = model::OperationKind::add;
  add.package = 0;
  const std::string package_path = "/PackagePath:C:\\Packages\\" + scenario.catalog[0].file;
  std::string why;
  const auto cmd = test_support::cmd_script_arguments(
      model::dism_command_line(context, add, {}, model::Shell::cmd), &why);
  RC_ASSERT(cmd.has_value());
  RC_ASSERT(cmd->size() == 5u);
  RC_ASSERT((*cmd)[3] == package_path);
  const auto powershell = test_support::powershell_arguments(
      model::dism_command_line(context, add, {}, model::Shell::powershell), &why);
  RC_ASSERT(powershell.has_value());
  RC_ASSERT((*powershell)[3] == package_path);
  model::Operation remove;
  remove.kind = model::OperationKind::remove;
  remove.package = 1;
  const auto removal = test_support::cmd_script_arguments(
      model::dism_command_line(context, remove, {}, model::Shell::cmd), &why);
  RC_ASSERT(removal.has_value());
  RC_ASSERT((*removal)[3] == "/PackageName:" + scenario.catalog[1].identity);
  // The text trace shows the cmd.exe line as it is.
  RC_ASSERT(rendered.run_text.find(model::dism_command_line(context, add)) != std::string::npos);

  // Reproduce lines read back in sh as the order that was run.
  for (const simulator::Witness& witness : rendered.explored.witnesses) {
    const auto words = test_support::posix_sh_arguments(witness.command, &why);
    RC_ASSERT(words.has_value());
    RC_ASSERT(words->size() >= 5u);
    RC_ASSERT((*words)[2] == "t.yaml");
    std::vector<std::string> order;
    for (const model::PlanStep& step : witness.order) order.push_back(step.text);
    RC_ASSERT(simulator::split_order_list((*words)[4]) == order);
  }

  // JUnit: parses as XML, with the scenario's name as the suite's.
  pugi::xml_document junit;
  const pugi::xml_parse_result parsed = junit.load_string(rendered.junit.c_str());
  RC_ASSERT(parsed.status == pugi::status_ok);
  const pugi::xml_node suite = junit.child("testsuites").child("testsuite");
  RC_ASSERT(std::string(suite.attribute("name").value()) == scenario.name);
  for (const pugi::xml_node testcase : suite.children("testcase")) {
    RC_ASSERT(std::string(testcase.attribute("classname").value()) == "svcsim.explore.t.yaml");
  }

  // DOT: parses, with the scenario's name as the graph's label and clean node and edge labels.
  const auto dot = DotChecker(rendered.dot).parse(why);
  RC_ASSERT(dot.has_value());
  RC_ASSERT(dot->graph_label == scenario.name);
  for (const std::string& label : dot->labels) RC_ASSERT(unclean(label) == "");
  if (field == Field::id) {
    RC_ASSERT(std::any_of(dot->labels.begin(), dot->labels.end(),
                          [&](const std::string& label) { return label == value; }));
  }
}

RC_GTEST_PROP(HostileNames, EveryAcceptedNameRendersValidlyInEveryFormat, ()) {
  const Field field = *rc::gen::elementOf(all_fields);
  const std::string value = *rc::gen::oneOf(hostile_string(), mostly_printable_string());
  const auto scenario = load_with(field, value);
  RC_CLASSIFY(scenario.has_value());
  if (!scenario) return;
  check_renderings(field, value, *scenario);
}

// The same law on names the loader is sure to accept, so that every case checks the renderings.
RC_GTEST_PROP(HostileNames, ShellSpecialFileNamesRenderValidly, ()) {
  const std::vector<std::string> legal = {"a", "9", "_", "-", " ", "&", ";", "%", "%PATH%", "^",
                                          "$", "(", ")", "'", "!", "`", "#", "~", "{", "}", "[",
                                          "]", ",", "=", "@", "\xC3\xA9", "\xE2\x80\x99", "&amp;"};
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(legal));
  std::string file = "kb";
  for (const std::string& part : parts) file += part;
  file += ".msu";
  const auto scenario = load_with(Field::file, file);
  RC_ASSERT(scenario.has_value());
  check_renderings(Field::file, file, *scenario);
}

RC_GTEST_PROP(HostileNames, ScenarioNamesWithMarkupRenderValidly, ()) {
  const std::vector<std::string> legal = {"a", " ", "<", ">", "&", "\"", "'", "\\", "\\n", "]]>",
                                          "--", "{", "}", "[", "]", ";", "=", "->", "\xC3\xA9",
                                          "&lt;", "#", "//", "/*"};
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(legal));
  std::string name = "n";
  for (const std::string& part : parts) name += part;
  const auto scenario = load_with(Field::name, name);
  RC_ASSERT(scenario.has_value());
  check_renderings(Field::name, name, *scenario);
}

// ---- the escaping functions on any bytes ----------------------------------------------------

RC_GTEST_PROP(Escaping, VisibleTextIsOneCleanLine, ()) {
  const std::string text = *rc::gen::oneOf(hostile_string(), rc::gen::arbitrary<std::string>());
  const std::string shown = visible(text);
  RC_ASSERT(unclean(shown) == "");
  RC_ASSERT(shown.find('\n') == std::string::npos);
  RC_ASSERT(unclean(visible_lines(text)) == "");
  RC_ASSERT(line_count(visible_lines(text)) == line_count(text));
}

RC_GTEST_PROP(Escaping, XmlAttributeAndTextParseBack, ()) {
  const std::string text = *rc::gen::oneOf(hostile_string(), rc::gen::arbitrary<std::string>());
  const std::string document =
      "<a b=\"" + xml_attribute(text) + "\" c='" + xml_attribute(text) + "'>" + xml_text(text) +
      "</a>";
  pugi::xml_document parsed;
  RC_ASSERT(parsed.load_string(document.c_str()).status == pugi::status_ok);
  if (unclean(text).empty() && text.find('\n') == std::string::npos) {
    // Clean one-line text comes back exactly; the rest comes back as `visible` shows it.
    RC_ASSERT(std::string(parsed.child("a").attribute("b").value()) == text);
    RC_ASSERT(std::string(parsed.child("a").attribute("c").value()) == text);
  }
}

RC_GTEST_PROP(Escaping, DotQuotedIsOneDotString, ()) {
  const std::string text = *rc::gen::oneOf(hostile_string(), rc::gen::arbitrary<std::string>());
  const std::string document = "digraph G {\nlabel=" + dot_quoted(text) + ";\n}\n";
  std::string why;
  const auto parsed = DotChecker(document).parse(why);
  RC_ASSERT(parsed.has_value());
  if (unclean(text).empty()) RC_ASSERT(parsed->graph_label == text);
}

RC_GTEST_PROP(Escaping, JsonParsesBack, ()) {
  const std::string text = *rc::gen::oneOf(hostile_string(), rc::gen::arbitrary<std::string>());
  nlohmann::ordered_json document;
  document["value"] = text;
  const auto parsed = nlohmann::json::parse(json_text(document));
  if (model::is_valid_utf8(text)) RC_ASSERT(parsed["value"] == text);
}

RC_GTEST_PROP(Escaping, ShellWordsReadBackInTheirShell, ()) {
  const std::string text = *rc::gen::oneOf(hostile_string(), rc::gen::arbitrary<std::string>());
  std::string why;
  if (text.find('\0') == std::string::npos) {
    const auto words = test_support::posix_sh_arguments("svcsim " + simulator::posix_shell_word(text), &why);
    RC_ASSERT(words.has_value());
    RC_ASSERT(*words == (std::vector<std::string>{"svcsim", text}));
  }
  // What shell_quote accepts: no double quote and no control character, as in a file name.
  const bool quotable = std::none_of(text.begin(), text.end(), [](char character) {
    const auto byte = static_cast<unsigned char>(character);
    return character == '"' || byte < 0x20 || byte == 0x7F;
  });
  if (!quotable) return;
  const auto cmd =
      test_support::cmd_script_arguments("DISM " + model::shell_quote(model::Shell::cmd, text), &why);
  RC_ASSERT(cmd.has_value());
  RC_ASSERT(*cmd == (std::vector<std::string>{"DISM", text}));
  const auto powershell = test_support::powershell_arguments(
      "DISM " + model::shell_quote(model::Shell::powershell, text), &why);
  RC_ASSERT(powershell.has_value());
  RC_ASSERT(*powershell == (std::vector<std::string>{"DISM", text}));
}

}  // namespace
}  // namespace svcsim::cli
