// The rules on a declared starting state (target_spec.hpp): which records, flags and values a
// target may start with, and the TargetState they stand for.
#include "svcsim/model/target_spec.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "svcsim/model/assert.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/text.hpp"

namespace svcsim::model {
namespace {

using detail::quote;
using detail::with_article;

constexpr std::array<std::string_view, starting_list_count> starting_list_names = {
    "installed", "superseded", "install_pending", "staged"};

constexpr std::array<StartingList, starting_list_count> starting_lists = {
    StartingList::installed, StartingList::superseded, StartingList::install_pending,
    StartingList::staged};

/// The vector of `list` in `spec`, const or not (one switch for both overloads).
template <typename Spec>
auto& records_of(Spec& spec, StartingList list) {
  switch (list) {
    case StartingList::installed: return spec.installed;
    case StartingList::superseded: return spec.superseded;
    case StartingList::install_pending: return spec.install_pending;
    case StartingList::staged: return spec.staged;
  }
  SVCSIM_ASSERT_MSG(false, "unhandled starting list");
  return spec.installed;
}

Unexpected<std::string> failure(std::string message) { return unexpected(std::move(message)); }

/// "'KB1' (cu)": how a message names a package.
std::string named(const Package& package) {
  return quote(package.id) + " (" + std::string(package_kind_name(package.kind)) + ")";
}

/// The list (earlier ones, or earlier entries of `list`) that already holds `index`, if any.
std::optional<StartingList> listed_before(const TargetSpec& spec, StartingList list,
                                          std::size_t position, PackageIndex index) {
  for (StartingList earlier : starting_lists) {
    const std::vector<PackageIndex>& records = starting_records(spec, earlier);
    const std::size_t end = earlier == list ? position : records.size();
    if (std::find(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(end), index) !=
        records.begin() + static_cast<std::ptrdiff_t>(end)) {
      return earlier;
    }
    if (earlier == list) break;
  }
  return std::nullopt;
}

/// Whether CBS could have left `package` queued (install_pending) on the target, judged by how
/// apply() queues a package (§4.1 checks 4 and 11).
Result<Ok, std::string> check_install_pending(const TargetSpec& spec, const Package& package) {
  const bool online = !is_offline(spec.kind);
  if (package.kind == PackageKind::ssu) {
    // An SSU installs in a session of its own and is permanent from the moment it commits. On a
    // running installation it waits for a reboot only if it says so (restart: required, which
    // §4.3 then commits to permanent); on an image only online actions keep a package pending.
    if (online && package.restart != RestartType::required) {
      return failure(named(package) + " cannot start install_pending: an SSU commits at once "
                                      "unless it has restart: required");
    }
    if (!online && !package.online_actions) {
      return failure(named(package) + " cannot start install_pending on " +
                     with_article(target_kind_name(spec.kind)) +
                     ": offline, an SSU commits at once unless it has online_actions: true");
    }
    // §4.1 check 4: CBS does not queue a stack that is not newer than the one it runs.
    if (package.revision <= spec.ssu_version) {
      return failure(named(package) + " cannot start install_pending: its revision " +
                     std::to_string(package.revision) + " is not above ssu_version " +
                     std::to_string(spec.ssu_version) + ", so CBS would not have queued it");
    }
  }
  // §4.1 check 4: a plain CU at or below the UBR is not applicable, so nothing queued it. An
  // older checkpoint CU may be queued (v2: the FoD/language-pack procedure re-adds it) and a
  // reboot makes it superseded.
  if (package.kind == PackageKind::cu && package.revision <= spec.ubr) {
    return failure(named(package) + " cannot start install_pending: its revision " +
                   std::to_string(package.revision) + " is not above ubr " +
                   std::to_string(spec.ubr) + ", so CBS would not have queued it");
  }
  return Ok{};
}

}  // namespace

std::string_view starting_list_name(StartingList list) {
  return starting_list_names[static_cast<std::size_t>(list)];
}

std::vector<PackageIndex>& starting_records(TargetSpec& spec, StartingList list) {
  return records_of(spec, list);
}

const std::vector<PackageIndex>& starting_records(const TargetSpec& spec, StartingList list) {
  return records_of(spec, list);
}

CbsState starting_state(const Package& package, StartingList list) {
  switch (list) {
    case StartingList::installed:
      return is_permanent(package) ? CbsState::permanent : CbsState::installed;
    case StartingList::superseded: return CbsState::superseded;
    case StartingList::install_pending: return CbsState::install_pending;
    case StartingList::staged: return CbsState::staged;
  }
  SVCSIM_ASSERT_MSG(false, "unhandled starting list");
  return CbsState::absent;
}

TargetFlags default_starting_flags(TargetKind kind) {
  TargetFlags flags;
  // The media folder is offline (no reboot) but not an image: there is nothing to mount.
  if (is_offline(kind) && kind != TargetKind::media) flags.set(TargetFlag::mounted);
  return flags;
}

TargetFlag pending_flag(TargetKind kind) {
  return is_offline(kind) ? TargetFlag::pending_online_actions : TargetFlag::reboot_pending;
}

std::uint32_t derive_base_ubr(const Catalog& catalog, const TargetSpec& spec) {
  const bool ubr_from_package =
      std::any_of(spec.installed.begin(), spec.installed.end(), [&](PackageIndex index) {
        return is_cumulative(catalog[index].kind) && catalog[index].revision >= spec.ubr;
      });
  return ubr_from_package ? 1 : spec.ubr;
}

Result<std::uint32_t, std::string> derive_base_build(const Catalog& catalog,
                                                     const TargetSpec& spec) {
  for (PackageIndex index : spec.installed) {
    if (catalog[index].kind == PackageKind::enablement) {
      return failure("enablement package " + quote(catalog[index].id) +
                     " is installed, so build is not the base build");
    }
  }
  return spec.build;
}

Result<Ok, std::string> check_starting_flag(TargetKind kind, TargetFlag flag) {
  const std::string name(target_flag_name(flag));
  if (kind == TargetKind::media) {
    return failure(name + " does not apply to a media target (the media folder holds setup "
                          "files: it is not an image and has no servicing state)");
  }
  if (flag == TargetFlag::reboot_loop) {
    return failure("reboot_loop is how a run ends (a reboot due past reboot_count_max), not a "
                   "starting flag");
  }
  if (!is_offline(kind) && flag == TargetFlag::mounted) {
    return failure("mounted applies only to offline targets (install_wim, boot_wim, winre_wim), "
                   "not to an online target");
  }
  if (!is_offline(kind) && flag == TargetFlag::pending_online_actions) {
    return failure("pending_online_actions applies only to offline targets; an online target "
                   "uses reboot_pending");
  }
  if (is_offline(kind) &&
      (flag == TargetFlag::reboot_pending || flag == TargetFlag::commit_interrupted)) {
    return failure(name + " applies only to online targets, not to " +
                   with_article(target_kind_name(kind)) +
                   " (offline targets use pending_online_actions)");
  }
  return Ok{};
}

Result<Ok, std::string> check_starting_record(const Catalog& catalog, const TargetSpec& spec,
                                              StartingList list, std::size_t position) {
  const std::vector<PackageIndex>& records = starting_records(spec, list);
  SVCSIM_ASSERT(position < records.size());
  const PackageIndex index = records[position];
  SVCSIM_ASSERT(index < catalog.size());
  const Package& package = catalog[index];
  const std::string list_name(starting_list_name(list));

  if (const auto earlier = listed_before(spec, list, position, index)) {
    const std::string lists = *earlier == list ? list_name
                                               : std::string(starting_list_name(*earlier)) +
                                                     " and " + list_name;
    return failure(quote(package.id) + " is listed twice in " + lists +
                   " (a package has one state)");
  }
  // The media folder holds the files of the Setup DUs expanded into it (§4.8), nothing a CBS
  // session could leave superseded, pending or staged.
  if (spec.kind == TargetKind::media && package.kind != PackageKind::setup_du) {
    return failure(named(package) + " cannot be on a media target: the media folder takes "
                                    "only setup_du packages");
  }
  if (spec.kind == TargetKind::media && list != StartingList::installed) {
    return failure(named(package) + " cannot be " + list_name +
                   " on a media target: the media folder holds files, which are either there "
                   "(installed) or not");
  }
  if ((package.applies_to & target_kind_bit(spec.kind)) == 0) {
    return failure(named(package) + " does not apply to " +
                   with_article(target_kind_name(spec.kind)) + " target");
  }
  if (list == StartingList::superseded && !is_cumulative(package.kind)) {
    return failure("only cu and checkpoint_cu packages can be superseded; " + quote(package.id) +
                   " is " + with_article(package_kind_name(package.kind)));
  }
  if (list == StartingList::install_pending) return check_install_pending(spec, package);
  return Ok{};
}

Result<Ok, std::string> check_starting_records(const Catalog& catalog, const TargetSpec& spec) {
  if (spec.kind == TargetKind::media &&
      (spec.build != 0 || spec.ubr != 0 || spec.base_ubr != 0 || spec.base_build != 0 ||
       spec.ssu_version != 0)) {
    return failure("a media target has no build, ubr or ssu_version (the media folder holds "
                   "setup files, not an image)");
  }
  for (int flag = 0; flag < target_flag_count; ++flag) {
    const auto which = static_cast<TargetFlag>(flag);
    if (!spec.flags.has(which)) continue;
    if (auto checked = check_starting_flag(spec.kind, which); !checked) return checked;
  }
  for (StartingList list : starting_lists) {
    const std::size_t count = starting_records(spec, list).size();
    for (std::size_t position = 0; position < count; ++position) {
      if (auto checked = check_starting_record(catalog, spec, list, position); !checked) {
        return checked;
      }
    }
  }
  // What the records imply together (a UBR no committed CU explains, an installed CU older than
  // the UBR, ...) is what the invariants check after every step; the start must pass them too,
  // or a contradiction would surface in the middle of an exploration. check_state reads no knob.
  const ServicingContext context = make_context(catalog, spec, Knobs{});
  const TargetState state = initial_state(catalog, spec);
  if (const InvariantViolation violation = check_state(context, state)) {
    return failure("the starting state is impossible: " + describe(context, state, violation));
  }
  return Ok{};
}

ServicingContext make_context(const Catalog& catalog, const TargetSpec& spec, const Knobs& knobs) {
  return make_context(catalog, spec.kind, knobs, spec.base_ubr, spec.base_build);
}

TargetState initial_state(const Catalog& catalog, const TargetSpec& spec) {
  SVCSIM_ASSERT(catalog.size() <= package_count_max);
  TargetState state;
  for (StartingList list : starting_lists) {
    for (PackageIndex index : starting_records(spec, list)) {
      SVCSIM_ASSERT(index < catalog.size());
      // set() leaves the origin bit zero: a rollback returns a starting install_pending record
      // to absent, since nothing is known of a state before it.
      state.packages.set(index, starting_state(catalog[index], list));
    }
  }
  state.build = spec.build;
  state.ubr = spec.ubr;
  state.ssu_version = spec.ssu_version;
  state.flags = spec.flags;
  if (!spec.install_pending.empty()) state.flags.set(pending_flag(spec.kind));
  if (is_offline(spec.kind)) {
    // The image as it starts is, by definition, the last committed one (for the media folder,
    // which is never mounted, the two stay equal).
    state.committed = static_cast<const ServicedImage&>(state);
    state.committed.flags.set(TargetFlag::mounted, false);  // canonical: only the live image mounts
  }
  SVCSIM_ASSERT(is_offline(spec.kind) || state.committed == ServicedImage{});
  SVCSIM_ASSERT(!state.committed.flags.has(TargetFlag::mounted));
  return state;
}

}  // namespace svcsim::model
