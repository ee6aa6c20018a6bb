// From .msu files to catalog entries (importer.hpp). Each layout's documents are read by
// wim_layout.cpp or cab_layout.cpp; here each attribute becomes a field, with its origin, and the
// set is checked as a whole: one build, one architecture, one branch, no id twice, the product
// asked for. Nothing the files do not say is filled in: it is listed as left out instead.
#include "svcsim/import/importer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "layout.hpp"
#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import {

std::string_view product_name(Product product) {
  return product == Product::client ? "client" : "server";
}

std::optional<Product> parse_product(std::string_view name) {
  if (name == "client") return Product::client;
  if (name == "server") return Product::server;
  return std::nullopt;
}

std::string_view layout_name(MsuLayout layout) {
  return layout == MsuLayout::wim ? "24H2+ WIM layout" : "classic CAB layout";
}

namespace {

using detail::InputError;
using detail::in_quotes;
using model::PackageKind;

/// The fields no metadata file gives, kept at package_defaults(kind): the model's table.
std::string defaults_left_out(bool permanent_given) {
  return std::string(permanent_given ? "restart, applies_to, online_actions"
                                     : "restart, permanent, applies_to, online_actions") +
         ": the kind's defaults (servicing-model.md, section 2); no metadata file has an "
         "attribute the model's fields mean";
}

/// `attribute` of `document` with its value: `CompDB/@TargetOSVersion "10.0.26100.8117"`.
std::string attribute_text(std::string_view attribute, std::string_view value) {
  return fmt::format("{} \"{}\"", attribute, detail::printable(value));
}

/// The innermost file of an origin path: "X.xml" of "A.cab > X.xml.cab > X.xml".
std::string base_name_of(const std::string& origin) {
  const std::size_t separator = origin.rfind(" > ");
  return separator == std::string::npos ? origin : origin.substr(separator + 3);
}

FieldSource field_source(std::string field, const std::string& document, std::string_view attribute,
                         std::string_view value) {
  return FieldSource{std::move(field), document, attribute_text(attribute, value)};
}

// ---- the 24H2+ (WIM) layout ---------------------------------------------------------------

/// The kind a CompDB Feature/@Type stands for; the types seen in real CompDBs that svcsim can
/// model. Other types (Safe OS, enablement) are refused by name rather than guessed.
std::optional<PackageKind> kind_of_feature(std::string_view type) {
  if (type == "CumulativeUpdate") return PackageKind::cu;
  if (type == "ServicingStackUpdate") return PackageKind::ssu;
  if (type == "SetupDynamicUpdate") return PackageKind::setup_du;
  return std::nullopt;
}

struct FeatureAt {
  const detail::LocatedCompDb* located = nullptr;
  const CompDbFeature* feature = nullptr;
  PackageKind kind = PackageKind::cu;
};

FourPartVersion compdb_version(const detail::LocatedCompDb& located, std::string_view attribute,
                               const std::string& value, const std::string& where) {
  const std::string place = where + ": " + located.origin;
  if (value.empty()) throw InputError(fmt::format("{}: CompDB has no @{}", place, attribute));
  const auto version = parse_four_part_version(value);
  if (!version) {
    throw InputError(fmt::format("{}: CompDB/@{} {} is not a version a.b.c.d", place, attribute,
                                 in_quotes(value)));
  }
  return *version;
}

/// The build and revision of "SSU-26100.8115-x64.cab", or nullopt.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_ssu_cabinet_name(std::string_view name) {
  if (!detail::starts_with_ignoring_case(name, "SSU-") || !detail::ends_with_ignoring_case(name, ".cab")) {
    return std::nullopt;
  }
  const std::string_view middle = name.substr(4, name.size() - 8);  // "26100.8115-x64"
  const std::size_t dash = middle.find('-');
  if (dash == std::string_view::npos || dash + 1 >= middle.size()) return std::nullopt;
  // "26100.8115" read as a four-part version "0.0.26100.8115" keeps one number parser.
  const auto version = parse_four_part_version("0.0." + std::string(middle.substr(0, dash)));
  if (!version) return std::nullopt;
  return std::pair{version->build(), version->revision()};
}

