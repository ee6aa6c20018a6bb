// Fuzzes model::apply with byte-driven operation sequences: the bytes build a small catalog, a
// target and a starting state (one that check_state accepts and some sequence could reach), then
// choose operations and faults. After every step these must hold: the model's invariants
// (check_step); a successful add leaves its package there or queued; apply is deterministic; a
// fault strikes exactly where the fault-free outcome lists its site, and changes nothing elsewhere.
//
// Input layout (every byte past the end reads as 0, so any input decodes):
//   header    3 bytes
//     [0] bits 0-2 package count - 1 (1..8), bits 3-4 target kind (online, install_wim,
//         boot_wim, winre_wim), bits 5-7 base UBR (cu_revisions[], 0 -> 1)
//     [1] knobs: bit 0 missing baseline reports 0x800F081E, bit 1 baseline_sees_pending off,
//         bit 2 ssu_blocked_by_pending_reboot off, bit 3 remove of an absent package reports
//         0x800F081E, bit 4 already_installed_exit 2359302 (wusa); bits 5-7 starting ssu_version
//         (ssu_revisions[])
//     [2] starting flags, one bit per TargetFlag; flags the target kind cannot carry are dropped
//   package   5 bytes each
//     [0] bits 0-3 kind (% 9), bits 4-5 restart (0 kind default, 1 no, 2 possible,
//         3 required), bit 6 permanent, bit 7 online_actions flipped from the kind default
//     [1] bits 0-2 revision (cu_revisions[], or ssu_revisions[] + 10 for an ssu), bits 3-4
//         baseline (cumulative only: none, 1000, 1200, 1400), bits 5-6 requires_ubr_min (enablement
//         only: none, 1100, 1300, 1500), bit 7 target_build 26200 (enablement only)
//     [2] bits 0-1 bundled_ssu, bits 2-3 ssu_min (none, 20, 40, 60), bits 4-7 applies_to
//         (one bit per target kind; 0 keeps the kind default)
//     [3] requires: bit j requires package j, for j below this package (so no cycles); the
//         first package has none, so its byte holds the v2 plan settings: bit 0
//         older_checkpoint not_applicable, bit 1 corrupt_store_adds fail, bits 2-4 the reboot
//         bound (0: none can bind; n: reboot_count_max n - 1)
//     [4] starting state: bits 0-2 CbsState, bit 3 origin (kept only on pending/partial states);
//         v2: bits 4-5 defect (none, at add, at commit, at add with the unnamed 0x80070643),
//         bit 6 a regression fixed by the next package (wrapping), bit 7 the device has this
//         package's defect and regression (at most device_property_count_max in all)
//   steps     2 bytes each, at most step_count_max
//     [0] bits 0-3 operation (see decode_operation), bits 4-6 package, bit 7 /PreventPending
//     [1] fault (% 9; 0 = none)
//
// SVCSIM_FUZZ_TRACE=1 prints every decoded input and step (to read or craft corpus files).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/assert.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/knobs.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/target_state.hpp"

namespace {

namespace model = svcsim::model;

constexpr std::size_t package_count_max = 8;
constexpr std::size_t step_count_max = 256;
constexpr std::size_t header_byte_count = 3;
constexpr std::size_t package_byte_count = 5;

// Few, close values, so that revisions, baselines and minimums often compare equal or adjacent:
// that is where the model's checks branch.
constexpr std::array<std::uint32_t, 8> cu_revisions = {1000, 1100, 1200, 1300,
                                                       1400, 1500, 1600, 1700};
constexpr std::array<std::uint32_t, 8> ssu_revisions = {0, 10, 20, 30, 40, 50, 60, 70};
constexpr std::array<std::uint32_t, 4> baselines = {0, 1000, 1200, 1400};
constexpr std::array<std::uint32_t, 4> ubr_minimums = {0, 1100, 1300, 1500};
constexpr std::array<std::uint32_t, 4> ssu_levels = {0, 20, 40, 60};
constexpr std::uint32_t base_build = 26100;

/// Reads the input front to back; past the end every byte is 0.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t next() {
    if (position_ >= size_) return 0;
    return data_[position_++];
  }
  bool exhausted() const { return position_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

bool trace_enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("SVCSIM_FUZZ_TRACE");
    return value != nullptr && value[0] != '\0' && value[0] != '0';
  }();
  return enabled;
}

