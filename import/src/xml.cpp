// pugixml with the importer's bounds (xml.hpp).
#include "xml.hpp"

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import::detail {

Result<Ok, std::string> load_xml(pugi::xml_document& document, std::string_view text) {
  if (text.size() > metadata_bytes_max) {
    return unexpected(fmt::format("the document has {} bytes, more than the {} MiB a metadata "
                                  "file may have",
                                  text.size(), metadata_bytes_max >> 20));
  }
  // parse_default: CDATA, the predefined entities and character references, attribute
  // whitespace and line ends normalised; no DOCTYPE node, no entity declarations, no
  // processing instructions kept. Nothing is loaded from outside the text.
  const pugi::xml_parse_result parsed =
      document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return unexpected(fmt::format("not well-formed XML: {} at byte {}", parsed.description(),
                                  parsed.offset));
  }
  // Walk every node once, iteratively (no recursion a deep document could exhaust), bounding the
  // depth and the count before anything else walks the tree.
  std::size_t node_count = 0;
  int depth = 0;
  pugi::xml_node node = document.first_child();
  while (node) {
    ++node_count;
    if (node_count > xml_node_count_max) {
      return unexpected(fmt::format("the document has more than {} nodes", xml_node_count_max));
    }
    if (depth >= xml_depth_max) {
      return unexpected(fmt::format("elements are nested deeper than {} levels", xml_depth_max));
    }
    if (node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (node && node != document && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (!node || node == document) break;
    node = node.next_sibling();
  }
  SVCSIM_ASSERT(node_count <= xml_node_count_max);
  SVCSIM_ASSERT(depth >= -1 && depth < xml_depth_max);
  return Ok{};
}

std::string_view local_name(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string namespace_uri(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.find(':');
  const std::string declaration =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  // The walk up is bounded by the depth load_xml checked.
  int steps = 0;
  for (pugi::xml_node scope = node; scope && scope.type() == pugi::node_element;
       scope = scope.parent()) {
    SVCSIM_ASSERT(++steps <= xml_depth_max + 1);
    if (const pugi::xml_attribute declared = scope.attribute(declaration.c_str())) {
      return declared.value();
    }
  }
  return "";
}

Result<pugi::xml_node, std::string> root_element(const pugi::xml_document& document,
                                                 std::string_view name, std::string_view uri) {
  const pugi::xml_node root = document.document_element();
  if (!root) return unexpected(std::string("the document has no element"));
  if (local_name(root) != name || namespace_uri(root) != uri) {
    return unexpected(fmt::format("the document element is {} in namespace {}, not {} in {}",
                                  in_quotes(local_name(root)), in_quotes(namespace_uri(root)),
                                  in_quotes(name), in_quotes(uri)));
  }
  SVCSIM_ASSERT(root.type() == pugi::node_element);
  return root;
}

std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view name) {
  std::vector<pugi::xml_node> found;
  const std::string uri = namespace_uri(parent);
  for (pugi::xml_node item = parent.first_child(); item; item = item.next_sibling()) {
    if (item.type() != pugi::node_element || local_name(item) != name) continue;
    if (namespace_uri(item) != uri) continue;
    found.push_back(item);
    if (found.size() >= xml_children_max) break;
  }
  SVCSIM_ASSERT(found.size() <= xml_children_max);
  return found;
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  const std::string uri = namespace_uri(parent);
  for (pugi::xml_node item = parent.first_child(); item; item = item.next_sibling()) {
    if (item.type() == pugi::node_element && local_name(item) == name &&
        namespace_uri(item) == uri) {
      return item;
    }
  }
  return {};
}

std::string attribute(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_attribute item = node.first_attribute(); item; item = item.next_attribute()) {
    if (std::string_view(item.name()) == name) return item.value();
  }
  return "";
}

AssemblyIdentity read_assembly_identity(const pugi::xml_node& node) {
  SVCSIM_ASSERT(node.type() == pugi::node_element);
  AssemblyIdentity identity;
  identity.name = attribute(node, "name");
  identity.version = attribute(node, "version");
  identity.processor_architecture = attribute(node, "processorArchitecture");
  identity.language = attribute(node, "language");
  identity.public_key_token = attribute(node, "publicKeyToken");
  return identity;
}

}  // namespace svcsim::import::detail
