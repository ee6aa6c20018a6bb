// The 24H2+ .msu (windows-servicing-facts.md §1.2): a WIM whose root holds
// onepackage.AggregatedMetadata.cab, which holds one .xml.cab per package, each holding a CompDB.
// Only the metadata is extracted (the metadata cabinet to the private folder, since wimlib
// extracts to files; the documents inside it into memory): the payload (.psf, .wim, the SSU
// cabinet) is listed, never read.
#include <fmt/format.h>

#include "layout.hpp"
#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import::detail {
namespace {

constexpr std::string_view aggregated_metadata_name = "onepackage.AggregatedMetadata.cab";

/// Reads every CompDB below `cabinet`, descending into the cabinets it holds up to the depth
/// limit: a cabinet that holds itself, directly or not, ends there. The documents are small and
/// read whole, so they are extracted into memory (archive.hpp says why).
void read_metadata_cabinet(Cabinet& cabinet, const std::string& origin, int depth,
                           ReadContext& context, WimContents& contents) {
  SVCSIM_ASSERT(depth >= 1);
  SVCSIM_ASSERT(depth <= context.limits.cabinet_depth_max);
  for (std::size_t index = 0; index < cabinet.entries().size(); ++index) {
    const ArchiveEntry& entry = cabinet.entries()[index];
    const std::string entry_where = cabinet.where() + ": " + entry.name;
    const std::string entry_origin = origin + " > " + entry.name;
    if (ends_with_ignoring_case(entry.name, ".cab")) {
      if (depth + 1 > context.limits.cabinet_depth_max) {
        throw InputError(fmt::format("{}: cabinets nested deeper than {} levels (a cab-in-cab loop?)",
                                     entry_where, context.limits.cabinet_depth_max));
      }
      Cabinet nested(cabinet.extract_to_memory(index, context.budget,
                                               context.limits.metadata_cabinet_bytes_max),
                     entry_where, context.limits.archive_entry_count_max);
      read_metadata_cabinet(nested, entry_origin, depth + 1, context, contents);
    } else if (ends_with_ignoring_case(entry.name, ".xml")) {
      const std::string text = cabinet.extract_to_memory(index, context.budget, metadata_bytes_max);
      auto compdb = parse_compdb(text);
      if (!compdb) throw InputError(entry_where + ": " + compdb.error());
      if (compdb->type != "BuildUpdate") {
        contents.notes.push_back(fmt::format("skipped {}: CompDB Type={} describes a build, not "
                                             "an update",
                                             entry_origin, in_quotes(compdb->type)));
        continue;
      }
      contents.update_compdbs.push_back(
          LocatedCompDb{entry_origin, std::string(base_name(entry.name)), *std::move(compdb)});
    } else {
      // JSON manifests repeat the CompDBs for other tools; anything else is not metadata.
      contents.notes.push_back("skipped " + entry_origin + ": not a CompDB XML");
    }
  }
}

}  // namespace

WimContents read_wim_msu(const std::filesystem::path& file, const std::string& where,
                         ReadContext& context) {
  WimArchive wim(file, where, context.limits.archive_entry_count_max);
  WimContents contents;
  std::optional<std::size_t> metadata_index;
  for (std::size_t index = 0; index < wim.entries().size(); ++index) {
    const ArchiveEntry& entry = wim.entries()[index];
    if (entry.directory) continue;
    if (equals_ignoring_case(entry.name, aggregated_metadata_name)) {
      metadata_index = index;
    } else if (starts_with_ignoring_case(entry.name, "SSU-") &&
               ends_with_ignoring_case(entry.name, ".cab")) {
      contents.ssu_cabinets.push_back(entry.name);
    }
  }
  if (!metadata_index) {
    throw InputError(where + ": the WIM has no " + std::string(aggregated_metadata_name) +
                     " (not the 24H2+ .msu layout)");
  }
  const std::string metadata_name = wim.entries()[*metadata_index].name;
  const auto extracted = wim.extract(*metadata_index, context.folder, context.budget,
                                     context.limits.metadata_cabinet_bytes_max);
  Cabinet metadata(extracted, where + ": " + metadata_name, context.limits.archive_entry_count_max);
  read_metadata_cabinet(metadata, metadata_name, 1, context, contents);
  SVCSIM_ASSERT(metadata_index.has_value());
  return contents;
}

}  // namespace svcsim::import::detail