model::Package decode_package(std::size_t slot, const std::array<std::uint8_t, 5>& bytes) {
  const auto kind = static_cast<model::PackageKind>((bytes[0] & 0x0Fu) % model::package_kind_count);
  model::Package package = model::package_defaults(kind);
  package.id = fmt::format("P{}", slot);
  package.file = fmt::format("p{}.msu", slot);
  package.identity = fmt::format("Package_for_P{}~31bf3856ad364e35~amd64~~0.0.0.0", slot);

  const unsigned restart = (bytes[0] >> 4) & 3u;
  if (restart != 0) package.restart = static_cast<model::RestartType>(restart - 1);
  // Every rule the loader enforces holds here too: an ssu is always permanent.
  if ((bytes[0] & 0x40u) != 0) package.permanent = true;
  if ((bytes[0] & 0x80u) != 0) package.online_actions = !package.online_actions;

  const unsigned revision = bytes[1] & 7u;
  package.revision =
      kind == model::PackageKind::ssu ? ssu_revisions[revision] + 10 : cu_revisions[revision];
  if (model::is_cumulative(kind)) package.baseline = baselines[(bytes[1] >> 3) & 3u];
  if (kind == model::PackageKind::enablement) {
    package.requires_ubr_min = ubr_minimums[(bytes[1] >> 5) & 3u];
    package.target_build = (bytes[1] & 0x80u) != 0 ? base_build + 100 : 0;
  }

  package.bundled_ssu = ssu_levels[bytes[2] & 3u];
  package.ssu_min = ssu_levels[(bytes[2] >> 2) & 3u];
  const auto applies_to = static_cast<model::TargetKindSet>(bytes[2] >> 4);
  if (applies_to != 0) package.applies_to = applies_to;

  for (std::size_t required = 0; required < slot; ++required) {
    if ((static_cast<unsigned>(bytes[3]) >> required & 1u) != 0) {
      package.requires_packages.push_back(static_cast<model::PackageIndex>(required));
    }
  }
  const unsigned defect = (bytes[4] >> 4) & 3u;
  if (defect != 0) {
    model::Defect decoded;
    decoded.at = defect == 2 ? model::DefectAt::commit : model::DefectAt::add;
    decoded.code = defect == 3 ? *model::intern_result_code(0x80070643u)
                               : model::ResultCode::cbs_e_installers_failed;
    decoded.probability = 0.5;
    package.defect = decoded;
  }
  return package;
}

/// v2: regressions (bit 6 of a package's last byte, fixed by the next package), at most
/// device_property_count_max properties in all, and the device (bit 7).
model::DeviceBits decode_device(model::Catalog& catalog,
                                const std::array<std::uint8_t, package_count_max>& last_bytes) {
  const std::size_t count = catalog.size();
  std::size_t properties = 0;
  for (std::size_t slot = 0; slot < count; ++slot) {
    model::Package& package = catalog.packages[slot];
    if (package.defect && properties == model::device_property_count_max) package.defect.reset();
    if (package.defect) ++properties;
    if ((last_bytes[slot] & 0x40u) != 0 && count > 1 &&
        properties < model::device_property_count_max) {
      model::Regression regression;
      regression.probability = 0.5;
      regression.fixed_by = {static_cast<model::PackageIndex>((slot + 1) % count)};
      package.regression = regression;
      ++properties;
    }
  }
  model::DeviceBits device = 0;
  const std::vector<model::DeviceProperty> all = model::device_properties(catalog);
  for (std::size_t slot = 0; slot < all.size(); ++slot) {
    if ((last_bytes[all[slot].package] & 0x80u) != 0) {
      device = static_cast<model::DeviceBits>(device | 1u << slot);
    }
  }
  return device;
}

model::Knobs decode_knobs(std::uint8_t byte) {
  model::Knobs knobs;
  if ((byte & 0x01u) != 0) knobs.missing_baseline_error = model::ResultCode::cbs_e_not_applicable;
  knobs.baseline_sees_pending = (byte & 0x02u) == 0;
  knobs.ssu_blocked_by_pending_reboot = (byte & 0x04u) == 0;
  if ((byte & 0x08u) != 0) knobs.remove_absent_error = model::ResultCode::cbs_e_not_applicable;
  if ((byte & 0x10u) != 0) knobs.already_installed_exit = 2359302;  // wusa's 0x00240006
  return knobs;
}

