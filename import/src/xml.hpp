// pugixml with the importer's bounds, and the few namespace-aware lookups pugixml leaves to its
// caller (it matches element names as written, prefixes included).
#pragma once

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "svcsim/import/metadata.hpp"
#include "svcsim/model/result.hpp"

namespace svcsim::import::detail {

/// Deeper nesting is refused: the documents read here are at most six elements deep, and a
/// bound keeps a hostile document's shape from mattering to anything that walks it.
inline constexpr int xml_depth_max = 64;
/// Elements and other nodes of one document; a bound on the work of every walk over it.
inline constexpr std::size_t xml_node_count_max = 1000000;
/// Children of one element that a lookup returns.
inline constexpr std::size_t xml_children_max = 200000;

/// Parses `text` (at most metadata_bytes_max bytes; UTF-8, or UTF-16/32 with a byte-order mark)
/// into `document`, then checks its nesting depth and node count. pugixml expands only the five
/// predefined entities and character references: a DOCTYPE's entity declarations are skipped,
/// so "billion laughs" references stay the literal text `&lol9;`, and nothing is ever fetched.
/// The error is one sentence.
Result<Ok, std::string> load_xml(pugi::xml_document& document, std::string_view text);

/// The element name without its prefix: "CompDB" for "c:CompDB".
std::string_view local_name(const pugi::xml_node& node);

/// The namespace URI of an element: its prefix (or the default namespace) resolved through the
/// xmlns attributes of the element and its ancestors. Empty when none is declared.
std::string namespace_uri(const pugi::xml_node& node);

/// The document element, if it is `name` in namespace `uri`; otherwise an error naming what it
/// is instead.
Result<pugi::xml_node, std::string> root_element(const pugi::xml_document& document,
                                                 std::string_view name, std::string_view uri);

/// The child elements of `parent` named `name` in the namespace of `parent` (at most
/// xml_children_max).
std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view name);

/// The first such child, or an empty node.
pugi::xml_node child(const pugi::xml_node& parent, std::string_view name);

/// The value of attribute `name` (no prefix), or "" when absent.
std::string attribute(const pugi::xml_node& node, std::string_view name);

/// The attributes of an `assemblyIdentity` element.
AssemblyIdentity read_assembly_identity(const pugi::xml_node& node);

}  // namespace svcsim::import::detail