/// The one SSU cabinet of a WIM whose servicing stack CompDB says `build`.`revision`.
std::string matching_ssu_cabinet(const detail::WimContents& contents, std::uint32_t build,
                                 std::uint32_t revision, const std::string& where) {
  if (contents.ssu_cabinets.size() != 1) {
    throw InputError(fmt::format("{}: a servicing stack CompDB says {}.{} but the WIM holds {} "
                                 "SSU-*.cab files (expected one)",
                                 where, build, revision, contents.ssu_cabinets.size()));
  }
  const std::string& name = contents.ssu_cabinets.front();
  const auto parsed = parse_ssu_cabinet_name(name);
  if (!parsed || parsed->first != build || parsed->second != revision) {
    throw InputError(fmt::format("{}: the servicing stack CompDB says {}.{} but the WIM holds {}",
                                 where, build, revision, in_quotes(name)));
  }
  return name;
}

ImportedUpdate map_wim(const std::filesystem::path& path, const std::string& where,
                       const detail::WimContents& contents) {
  std::vector<FeatureAt> stacks;
  std::vector<FeatureAt> others;
  for (const detail::LocatedCompDb& located : contents.update_compdbs) {
    if (located.compdb.features.empty()) {
      throw InputError(where + ": " + located.origin + ": CompDB has no Features/Feature");
    }
    for (const CompDbFeature& feature : located.compdb.features) {
      const auto kind = kind_of_feature(feature.type);
      if (!kind) {
        throw InputError(fmt::format("{}: {}: Feature/@Type {} is not a kind svcsim imports "
                                     "(CumulativeUpdate, ServicingStackUpdate, SetupDynamicUpdate)",
                                     where, located.origin, in_quotes(feature.type)));
      }
      (*kind == PackageKind::ssu ? stacks : others).push_back(FeatureAt{&located, &feature, *kind});
    }
  }
  if (stacks.empty() && others.empty()) {
    throw InputError(where + ": no update CompDB (Type=\"BuildUpdate\") in the metadata");
  }
  if (others.size() > 1) {
    throw InputError(fmt::format("{}: the metadata describes {} updates besides a servicing stack; "
                                 "svcsim imports one update per .msu",
                                 where, others.size()));
  }
  if (stacks.size() > 1) {
    throw InputError(fmt::format("{}: the metadata describes {} servicing stacks; an .msu bundles "
                                 "at most one", where, stacks.size()));
  }
  const FeatureAt primary = others.empty() ? stacks.front() : others.front();
  // A servicing stack beside an update is bundled with it.
  const FeatureAt* bundled_stack = !others.empty() && !stacks.empty() ? &stacks.front() : nullptr;
  const detail::LocatedCompDb& located = *primary.located;
  const CompDb& compdb = located.compdb;

  ImportedUpdate update;
  update.path = path.string();
  update.layout = MsuLayout::wim;
  update.notes = contents.notes;
  model::Package& package = update.package;
  package = model::package_defaults(primary.kind);

  // id: the KB after the last '_' of the FeatureID ("CumulativeUpdate_KB5086672").
  const std::string& feature_id = primary.feature->feature_id;
  const std::size_t underscore = feature_id.rfind('_');
  const auto id = kb_id_from_text(underscore == std::string::npos ? std::string_view(feature_id)
                                                                  : std::string_view(feature_id).substr(underscore + 1));
  if (!id) {
    throw InputError(fmt::format("{}: {}: Feature/@FeatureID {} does not end in a KB number", where,
                                 located.origin, in_quotes(feature_id)));
  }
  package.id = *id;
  update.sources.push_back(field_source("id", located.origin, "Feature/@FeatureID", feature_id));
  update.sources.push_back(
      field_source("kind", located.origin, "Feature/@Type", primary.feature->type));
  package.file = path.filename().string();
  update.sources.push_back(FieldSource{"file", "", "the .msu's own name"});

  // identity: the feature's one package, else the CompDB's one package.
  std::vector<std::string> feature_packages;
  for (const std::string& package_id : primary.feature->package_ids) {
    if (!package_id.empty()) feature_packages.push_back(package_id);
  }
  if (feature_packages.size() == 1) {
    package.identity = feature_packages.front();
    update.sources.push_back(
        field_source("identity", located.origin, "Feature/Packages/Package/@ID", package.identity));
  } else if (feature_packages.empty() && compdb.package_ids.size() == 1 &&
             !compdb.package_ids.front().empty()) {
    package.identity = compdb.package_ids.front();
    update.sources.push_back(
        field_source("identity", located.origin, "Packages/Package/@ID", package.identity));
  } else {
    update.left_out.push_back(fmt::format("identity: {} names {} packages for the feature and {} in "
                                          "all, not one",
                                          located.origin, feature_packages.size(),
                                          compdb.package_ids.size()));
  }

  const FourPartVersion target =
      compdb_version(located, "TargetOSVersion", compdb.target_os_version, where);
  update.build = target.build();
  update.build_origin = fmt::format("{}: {}: {}", package.file, base_name_of(located.origin),
                                    attribute_text("CompDB/@TargetOSVersion", compdb.target_os_version));
  if (primary.kind != PackageKind::setup_du) {
    package.revision = target.revision();
    update.sources.push_back(field_source("revision", located.origin, "CompDB/@TargetOSVersion",
                                          compdb.target_os_version));
  }
  if (model::is_cumulative(primary.kind)) {
    const FourPartVersion baseline = compdb_version(located, "OSVersion", compdb.os_version, where);
    if (baseline.build() != target.build() || baseline.revision() > target.revision()) {
      throw InputError(fmt::format("{}: {}: CompDB/@OSVersion {} is not an earlier revision of "
                                   "@TargetOSVersion {}",
                                   where, located.origin, in_quotes(compdb.os_version),
                                   in_quotes(compdb.target_os_version)));
    }
    package.baseline = baseline.revision();
    update.sources.push_back(
        field_source("baseline", located.origin, "CompDB/@OSVersion", compdb.os_version));
  }
  update.architecture = compdb.build_arch;
  update.branch = compdb.target_build_info.substr(0, compdb.target_build_info.find('.'));

  if (bundled_stack != nullptr) {
    const detail::LocatedCompDb& stack = *bundled_stack->located;
    const FourPartVersion stack_version =
        compdb_version(stack, "TargetOSVersion", stack.compdb.target_os_version, where);
    if (stack_version.build() != target.build()) {
      throw InputError(fmt::format("{}: the servicing stack is for build {}, the update for {}",
                                   where, stack_version.build(), target.build()));
    }
    const std::string stack_branch =
        stack.compdb.target_build_info.substr(0, stack.compdb.target_build_info.find('.'));
    if (stack_branch != update.branch || stack.compdb.build_arch != compdb.build_arch) {
      throw InputError(fmt::format("{}: {} and {} disagree on @TargetBuildInfo's branch or "
                                   "@BuildArch", where, stack.origin, located.origin));
    }
    const std::string cabinet =
        matching_ssu_cabinet(contents, stack_version.build(), stack_version.revision(), where);
    package.bundled_ssu = stack_version.revision();
    update.sources.push_back(FieldSource{
        "bundled_ssu", stack.origin,
        attribute_text("CompDB/@TargetOSVersion", stack.compdb.target_os_version) + ", with " +
            cabinet + " in the WIM"});
  } else if (primary.kind == PackageKind::ssu) {
    const std::string cabinet = matching_ssu_cabinet(contents, target.build(), target.revision(), where);
    update.notes.push_back("the servicing stack itself is " + cabinet);
  } else if (!contents.ssu_cabinets.empty()) {
    throw InputError(where + ": the WIM holds " + in_quotes(contents.ssu_cabinets.front()) +
                     " but no servicing stack CompDB describes it");
  } else {
    update.notes.push_back("bundled_ssu: none; the WIM holds no SSU-*.cab and no servicing "
                           "stack CompDB");
  }
  update.left_out.push_back("ssu_min: no CompDB attribute names a minimum servicing stack");
  update.left_out.push_back(defaults_left_out(false));
  SVCSIM_ASSERT(!update.package.id.empty());
  SVCSIM_ASSERT(update.build != 0 || target.build() == 0);
  return update;
}