/// The flags a target of this kind can carry at all; the others are dropped while decoding, so
/// that fewer inputs are thrown away by check_state.
std::uint8_t flags_possible(model::TargetKind kind) {
  using model::TargetFlag;
  const auto bit = [](TargetFlag flag) { return 1u << static_cast<unsigned>(flag); };
  unsigned mask = bit(TargetFlag::components_reset) | bit(TargetFlag::store_corrupt) |
                  bit(TargetFlag::unserviceable);
  if (model::is_offline(kind)) {
    mask |= bit(TargetFlag::pending_online_actions) | bit(TargetFlag::mounted);
  } else {
    mask |= bit(TargetFlag::reboot_pending) | bit(TargetFlag::commit_interrupted);
  }
  return static_cast<std::uint8_t>(mask);
}

/// op bits 0-3: the operation; weighted towards adds, which have most of the model's branches.
model::Operation decode_operation(const model::ServicingContext& context, std::uint8_t byte) {
  model::Operation operation;
  const unsigned choice = byte & 0x0Fu;
  const auto package_choice = static_cast<unsigned>((byte >> 4) & 7u);
  const bool prevent_pending = (byte & 0x80u) != 0;
  operation.package = static_cast<model::PackageIndex>(package_choice % context.catalog->size());
  // Every operation of one target has a choice below (copy_winre needs two targets).
  static_assert(model::operation_kind_count == 10, "give the new operation kind a choice");
  switch (choice) {
    case 1:
    case 13:
      operation.kind = model::OperationKind::add_folder;
      // Method 1 names a cumulative package; with none in the catalog, the raw choice checks
      // the model's fallback to a plain add.
      if (context.cumulative_count > 0) {
        operation.package =
            context.cumulative_by_revision[package_choice % context.cumulative_count];
      }
      operation.prevent_pending = prevent_pending;
      break;
    case 2:
    case 14: operation.kind = model::OperationKind::reboot; break;
    case 3: operation.kind = model::OperationKind::remove; break;
    case 4: operation.kind = model::OperationKind::cleanup; break;
    case 5:
      operation.kind = model::OperationKind::cleanup;
      operation.reset_base = true;
      break;
    case 6: operation.kind = model::OperationKind::revert_pending; break;
    case 7: operation.kind = model::OperationKind::mount; break;
    case 8: operation.kind = model::OperationKind::commit; break;
    case 9: operation.kind = model::OperationKind::discard; break;
    default:
      operation.kind = model::OperationKind::add;
      operation.prevent_pending = prevent_pending;
      break;
  }
  if (!model::takes_package(operation.kind)) operation.package = 0;
  return operation;
}

std::string state_text(const model::ServicingContext& context, const model::TargetState& state) {
  std::string text = fmt::format("build {} ubr {} ssu {} flags", state.build, state.ubr,
                                 state.ssu_version);
  for (int flag = 0; flag < model::target_flag_count; ++flag) {
    if (state.flags.has(static_cast<model::TargetFlag>(flag))) {
      text += fmt::format(" {}", model::target_flag_name(static_cast<model::TargetFlag>(flag)));
    }
  }
  if (state.device != 0 || state.regressions != 0 || state.reboot_count != 0) {
    text += fmt::format(" device 0x{:02X} regressions 0x{:02X} reboots {}", state.device,
                        state.regressions, state.reboot_count);
  }
  text += " |";
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    text += fmt::format(" P{}={}{}", slot, model::cbs_state_name(state.packages.get(index)),
                        state.packages.origin(index) ? "+origin" : "");
  }
  return text;
}

std::string operation_text(const model::Operation& operation) {
  std::string text(model::operation_kind_name(operation.kind));
  if (model::takes_package(operation.kind)) text += fmt::format("(P{})", operation.package);
  if (operation.reset_base) text += "(reset_base)";
  if (operation.prevent_pending) text += " /PreventPending";
  return text;
}

