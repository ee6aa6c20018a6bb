// The shared parts of svcsim's HTML reports (html_page.hpp).
#include "html_page.hpp"

#include <ostream>

#include "text_escape.hpp"

namespace svcsim::cli {

void html_page_start(std::ostream& out, const std::string& title) {
  out << "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<title>"
      << xml_text(title) << "</title>\n"
      << "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
         "margin:1em 0}td,th{border:1px solid #bbb;padding:0.25em 0.6em;text-align:right}"
         "td:first-child,th:first-child{text-align:left}th{background:#eee}.note{color:#a40}"
         "td.command{text-align:left;font-family:monospace}figure{margin:1em 0}</style>\n"
         "</head>\n<body>\n<h1>"
      << xml_text(title) << "</h1>\n";
}

void html_table_row(std::ostream& out, const std::vector<std::string>& cells, bool header) {
  out << "<tr>";
  for (const std::string& cell : cells) {
    out << (header ? "<th>" : "<td>") << xml_text(cell) << (header ? "</th>" : "</td>");
  }
  out << "</tr>\n";
}

void html_page_end(std::ostream& out, const nlohmann::ordered_json& document, const std::string& id,
                   const std::string& format_command) {
  const std::string text = json_text(document);
  std::string escaped;
  escaped.reserve(text.size());
  for (char character : text) {
    switch (character) {
      case '<': escaped += "\\u003c"; break;
      case '>': escaped += "\\u003e"; break;
      case '&': escaped += "\\u0026"; break;
      default: escaped += character;
    }
  }
  out << "<h2>Data</h2>\n<p>The JSON this page was drawn from (<code>" << xml_text(format_command)
      << "</code>) is embedded in the script element <code>" << xml_text(id) << "</code>.</p>\n"
      << "<script type=\"application/json\" id=\"" << xml_attribute(id) << "\">\n"
      << escaped << "</script>\n</body>\n</html>\n";
}

}  // namespace svcsim::cli
