// Checks the HTML report of `svcsim compare`: the page parses as XML (pugixml), loads nothing from
// outside itself, stays under 1.5 MB, embeds exactly the JSON `--format json` writes, and holds
// three charts whose SVG each parses on its own; one chart rendered to PNG by rsvg-convert has
// pixels other than its background (the PNG is decoded here with zlib). Without gnuplot the page
// still parses, keeps its tables and says what is missing. explore's HTML page parses too, embeds
// its JSON and lists every witness as a `svcsim run` command.
#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "compare_output.hpp"
#include "explore_output.hpp"
#include "svcsim/scenario/verdict.hpp"
#include "svcsim/simulator/check.hpp"
#include "svcsim/scenario/loader.hpp"

namespace svcsim::cli {
namespace {

constexpr std::size_t page_size_max = 1500 * 1000;

std::filesystem::path source_dir() {
  const char* dir = std::getenv("SVCSIM_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path(SVCSIM_SOURCE_DIR_FALLBACK);
}

struct Rendered {
  scenario::Scenario scenario;
  CompareReport report;
  std::string html;
};

Rendered render(std::uint64_t devices) {
  Rendered rendered;
  auto loaded = scenario::load_scenario_file((source_dir() / "scenarios/april-2026-server-oob.yaml").string());
  EXPECT_TRUE(loaded.has_value());
  rendered.scenario = *loaded;
  std::vector<scenario::StrategySpec> strategies;
  for (const char* name : {"patch_now", "autopatch", "wait_for_oob", "pilot_then_broad"}) {
    strategies.push_back(*scenario::find_strategy(rendered.scenario.plan, &*rendered.scenario.fleet, name));
  }
  simulator::FleetOptions options;
  options.devices = devices;
  rendered.report.scenario = &rendered.scenario;
  rendered.report.command = "svcsim compare test";
  rendered.report.fleet = simulator::simulate_fleet(rendered.scenario, strategies, options);
  std::ostringstream out;
  write_compare_html(out, rendered.report);
  rendered.html = out.str();
  return rendered;
}

void check_page(const Rendered& rendered, pugi::xml_document& document) {
  ASSERT_LT(rendered.html.size(), page_size_max);
  const pugi::xml_parse_result parsed =
      document.load_string(rendered.html.c_str(), pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << parsed.description() << " at offset " << parsed.offset;
  // Nothing loads from outside: no src, and every link a fragment of the page itself.
  for (const pugi::xpath_node& node : document.select_nodes("//*[@src]")) {
    ADD_FAILURE() << "src on <" << node.node().name() << ">";
  }
  for (const pugi::xpath_node& node : document.select_nodes("//*[@href or @xlink:href]")) {
    for (const char* name : {"href", "xlink:href"}) {
      const std::string link = node.node().attribute(name).value();
      if (!link.empty()) {
        EXPECT_EQ(link.front(), '#') << link;
      }
    }
  }
  // The embedded JSON is the JSON report.
  const pugi::xml_node script = document.select_node("//*[@id='svcsim-report']").node();
  ASSERT_TRUE(script);
  EXPECT_EQ(nlohmann::ordered_json::parse(script.child_value()), compare_json(rendered.report));
  // Both tables, one row per strategy.
  EXPECT_EQ(document.select_nodes("//table").size(), 2u);
  EXPECT_EQ(document.select_nodes("//table[1]/tr").size(), 5u);
}

/// The rows of an 8-bit RGB or RGBA PNG, unfiltered (PNG specification, section 9).
struct Image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::size_t channels = 0;
  std::vector<std::uint8_t> pixels;
};

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[at + 3]));
}

std::optional<Image> decode_png(const std::string& bytes) {
  if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return std::nullopt;
  Image image;
  std::string compressed;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t length = big_endian(bytes, at);
    const std::string type = bytes.substr(at + 4, 4);
    if (at + 12 + length > bytes.size()) return std::nullopt;
    if (type == "IHDR") {
      image.width = big_endian(bytes, at + 8);
      image.height = big_endian(bytes, at + 12);
      const int depth = static_cast<std::uint8_t>(bytes[at + 16]);
      const int color = static_cast<std::uint8_t>(bytes[at + 17]);
      const int interlace = static_cast<std::uint8_t>(bytes[at + 20]);
      if (depth != 8 || (color != 2 && color != 6) || interlace != 0) return std::nullopt;
      image.channels = color == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed += bytes.substr(at + 8, length);
    }
    at += 12 + length;
  }
  if (image.channels == 0 || image.width == 0 || image.height > 10000 || image.width > 10000) return std::nullopt;
  const std::size_t stride = image.width * image.channels;
  std::vector<std::uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    return std::nullopt;
  }
  image.pixels.assign(stride * image.height, 0);
  const std::size_t bpp = image.channels;
  for (std::size_t row = 0; row < image.height; ++row) {
    const std::uint8_t filter = raw[row * (stride + 1)];
    const std::uint8_t* in = &raw[row * (stride + 1) + 1];
    std::uint8_t* out = &image.pixels[row * stride];
    const std::uint8_t* up = row > 0 ? &image.pixels[(row - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? out[x - bpp] : 0;
      const int b = up != nullptr ? up[x] : 0;
      const int c = (up != nullptr && x >= bpp) ? up[x - bpp] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c;
          const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: return std::nullopt;
      }
      out[x] = static_cast<std::uint8_t>(in[x] + predicted);
    }
  }
  return image;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(CompareHtml, ParsesWithChartsAndEmbeddedJson) {
  unsetenv("SVCSIM_GNUPLOT");
  const Rendered rendered = render(2000);
  pugi::xml_document document;
  check_page(rendered, document);
  // gnuplot is a dependency (scripts/setup.sh): its three charts are there, each valid SVG alone.
  const pugi::xpath_node_set svgs = document.select_nodes("//*[local-name()='svg']");
  ASSERT_EQ(svgs.size(), 3u) << "is gnuplot (gnuplot-nox) installed?";
  for (const pugi::xpath_node& svg : svgs) {
    std::ostringstream text;
    svg.node().print(text);
    pugi::xml_document alone;
    ASSERT_TRUE(alone.load_string(text.str().c_str()));
    EXPECT_GT(alone.select_nodes("//*[local-name()='path']").size(), 5u);
  }
  EXPECT_EQ(rendered.html.find("Charts missing"), std::string::npos);
}