std::string context_text(const model::ServicingContext& context) {
  std::string text = fmt::format(
      "target {} base_ubr {} knobs: missing_baseline 0x{:08X} sees_pending {} ssu_blocked {} "
      "remove_absent 0x{:08X} already_exit {}\n",
      model::target_kind_name(context.target_kind), context.base_ubr,
      model::hresult(context.knobs.missing_baseline_error), context.knobs.baseline_sees_pending,
      context.knobs.ssu_blocked_by_pending_reboot,
      model::hresult(context.knobs.remove_absent_error),
      context.knobs.already_installed_exit);
  for (const model::Package& package : context.catalog->packages) {
    std::string requires_text;
    for (model::PackageIndex required : package.requires_packages) {
      requires_text += fmt::format(" P{}", required);
    }
    text += fmt::format(
        "  {} {} revision {} baseline {} bundled_ssu {} ssu_min {} requires_ubr_min {} "
        "target_build {} applies_to 0x{:X} restart {} permanent {} online_actions {} "
        "requires [{}]\n",
        package.id, model::package_kind_name(package.kind), package.revision, package.baseline,
        package.bundled_ssu, package.ssu_min, package.requires_ubr_min, package.target_build,
        package.applies_to, model::restart_type_name(package.restart), package.permanent,
        package.online_actions, requires_text);
    if (package.defect) {
      text += fmt::format("    defect at {} code {}\n", model::defect_at_name(package.defect->at),
                          model::hresult_text(model::hresult(package.defect->code)));
    }
    if (package.regression) {
      text += fmt::format("    regression fixed by P{}\n", package.regression->fixed_by.front());
    }
  }
  text += fmt::format("  older_checkpoint {} corrupt_store_adds {} reboot_count_max {}\n",
                      context.knobs.older_checkpoint == model::OlderCheckpoint::applicable
                          ? "applicable" : "not_applicable",
                      context.knobs.corrupt_store_adds == model::CorruptStoreAdds::succeed
                          ? "succeed" : "fail",
                      context.reboot_count_max);
  return text;
}

/// Whether `index` is a record whose content is current (what I2 counts for the UBR).
bool is_current(const model::PackageStates& packages, model::PackageIndex index) {
  const model::CbsState state = packages.get(index);
  return state == model::CbsState::installed || state == model::CbsState::permanent ||
         state == model::CbsState::uninstall_pending ||
         (state == model::CbsState::partially_installed && packages.origin(index));
}

/// Rules every reachable state keeps that check_state does not restate: a permanent package
/// (every ssu, or `permanent: true`) is committed as `permanent` and cannot be removed, so it is
/// never `installed`, `superseded` or `uninstall_pending`; only a cumulative record is ever
/// superseded, and only while a newer one is current.
bool breaks_reachable_rules(const model::ServicingContext& context,
                            const model::TargetState& state) {
  const model::PackageStates& packages = state.packages;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const model::CbsState current = packages.get(index);
    if ((context.permanent & model::package_bit(index)) != 0 &&
        (current == model::CbsState::installed || current == model::CbsState::superseded ||
         current == model::CbsState::uninstall_pending)) {
      return true;
    }
    if (current != model::CbsState::superseded) continue;
    if ((context.cumulative & model::package_bit(index)) == 0) return true;
    bool newer_current = false;
    for (std::size_t other = 0; other < context.catalog->size(); ++other) {
      const auto other_index = static_cast<model::PackageIndex>(other);
      newer_current = newer_current ||
                      ((context.cumulative & model::package_bit(other_index)) != 0 &&
                       context.package(other_index).revision > context.package(index).revision &&
                       is_current(packages, other_index));
    }
    if (!newer_current) return true;
  }
  return false;
}

/// The state before the pending session: every pending record back where its origin bit says
/// it came from, the pending flags cleared, ubr and build recomputed.
model::TargetState before_pending_session(const model::ServicingContext& context,
                                          const model::TargetState& state) {
  model::TargetState before = state;
  for (std::size_t slot = 0; slot < context.catalog->size(); ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const bool origin = state.packages.origin(index);
    switch (state.packages.get(index)) {
      case model::CbsState::install_pending:
        before.packages.set(index, origin ? model::CbsState::staged : model::CbsState::absent);
        break;
      case model::CbsState::uninstall_pending:
        before.packages.set(index,
                            origin ? model::CbsState::superseded : model::CbsState::installed);
        break;
      default: break;
    }
  }
  before.flags.set(model::TargetFlag::reboot_pending, false);
  before.flags.set(model::TargetFlag::commit_interrupted, false);
  before.flags.set(model::TargetFlag::pending_online_actions, false);
  before.ubr = model::committed_ubr(context, before.packages);
  before.build = model::reported_build(context, before.packages);
  return before;
}

/// States that check_state accepts but that no sequence of operations reaches. From such a
/// start a correct apply can still end in a state check_state refuses, so these are skipped
/// rather than reported (check_state is a set of invariants, not a description of every
/// reachable state). A state with a pending session is reachable only if the state before the
/// session was. The corpus keeps the inputs that showed the need:
/// start-ssu-uninstall-pending.bin, start-superseded-without-newer.bin and
/// start-two-installed-cus-pending-removal.bin (each time a revert_pending exposed the start).
bool is_unreachable_start(const model::ServicingContext& context, const model::TargetState& state) {
  if (breaks_reachable_rules(context, state)) return true;
  const model::TargetState before = before_pending_session(context, state);
  return static_cast<bool>(model::check_state(context, before)) ||
         breaks_reachable_rules(context, before);
}

