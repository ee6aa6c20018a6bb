// The unattend parser (unattend.hpp): servicing/package entries with their identity and source.
#include "svcsim/import/unattend.hpp"

#include "svcsim/model/assert.hpp"
#include "xml.hpp"

namespace svcsim::import {

Result<Unattend, std::string> parse_unattend(std::string_view text) {
  pugi::xml_document document;
  if (auto loaded = detail::load_xml(document, text); !loaded) return unexpected(loaded.error());
  auto root = detail::root_element(document, "unattend", unattend_namespace);
  if (!root) return unexpected(root.error());

  Unattend unattend;
  for (const pugi::xml_node& servicing : detail::children(*root, "servicing")) {
    for (const pugi::xml_node& package : detail::children(servicing, "package")) {
      UnattendPackage entry;
      entry.action = detail::attribute(package, "action");
      const pugi::xml_node identity = detail::child(package, "assemblyIdentity");
      if (!identity) {
        return unexpected(std::string("servicing/package has no assemblyIdentity element"));
      }
      entry.identity = detail::read_assembly_identity(identity);
      if (const pugi::xml_node source = detail::child(package, "source")) {
        entry.source_location = detail::attribute(source, "location");
      }
      unattend.packages.push_back(std::move(entry));
    }
  }
  SVCSIM_ASSERT(unattend.packages.size() <= detail::xml_node_count_max);
  return unattend;
}

bool looks_like_unattend(std::string_view text) {
  pugi::xml_document document;
  if (!detail::load_xml(document, text)) return false;
  return detail::root_element(document, "unattend", unattend_namespace).has_value();
}

}  // namespace svcsim::import
