// The update.mum parser (update_mum.hpp): the package's identity, its <package> attributes and
// the parents it must be installed over.
#include "svcsim/import/update_mum.hpp"

#include "svcsim/model/assert.hpp"
#include "text.hpp"
#include "xml.hpp"

namespace svcsim::import {

Result<UpdateMum, std::string> parse_update_mum(std::string_view text) {
  pugi::xml_document document;
  if (auto loaded = detail::load_xml(document, text); !loaded) return unexpected(loaded.error());
  auto root = detail::root_element(document, "assembly", update_mum_namespace);
  if (!root) return unexpected(root.error());

  UpdateMum mum;
  const pugi::xml_node identity = detail::child(*root, "assemblyIdentity");
  if (!identity) return unexpected(std::string("assembly has no assemblyIdentity element"));
  mum.identity = detail::read_assembly_identity(identity);

  const std::vector<pugi::xml_node> packages = detail::children(*root, "package");
  if (packages.size() != 1) {
    return unexpected("assembly has " + std::to_string(packages.size()) +
                      " package elements; an update.mum has one");
  }
  const pugi::xml_node& package = packages.front();
  mum.package_identifier = detail::attribute(package, "identifier");
  mum.release_type = detail::attribute(package, "releaseType");
  mum.restart = detail::attribute(package, "restart");
  mum.permanence = detail::attribute(package, "permanence");
  for (const pugi::xml_node& parent : detail::children(package, "parent")) {
    // Only "at least this version" parents say what the package needs underneath it.
    if (!detail::equals_ignoring_case(detail::attribute(parent, "revisionCompare"), "GE")) continue;
    for (const pugi::xml_node& item : detail::children(parent, "assemblyIdentity")) {
      mum.parents_at_least.push_back(detail::read_assembly_identity(item));
    }
  }
  SVCSIM_ASSERT(mum.parents_at_least.size() <= detail::xml_node_count_max);
  SVCSIM_ASSERT(packages.size() == 1);
  return mum;
}

}  // namespace svcsim::import