// ---- the classic (CAB) layout -------------------------------------------------------------

/// The kind of a classic update from its identity's name: windows-servicing-facts.md §1.3 says
/// the name prefix is the only reliable way to tell an SSU from an LCU (both are "Security
/// Update").
std::optional<PackageKind> kind_of_identity_name(std::string_view name) {
  if (detail::equals_ignoring_case(name, "Package_for_RollupFix")) return PackageKind::cu;
  if (detail::starts_with_ignoring_case(name, "Package_for_ServicingStack")) return PackageKind::ssu;
  if (detail::starts_with_ignoring_case(name, "Package_for_DotNetRollup")) return PackageKind::dotnet_cu;
  return std::nullopt;
}

std::string trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

ImportedUpdate map_cab(const std::filesystem::path& path, const std::string& where,
                       const detail::CabContents& contents) {
  ImportedUpdate update;
  update.path = path.string();
  update.layout = MsuLayout::cab;
  update.notes = contents.notes;

  // The identity: the unattend file's, which DISM installs; update.mum must agree with it.
  std::optional<AssemblyIdentity> identity;
  std::string identity_document;  // the file inside the .msu
  std::string identity_element;   // the element in it
  if (contents.unattend) {
    if (contents.unattend->packages.size() != 1) {
      throw InputError(fmt::format("{}: {}: the unattend file lists {} packages; an .msu has one",
                                   where, contents.unattend_origin, contents.unattend->packages.size()));
    }
    identity = contents.unattend->packages.front().identity;
    identity_document = contents.unattend_origin;
    identity_element = "unattend/servicing/package/assemblyIdentity";
  }
  if (contents.update_mum) {
    if (identity && !(*identity == contents.update_mum->identity)) {
      throw InputError(fmt::format("{}: the unattend file installs {} but {} is {}", where,
                                   in_quotes(cbs_identity(*identity)), contents.update_mum_origin,
                                   in_quotes(cbs_identity(contents.update_mum->identity))));
    }
    if (!identity) {
      identity = contents.update_mum->identity;
      identity_document = contents.update_mum_origin;
      identity_element = "assembly/assemblyIdentity";
    }
  }
  if (!identity) {
    throw InputError(where + ": neither an unattend file nor an update.mum gives the package "
                             "identity, so its kind is unknown");
  }
  const std::string identity_origin = identity_document + ": " + identity_element;
  const auto version = parse_four_part_version(identity->version);
  if (!version) {
    throw InputError(fmt::format("{}: {}: version {} is not a version a.b.c.d", where,
                                 identity_origin, in_quotes(identity->version)));
  }
  const auto kind = kind_of_identity_name(identity->name);
  if (!kind) {
    throw InputError(fmt::format("{}: {}: cannot tell the update's kind from the name {} "
                                 "(svcsim knows Package_for_RollupFix, Package_for_ServicingStack*, "
                                 "Package_for_DotNetRollup*) and does not guess",
                                 where, identity_origin, in_quotes(identity->name)));
  }
  model::Package& package = update.package;
  package = model::package_defaults(*kind);

  const auto kb_number = contents.properties.find("KB Article Number");
  if (!kb_number) {
    throw InputError(where + ": " + contents.properties_origin + " has no \"KB Article Number\"");
  }
  const auto id = kb_id_from_number(trimmed(*kb_number));
  if (!id) {
    throw InputError(fmt::format("{}: {}: KB Article Number {} is not a number", where,
                                 contents.properties_origin, in_quotes(*kb_number)));
  }
  package.id = *id;
  update.sources.push_back(
      field_source("id", contents.properties_origin, "KB Article Number", *kb_number));
  update.sources.push_back(
      field_source("kind", identity_document, identity_element + "/@name", identity->name));
  package.file = path.filename().string();
  update.sources.push_back(FieldSource{"file", "", "the .msu's own name"});
  package.identity = cbs_identity(*identity);
  update.sources.push_back(FieldSource{
      "identity", identity_document,
      identity_element + " as name~publicKeyToken~processorArchitecture~language~version"});
  // An identity version is <build>.<UBR>.<x>.<y> (§1.3): a CU's UBR, an SSU's stack revision.
  update.build = version->parts[0];
  update.build_origin = fmt::format("{}: {}: {}", package.file, identity_document,
                                    attribute_text(identity_element + "/@version", identity->version));
  if (*kind == PackageKind::cu || *kind == PackageKind::ssu) {
    package.revision = version->parts[1];
    update.sources.push_back(field_source("revision", identity_document,
                                          identity_element + "/@version", identity->version));
  }
  update.architecture = identity->processor_architecture;

  const auto& mum = contents.update_mum;
  if (mum && !mum->package_identifier.empty() && kb_id_from_text(mum->package_identifier) != package.id) {
    throw InputError(fmt::format("{}: {} says KB Article Number {} but {} says package identifier {}",
                                 where, contents.properties_origin, in_quotes(*kb_number),
                                 contents.update_mum_origin, in_quotes(mum->package_identifier)));
  }
  if (*kind == PackageKind::cu) {
    // The parents a CU must be installed over (revisionCompare="GE"): their revision is the
    // build the CU is a delta against.
    std::vector<std::uint32_t> revisions;
    std::string first_parent;
    if (mum) {
      for (const AssemblyIdentity& parent : mum->parents_at_least) {
        const auto parent_version = parse_four_part_version(parent.version);
        if (!parent_version) continue;
        if (revisions.empty()) first_parent = parent.name + " " + parent.version;
        revisions.push_back(parent_version->revision());
      }
    }
    std::sort(revisions.begin(), revisions.end());
    revisions.erase(std::unique(revisions.begin(), revisions.end()), revisions.end());
    if (revisions.size() == 1 && revisions.front() <= package.revision) {
      package.baseline = revisions.front();
      update.sources.push_back(FieldSource{
          "baseline", contents.update_mum_origin,
          "package/parent[@revisionCompare=\"GE\"]/assemblyIdentity/@version (" +
              detail::printable(first_parent) + ")"});
    } else if (!mum) {
      update.left_out.push_back("baseline: no update.mum was read");
    } else {
      update.left_out.push_back(fmt::format("baseline: update.mum's GE parents name {} distinct "
                                            "revisions at or below the update's, not one",
                                            revisions.size()));
    }
  }
  if (mum && detail::equals_ignoring_case(mum->permanence, "permanent")) {
    package.permanent = true;
    update.sources.push_back(field_source("permanent", contents.update_mum_origin,
                                          "package/@permanence", mum->permanence));
  }
  if (mum && !mum->restart.empty()) {
    update.notes.push_back(fmt::format(
        "{}: package/@restart \"{}\" read, not used: it is what DISM shows as \"Restart "
        "Required\" (LCUs say \"possible\"), while the model's restart is what an online add "
        "does; the kind's default stays",
        contents.update_mum_origin, detail::printable(mum->restart)));
  }

  if (contents.ssu_cabinets.size() > 1) {
    throw InputError(fmt::format("{}: {} SSU-*.cab files; an .msu bundles at most one", where,
                                 contents.ssu_cabinets.size()));
  }
  if (contents.ssu_cabinets.size() == 1) {
    const std::string& name = contents.ssu_cabinets.front();
    const auto parsed = parse_ssu_cabinet_name(name);
    if (!parsed || parsed->first != update.build) {
      throw InputError(fmt::format("{}: {} is not SSU-<build>.<revision>-<arch>.cab for build {}",
                                   where, in_quotes(name), update.build));
    }
    package.bundled_ssu = parsed->second;
    update.sources.push_back(
        FieldSource{"bundled_ssu", name, "the name's revision (SSU-<build>.<revision>-<arch>.cab)"});
  } else {
    update.notes.push_back("bundled_ssu: none; the .msu holds no SSU-*.cab");
  }

  update.applicability = contents.properties.find("Applicability Info").value_or("");
  for (const std::string_view key : {"Package Type", "Installation Type"}) {
    if (const auto value = contents.properties.find(key)) {
      update.notes.push_back(fmt::format("{}: {} \"{}\" read, not used: it does not tell an SSU "
                                         "from an LCU (the identity's name does)",
                                         contents.properties_origin, key, detail::printable(*value)));
    }
  }
  update.left_out.push_back("ssu_min: no metadata file names a minimum servicing stack");
  update.left_out.push_back(
      defaults_left_out(mum && detail::equals_ignoring_case(mum->permanence, "permanent")));
  SVCSIM_ASSERT(!update.package.id.empty());
  SVCSIM_ASSERT(!update.package.identity.empty());
  return update;
}