TEST(CompareHtml, OneChartRendersToPixels) {
  unsetenv("SVCSIM_GNUPLOT");
  const Rendered rendered = render(500);
  pugi::xml_document document;
  check_page(rendered, document);
  const pugi::xml_node svg = document.select_node("//*[local-name()='svg']").node();
  ASSERT_TRUE(svg) << "is gnuplot (gnuplot-nox) installed?";
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("svcsim-html-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  {
    std::ofstream out(folder / "chart.svg", std::ios::binary);
    svg.print(out);
  }
  const std::string command = "rsvg-convert -b white -o '" + (folder / "chart.png").string() + "' '" +
                              (folder / "chart.svg").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << "is rsvg-convert (librsvg2-bin) installed?";
  const std::optional<Image> image = decode_png(read_file(folder / "chart.png"));
  std::filesystem::remove_all(folder);
  ASSERT_TRUE(image.has_value());
  EXPECT_GT(image->width, 100u);
  // The background is the top-left pixel; a chart has axes, text and points on it.
  std::size_t other = 0;
  const std::size_t pixel_count = std::size_t{image->width} * image->height;
  for (std::size_t index = 0; index < pixel_count; ++index) {
    for (std::size_t channel = 0; channel < 3; ++channel) {
      if (image->pixels[index * image->channels + channel] != image->pixels[channel]) {
        ++other;
        break;
      }
    }
  }
  EXPECT_GT(other, pixel_count / 100) << other << " of " << pixel_count << " pixels differ";
}

TEST(CompareHtml, WithoutGnuplotTheTablesStayAndANoteSaysSo) {
  setenv("SVCSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
  const Rendered rendered = render(300);
  unsetenv("SVCSIM_GNUPLOT");
  pugi::xml_document document;
  check_page(rendered, document);
  EXPECT_EQ(document.select_nodes("//*[local-name()='svg']").size(), 0u);
  EXPECT_NE(rendered.html.find("Charts missing: gnuplot (Debian package gnuplot-nox)"), std::string::npos);
}

TEST(ExploreHtml, ParsesWithWitnessCommandsAndEmbeddedJson) {
  auto loaded = scenario::load_scenario_file((source_dir() / "scenarios/kb5086672-online.yaml").string());
  ASSERT_TRUE(loaded.has_value());
  const scenario::Scenario& scenario = *loaded;
  ExploreReport report;
  report.scenario = &scenario;
  report.result = simulator::explore(scenario);
  report.expectations = scenario::check_explore(scenario, simulator::explore_facts(report.result));
  report.fail_on.classes = scenario::default_fail_on(scenario);
  report.timing = false;
  std::ostringstream out;
  write_explore_html(out, report);
  const std::string html = out.str();
  ASSERT_LT(html.size(), page_size_max);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  ASSERT_TRUE(parsed) << parsed.description() << " at offset " << parsed.offset;
  EXPECT_EQ(document.select_nodes("//*[@src]").size(), 0u);
  const pugi::xml_node script = document.select_node("//*[@id='svcsim-report']").node();
  ASSERT_TRUE(script);
  EXPECT_EQ(nlohmann::ordered_json::parse(script.child_value()), explore_json(report));
  const pugi::xpath_node_set commands = document.select_nodes("//td[@class='command']");
  ASSERT_FALSE(report.result.witnesses.empty());
  ASSERT_EQ(commands.size(), report.result.witnesses.size());
  for (std::size_t index = 0; index < commands.size(); ++index) {
    EXPECT_EQ(std::string(commands[index].node().child_value()), report.result.witnesses[index].command);
  }
}

}  // namespace
}  // namespace svcsim::cli