/// Outcomes are compared field by field: Outcome itself may have padding, TargetState has none.
bool same_outcome(const model::Outcome& left, const model::Outcome& right) {
  return std::memcmp(&left.state, &right.state, sizeof(model::TargetState)) == 0 &&
         left.code == right.code && left.fault_sites == right.fault_sites &&
         left.fault == right.fault && left.notes == right.notes;
}

/// The decoded input and every step so far. Kept as values and formatted only when a check
/// fails (or SVCSIM_FUZZ_TRACE is set): formatting every step would slow fuzzing down tenfold.
struct History {
  struct Step {
    model::Operation operation;
    model::Fault fault = model::Fault::none;
    model::Outcome outcome;
  };
  const model::ServicingContext* context = nullptr;
  model::TargetState start;
  std::vector<Step> steps;

  std::string text() const {
    std::string result = context_text(*context);
    result += "start: " + state_text(*context, start) + '\n';
    for (std::size_t index = 0; index < steps.size(); ++index) {
      const Step& step = steps[index];
      result += fmt::format("step {}: {} fault {} -> {} (struck {}): {}\n", index + 1,
                            operation_text(step.operation), model::fault_name(step.fault),
                            model::result_name(step.outcome.code),
                            model::fault_name(step.outcome.fault),
                            state_text(*context, step.outcome.state));
    }
    return result;
  }
};

[[noreturn]] void fail(const History& history, const std::string& what) {
  std::fprintf(stderr, "operation_sequence_fuzzer: %s\n%s", what.c_str(), history.text().c_str());
  std::fflush(stderr);
  SVCSIM_ASSERT_MSG(false, what.c_str());
  __builtin_trap();  // unreachable: the handler aborts; kept in case one is installed that returns
}