// ---- the set ----------------------------------------------------------------------------------

std::vector<std::filesystem::path> expand_inputs(const std::vector<std::filesystem::path>& inputs,
                                                 std::size_t count_max) {
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::path& input : inputs) {
    std::error_code error;
    if (!std::filesystem::is_directory(input, error)) {
      files.push_back(input);
    } else {
      std::vector<std::filesystem::path> found;
      for (std::filesystem::directory_iterator walk(input, error), end; !error && walk != end;
           walk.increment(error)) {
        if (!detail::ends_with_ignoring_case(walk->path().filename().string(), ".msu")) continue;
        if (!walk->is_regular_file(error)) continue;
        found.push_back(walk->path());
        if (found.size() > count_max) break;
      }
      if (error) throw InputError(input.string() + ": cannot list the folder: " + error.message());
      if (found.empty()) throw InputError(input.string() + ": the folder holds no .msu file");
      // Directory order depends on the file system; name order makes every import alike.
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    }
    if (files.size() > count_max) {
      throw InputError(fmt::format("more than {} .msu files (a catalog holds at most {} packages)",
                                   count_max, count_max));
    }
  }
  if (files.empty()) throw InputError("no .msu file given");
  return files;
}

/// Whether a pkgProperties "Applicability Info" names Windows client or Windows Server products.
bool names_product(std::string_view applicability, Product product) {
  const std::string text = detail::lower_case(applicability);
  if (product == Product::server) return text.find("server") != std::string::npos;
  return text.find("windows 10") != std::string::npos || text.find("windows 11") != std::string::npos ||
         text.find("windows 8") != std::string::npos || text.find("windows 7") != std::string::npos ||
         text.find("windows vista") != std::string::npos;
}

