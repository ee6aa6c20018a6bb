// The classic .msu (windows-servicing-facts.md §1.1): a cabinet holding *-pkgProperties.txt, an
// unattend .xml, WSUSSCAN.cab, the update's own cabinet (which holds update.mum) and, in
// combined updates, an SSU-<build>.<rev>-<arch>.cab.
#include <fmt/format.h>

#include "layout.hpp"
#include "svcsim/model/assert.hpp"
#include "text.hpp"

namespace svcsim::import::detail {

CabContents read_cab_msu(const std::filesystem::path& file, const std::string& where,
                         ReadContext& context) {
  Cabinet msu(file, where, context.limits.archive_entry_count_max);
  CabContents contents;
  std::vector<std::size_t> properties;
  std::vector<std::size_t> xml_files;
  std::vector<std::size_t> update_cabinets;
  for (std::size_t index = 0; index < msu.entries().size(); ++index) {
    const std::string& name = msu.entries()[index].name;
    if (ends_with_ignoring_case(name, "-pkgProperties.txt")) {
      properties.push_back(index);
    } else if (ends_with_ignoring_case(name, ".xml")) {
      xml_files.push_back(index);
    } else if (equals_ignoring_case(name, "WSUSSCAN.cab")) {
      contents.notes.push_back("skipped " + name + ": Windows Update's applicability scan data");
    } else if (starts_with_ignoring_case(name, "SSU-") && ends_with_ignoring_case(name, ".cab")) {
      contents.ssu_cabinets.push_back(name);
    } else if (ends_with_ignoring_case(name, ".cab")) {
      update_cabinets.push_back(index);
    } else {
      contents.notes.push_back("skipped " + name + ": not metadata");
    }
  }

  if (properties.size() != 1) {
    throw InputError(properties.empty()
                         ? where + ": the cabinet has no *-pkgProperties.txt (not the classic .msu layout)"
                         : fmt::format("{}: the cabinet has {} *-pkgProperties.txt files; an .msu has one",
                                       where, properties.size()));
  }
  {
    const ArchiveEntry& entry = msu.entries()[properties.front()];
    const std::string entry_where = where + ": " + entry.name;
    auto parsed = parse_pkg_properties(
        msu.extract_to_memory(properties.front(), context.budget, metadata_bytes_max));
    if (!parsed) throw InputError(entry_where + ": " + parsed.error());
    contents.properties_origin = entry.name;
    contents.properties = *std::move(parsed);
  }

  for (const std::size_t index : xml_files) {
    const ArchiveEntry& entry = msu.entries()[index];
    const std::string entry_where = where + ": " + entry.name;
    const std::string text = msu.extract_to_memory(index, context.budget, metadata_bytes_max);
    if (!looks_like_unattend(text)) {
      contents.notes.push_back("skipped " + entry.name + ": not an unattend file");
      continue;
    }
    if (contents.unattend) {
      throw InputError(fmt::format("{}: a second unattend file beside {}", entry_where,
                                   contents.unattend_origin));
    }
    auto parsed = parse_unattend(text);
    if (!parsed) throw InputError(entry_where + ": " + parsed.error());
    contents.unattend = *std::move(parsed);
    contents.unattend_origin = entry.name;
  }

  // The update's cabinet: the one the unattend file installs, else the only candidate.
  std::optional<std::size_t> update_index;
  if (contents.unattend && contents.unattend->packages.size() == 1 &&
      !contents.unattend->packages.front().source_location.empty()) {
    const std::string_view named = base_name(contents.unattend->packages.front().source_location);
    for (const std::size_t index : update_cabinets) {
      if (equals_ignoring_case(msu.entries()[index].name, named)) update_index = index;
    }
    if (!update_index) {
      throw InputError(fmt::format("{}: {}: source/@location names {}, which the .msu does not hold",
                                   where, contents.unattend_origin, in_quotes(named)));
    }
  } else if (update_cabinets.size() == 1) {
    update_index = update_cabinets.front();
  } else if (update_cabinets.size() > 1) {
    throw InputError(fmt::format("{}: {} update cabinets and no unattend file naming one; svcsim "
                                 "imports an .msu with one update",
                                 where, update_cabinets.size()));
  }
  if (!update_index) {
    contents.notes.push_back("no update cabinet beside the metadata: update.mum not read");
    return contents;
  }

  const ArchiveEntry& update = msu.entries()[*update_index];
  contents.update_cabinet = update.name;
  const std::string update_where = where + ": " + update.name;
  // The inner cabinet is the payload: the largest thing extracted, to the private folder (not
  // memory), bounded only by the budget. The small documents are read into memory.
  const auto extracted =
      msu.extract(*update_index, context.folder, context.budget, context.budget.bytes_max());
  Cabinet inner(extracted, update_where, context.limits.archive_entry_count_max);
  for (std::size_t index = 0; index < inner.entries().size(); ++index) {
    const ArchiveEntry& entry = inner.entries()[index];
    if (!equals_ignoring_case(entry.name, "update.mum")) continue;
    const std::string mum_where = update_where + ": " + entry.name;
    auto parsed = parse_update_mum(inner.extract_to_memory(index, context.budget, metadata_bytes_max));
    if (!parsed) throw InputError(mum_where + ": " + parsed.error());
    contents.update_mum = *std::move(parsed);
    contents.update_mum_origin = update.name + " > " + entry.name;
    break;
  }
  if (!contents.update_mum) contents.notes.push_back("no update.mum in " + update.name);
  SVCSIM_ASSERT(!contents.properties_origin.empty());
  SVCSIM_ASSERT(!contents.update_cabinet.empty());
  return contents;
}

}  // namespace svcsim::import::detail
