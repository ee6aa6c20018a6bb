// The pieces every svcsim HTML report shares: the page's head and style, table rows, and the
// embedded JSON. Pages are XHTML syntax (well-formed XML, so tests parse them) and load nothing
// from outside themselves.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace svcsim::cli {

/// Opens the page: doctype, head with `title` and the style, body, and an <h1> of `title`.
void html_page_start(std::ostream& out, const std::string& title);

/// One table row of text cells (escaped); `header`: <th> cells.
void html_table_row(std::ostream& out, const std::vector<std::string>& cells, bool header = false);

/// Closes the page after embedding `document` in <script type="application/json" id="ID">, with
/// <, > and & as \u escapes so that the page stays well-formed XML (they only occur in strings).
void html_page_end(std::ostream& out, const nlohmann::ordered_json& document, const std::string& id,
                   const std::string& format_command);

}  // namespace svcsim::cli