/// The files of one import describe one branch of one product.
void check_agreement(ImportResult& result, const ImportOptions& options) {
  const ImportedUpdate& first = result.updates.front();
  const ImportedUpdate* branch_holder = nullptr;
  for (const ImportedUpdate& update : result.updates) {
    if (update.build != first.build) {
      throw InputError(fmt::format("the files disagree on the build: {} is {} ({}), {} is {} ({})",
                                   first.path, first.build, first.build_origin, update.path,
                                   update.build, update.build_origin));
    }
    if (!detail::equals_ignoring_case(update.architecture, first.architecture)) {
      throw InputError(fmt::format("the files disagree on the architecture: {} is {}, {} is {}",
                                   first.path, in_quotes(first.architecture), update.path,
                                   in_quotes(update.architecture)));
    }
    if (update.branch.empty()) continue;
    if (branch_holder != nullptr && update.branch != branch_holder->branch) {
      throw InputError(fmt::format(
          "the files disagree on the branch of @TargetBuildInfo, the only thing that tells client "
          "from server packages: {} is {}, {} is {}; import each product's files separately",
          branch_holder->path, in_quotes(branch_holder->branch), update.path, in_quotes(update.branch)));
    }
    branch_holder = &update;
  }
  result.build = first.build;
  result.build_origin = first.build_origin;
  result.architecture = first.architecture;

  result.product = options.product;
  if (!options.product) {
    result.product_origin = "not given (--product); the files were not checked against one";
    return;
  }
  const Product product = *options.product;
  const Product other = product == Product::client ? Product::server : Product::client;
  std::vector<std::string> checks;
  for (const ImportedUpdate& update : result.updates) {
    if (update.applicability.empty()) continue;
    if (!names_product(update.applicability, product) && names_product(update.applicability, other)) {
      throw InputError(fmt::format("{}: Applicability Info {} names {} products, not --product {}; "
                                   "svcsim does not guess which one you meant",
                                   update.path, in_quotes(update.applicability), product_name(other),
                                   product_name(product)));
    }
    checks.push_back(fmt::format("{} Applicability Info \"{}\"", update.package.file,
                                 detail::printable(update.applicability)));
  }
  result.product_origin = fmt::format("--product {}", product_name(product));
  if (!checks.empty()) result.product_origin += "; agrees with " + fmt::format("{}", fmt::join(checks, ", "));
  if (branch_holder != nullptr) {
    result.product_origin += fmt::format(
        "; the WIM files' branch {} is not checked against it: svcsim knows no table of branch "
        "tokens, only that the files agree", in_quotes(branch_holder->branch));
  }
}

