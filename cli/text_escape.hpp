// Escaping for every format the CLI writes: the text trace and tables (non-printing characters
// shown visibly), JUnit XML (XML 1.0 text and attributes) and DOT (double-quoted IDs). JSON is
// escaped by nlohmann-json itself (dump with error_handler_t::replace, see json_text).
//
// The loader already refuses control and invisible characters in names (model/names_valid.hpp);
// these functions are the outputs' own guard, since a scenario's path comes from the command line
// and a later importer may build scenarios without the loader.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace svcsim::cli {

/// `text` as one line with every non-printing character shown: \n, \r, \t, other C0 controls,
/// DEL and bytes that are not UTF-8 as \xNN, and the other unsafe code points of
/// model::is_unsafe_code_point (C1 controls, bidirectional controls, U+2028, ...) as \uNNNN.
/// Backslashes stay as they are, so Windows paths remain readable.
///
///   visible("KB1\x1b[31m") == "KB1\\x1b[31m"
std::string visible(std::string_view text);

/// As visible, but line feeds stay line feeds: for text that may span lines (a scenario's source,
/// DISM's console text).
std::string visible_lines(std::string_view text);

/// XML 1.0 character data: & < > escaped, and every character XML 1.0 cannot carry (C0 controls
/// other than tab and line feed, U+FFFE, U+FFFF, bytes that are not UTF-8), like every other
/// unsafe code point, shown as in `visible`.
std::string xml_text(std::string_view text);

/// An XML 1.0 attribute value for double or single quotes: one line, " ' & < > escaped, and every
/// non-printing character (line feeds and tabs included) shown as in `visible`.
std::string xml_attribute(std::string_view text);

/// A DOT double-quoted ID, quotes included: " and \ escaped, line feeds as DOT's \n line break,
/// every other non-printing character as in `visible`.
std::string dot_quoted(std::string_view text);

/// A JSON document as text, 2-space indent; bytes that are not UTF-8 (only a scenario path
/// given on the command line can hold them) become U+FFFD instead of an exception.
std::string json_text(const nlohmann::ordered_json& document);

}  // namespace svcsim::cli