void check_transition(const model::ServicingContext& context, const model::TargetState& before,
                      const model::Operation& operation, const model::Outcome& outcome,
                      const History& history) {
  const model::InvariantViolation violation =
      model::check_step(context, before, operation, outcome);
  if (violation) {
    fail(history,
         fmt::format("step {}: {} (fault {}) -> {}: invariant violated: {}\n  before: {}\n"
                     "  after:  {}",
                     history.steps.size(), operation_text(operation),
                     model::fault_name(outcome.fault), model::result_name(outcome.code),
                     model::describe(context, outcome.state, violation),
                     state_text(context, before), state_text(context, outcome.state)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader reader(data, size);
  // A braced list is evaluated left to right (and a loop here tripped a GCC 12 false positive).
  const std::array<std::uint8_t, header_byte_count> header = {reader.next(), reader.next(),
                                                              reader.next()};

  const std::size_t package_count = (header[0] & 7u) + 1u;
  const auto target_kind = static_cast<model::TargetKind>((header[0] >> 3) & 3u);
  const std::uint32_t base_ubr = (header[0] >> 5) == 0 ? 1 : cu_revisions[header[0] >> 5];
  SVCSIM_ASSERT(package_count >= 1 && package_count <= package_count_max);

  model::Catalog catalog;
  std::array<std::uint8_t, package_count_max> start_states{};
  std::uint8_t first_requires_byte = 0;
  for (std::size_t slot = 0; slot < package_count; ++slot) {
    std::array<std::uint8_t, package_byte_count> bytes{};
    for (std::uint8_t& byte : bytes) byte = reader.next();
    catalog.packages.push_back(decode_package(slot, bytes));
    start_states[slot] = bytes[4];
    if (slot == 0) first_requires_byte = bytes[3];
  }
  const model::DeviceBits device = decode_device(catalog, start_states);
  const std::uint8_t plan_byte = first_requires_byte;
  model::Knobs knobs = decode_knobs(header[1]);
  if ((plan_byte & 0x01u) != 0) knobs.older_checkpoint = model::OlderCheckpoint::not_applicable;
  if ((plan_byte & 0x02u) != 0) knobs.corrupt_store_adds = model::CorruptStoreAdds::fail;
  model::ServicingContext context =
      model::make_context(catalog, target_kind, knobs, base_ubr, base_build);
  const unsigned bound = (plan_byte >> 2) & 7u;
  if (bound != 0 && !model::is_offline(target_kind)) {
    context.reboot_count_max = static_cast<std::uint16_t>(bound - 1);
  }

  // The starting state: as decoded, with ubr and build derived from the records, and (offline)
  // the committed image equal to the live one, as after a mount. Inputs check_state refuses
  // describe no real target and are skipped.
  model::TargetState state;
  for (std::size_t slot = 0; slot < package_count; ++slot) {
    const auto index = static_cast<model::PackageIndex>(slot);
    const auto cbs_state = static_cast<model::CbsState>(start_states[slot] & 7u);
    state.packages.set(index, cbs_state);
    const bool keeps_origin = cbs_state == model::CbsState::install_pending ||
                              cbs_state == model::CbsState::uninstall_pending ||
                              cbs_state == model::CbsState::partially_installed;
    if ((start_states[slot] & 8u) != 0 && keeps_origin) {
      state.packages.set_origin(model::package_bit(index));
    }
  }
  state.flags.bits = static_cast<std::uint8_t>(header[2] & flags_possible(target_kind));
  state.ssu_version = ssu_revisions[header[1] >> 5];
  state.ubr = model::committed_ubr(context, state.packages);
  state.build = model::reported_build(context, state.packages);
  state.device = device;
  if (model::is_offline(target_kind)) {
    state.committed = static_cast<const model::ServicedImage&>(state);
    state.committed.flags.set(model::TargetFlag::mounted, false);
  }
  if (model::check_state(context, state) || is_unreachable_start(context, state)) return 0;

  // Reused between inputs: libFuzzer calls this millions of times.
  static History history;
  history.context = &context;
  history.start = state;
  history.steps.clear();

  for (std::size_t step = 1; step <= step_count_max && !reader.exhausted(); ++step) {
    const model::Operation operation = decode_operation(context, reader.next());
    const auto fault = static_cast<model::Fault>(reader.next() % model::fault_count);

    const model::Outcome outcome = model::apply(context, state, operation, fault);
    history.steps.push_back({operation, fault, outcome});
    SVCSIM_ASSERT(history.steps.size() == step);
    check_transition(context, state, operation, outcome, history);

    // What must happen, not only what must not: check_step accepts an add that reports success
    // and changes nothing, so the package a successful add names must now be there or queued.
    if (model::takes_package(operation.kind) && operation.kind != model::OperationKind::remove &&
        model::is_success(outcome.code) &&
        !outcome.has_note(model::OutcomeNote::skipped_prevent_pending)) {
      const model::CbsState added = outcome.state.packages.get(operation.package);
      if (!model::is_committed(added) && added != model::CbsState::install_pending) {
        fail(history, fmt::format("step {}: {} reported {} but P{} is {}", step,
                                  operation_text(operation), model::result_name(outcome.code),
                                  operation.package, model::cbs_state_name(added)));
      }
    }

    // apply is a pure function of its arguments.
    const model::Outcome again = model::apply(context, state, operation, fault);
    if (!same_outcome(outcome, again)) {
      fail(history, fmt::format("step {}: apply is not deterministic", step));
    }

    // The fault contract (apply.hpp): a fault strikes exactly where the fault-free outcome lists
    // its site, and one that cannot strike changes nothing.
    const model::Outcome fault_free =
        fault == model::Fault::none ? outcome : model::apply(context, state, operation);
    if (fault_free.fault != model::Fault::none) {
      fail(history, fmt::format("step {}: a fault struck that was not asked for", step));
    }
    const bool site_listed =
        fault != model::Fault::none && (fault_free.fault_sites & model::fault_bit(fault)) != 0;
    const bool struck = outcome.fault != model::Fault::none;
    if (struck && outcome.fault != fault) {
      fail(history, fmt::format("step {}: a different fault struck than the one asked for", step));
    }
    if (struck != site_listed) {
      fail(history, fmt::format("step {}: fault {} struck: {}, but its site is listed: {}", step,
                                model::fault_name(fault), struck, site_listed));
    }
    if (!struck && !same_outcome(outcome, fault_free)) {
      fail(history,
           fmt::format("step {}: a fault that did not strike changed the outcome", step));
    }
    if (struck) check_transition(context, state, operation, fault_free, history);

    state = outcome.state;
  }
  if (trace_enabled()) std::fputs(history.text().c_str(), stderr);
  return 0;
}