/// A cumulative update that another update of the set names as its baseline is a checkpoint:
/// the metadata marks a checkpoint only through the updates that build on it.
void mark_checkpoints(ImportResult& result) {
  for (ImportedUpdate& update : result.updates) {
    model::Package& package = update.package;
    if (!model::is_cumulative(package.kind)) continue;
    const ImportedUpdate* dependent = nullptr;
    for (const ImportedUpdate& other : result.updates) {
      if (&other != &update && model::is_cumulative(other.package.kind) &&
          other.package.baseline != 0 && other.package.baseline == package.revision) {
        dependent = &other;
        break;
      }
    }
    if (dependent == nullptr) continue;
    package.kind = PackageKind::checkpoint_cu;
    for (FieldSource& source : update.sources) {
      if (source.field != "kind") continue;
      source.attribute += fmt::format("; a checkpoint because {} names revision {} as its baseline",
                                   dependent->package.id, package.revision);
    }
  }
}

/// The plan's order: servicing stacks first (a combined update installs its own stack first
/// too), then cumulative updates by revision, so a checkpoint precedes the updates whose
/// baseline it is, then what installs on top of a cumulative update.
int order_rank(PackageKind kind) {
  switch (kind) {
    case PackageKind::ssu: return 0;
    case PackageKind::checkpoint_cu:
    case PackageKind::cu: return 1;
    case PackageKind::enablement: return 2;
    case PackageKind::dotnet_cu: return 3;
    case PackageKind::language_pack:
    case PackageKind::fod: return 4;
    case PackageKind::safeos_du: return 5;
    case PackageKind::setup_du: return 6;
  }
  return 7;
}

