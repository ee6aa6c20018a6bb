// The CompDB parser (compdb.hpp): the root's attributes, its features and its packages.
#include "svcsim/import/compdb.hpp"

#include "svcsim/model/assert.hpp"
#include "xml.hpp"

namespace svcsim::import {

Result<CompDb, std::string> parse_compdb(std::string_view text) {
  pugi::xml_document document;
  if (auto loaded = detail::load_xml(document, text); !loaded) return unexpected(loaded.error());
  auto root = detail::root_element(document, "CompDB", compdb_namespace);
  if (!root) return unexpected(root.error());

  CompDb compdb;
  compdb.type = detail::attribute(*root, "Type");
  compdb.os_version = detail::attribute(*root, "OSVersion");
  compdb.target_os_version = detail::attribute(*root, "TargetOSVersion");
  compdb.target_build_info = detail::attribute(*root, "TargetBuildInfo");
  compdb.build_arch = detail::attribute(*root, "BuildArch");

  for (const pugi::xml_node& features : detail::children(*root, "Features")) {
    for (const pugi::xml_node& feature : detail::children(features, "Feature")) {
      CompDbFeature entry;
      entry.type = detail::attribute(feature, "Type");
      entry.feature_id = detail::attribute(feature, "FeatureID");
      for (const pugi::xml_node& packages : detail::children(feature, "Packages")) {
        for (const pugi::xml_node& package : detail::children(packages, "Package")) {
          entry.package_ids.push_back(detail::attribute(package, "ID"));
        }
      }
      compdb.features.push_back(std::move(entry));
    }
  }
  for (const pugi::xml_node& packages : detail::children(*root, "Packages")) {
    for (const pugi::xml_node& package : detail::children(packages, "Package")) {
      compdb.package_ids.push_back(detail::attribute(package, "ID"));
    }
  }
  // load_xml bounded the node count, so these lists are bounded too.
  SVCSIM_ASSERT(compdb.features.size() <= detail::xml_node_count_max);
  SVCSIM_ASSERT(compdb.package_ids.size() <= detail::xml_node_count_max);
  return compdb;
}

}  // namespace svcsim::import