ImportResult import_files(const std::vector<std::filesystem::path>& inputs,
                          const ImportOptions& options) {
  const std::vector<std::filesystem::path> files =
      expand_inputs(inputs, options.limits.msu_count_max);
  detail::TempFolder folder(options.temp_parent);
  detail::ExtractBudget budget(options.limits.extract_bytes_max);
  detail::ReadContext context{folder, budget, options.limits};

  ImportResult result;
  std::map<std::string, std::string> path_of_id;
  for (const std::filesystem::path& file : files) {
    const std::string where = file.string();
    ImportedUpdate update = detail::detect_container(file, where) == detail::Container::wim
                                ? map_wim(file, where, detail::read_wim_msu(file, where, context))
                                : map_cab(file, where, detail::read_cab_msu(file, where, context));
    if (auto checked = model::check_package(update.package); !checked) {
      throw InputError(where + ": " + update.package.id + ": " + checked.error());
    }
    const auto [previous, inserted] = path_of_id.emplace(update.package.id, where);
    if (!inserted) {
      throw InputError(fmt::format("{} is in both {} and {}", update.package.id, previous->second, where));
    }
    result.updates.push_back(std::move(update));
  }
  SVCSIM_ASSERT(!result.updates.empty());
  check_agreement(result, options);
  mark_checkpoints(result);
  std::stable_sort(result.updates.begin(), result.updates.end(),
                   [](const ImportedUpdate& left, const ImportedUpdate& right) {
                     const model::Package& a = left.package;
                     const model::Package& b = right.package;
                     return std::tuple(order_rank(a.kind), a.revision, a.id) <
                            std::tuple(order_rank(b.kind), b.revision, b.id);
                   });
  SVCSIM_ASSERT(result.updates.size() == files.size());
  return result;
}

}  // namespace

Result<ImportResult, std::string> import_msu_files(const std::vector<std::filesystem::path>& inputs,
                                                   const ImportOptions& options) {
  // Bad input throws InputError from anywhere below; the private folder is gone by the time it
  // arrives here (TempFolder's destructor runs during unwinding).
  try {
    return import_files(inputs, options);
  } catch (const InputError& error) {
    return unexpected(std::string(error.what()));
  } catch (const std::filesystem::filesystem_error& error) {
    return unexpected(std::string(error.what()));
  } catch (const std::bad_alloc&) {
    return unexpected(std::string("out of memory reading the metadata"));
  }
}

}  // namespace svcsim::import
