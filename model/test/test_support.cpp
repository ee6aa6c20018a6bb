// Test support: catalog and state builders, apply() checked against the invariants, and the
// global environment that turns SVCSIM_ASSERT failures into exceptions (so into test failures).
#include "test_support.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "svcsim/model/assert.hpp"

namespace svcsim::model::test {
namespace {

/// Installs the throwing assertion handler before any test runs: an SVCSIM_ASSERT that fires
/// inside the model then fails the test that triggered it (gtest catches the exception) instead
/// of aborting the whole executable.
class AssertHandlerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { previous_ = set_assert_handler(&throwing_assert_handler); }
  void TearDown() override { set_assert_handler(previous_); }

 private:
  AssertHandler previous_ = nullptr;
};

[[maybe_unused]] ::testing::Environment* const assert_handler_environment =
    ::testing::AddGlobalTestEnvironment(new AssertHandlerEnvironment);

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char character) {
    return static_cast<char>(std::tolower(character));
  });
  return result;
}

/// The UBR the committed CU records imply (I2), restated here rather than taken from the model.
std::uint32_t derived_ubr(const Target& target, const PackageStates& packages) {
  std::uint32_t ubr = target.context().base_ubr;
  for (std::size_t slot = 0; slot < target.catalog().size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const Package& package = target.catalog()[index];
    const CbsState state = packages.get(index);
    if (is_cumulative(package.kind) &&
        (state == CbsState::installed || state == CbsState::permanent ||
         state == CbsState::uninstall_pending)) {
      ubr = std::max(ubr, package.revision);
    }
  }
  return ubr;
}

std::uint32_t derived_build(const Target& target, const PackageStates& packages) {
  std::uint32_t build = target.context().base_build;
  for (std::size_t slot = 0; slot < target.catalog().size(); ++slot) {
    const auto index = static_cast<PackageIndex>(slot);
    const Package& package = target.catalog()[index];
    const CbsState state = packages.get(index);
    if (package.kind == PackageKind::enablement &&
        (state == CbsState::installed || state == CbsState::permanent ||
         state == CbsState::uninstall_pending)) {
      build = std::max(build, package.target_build != 0 ? package.target_build
                                                        : target.context().base_build + 100);
    }
  }
  return build;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CatalogBuilder

CatalogBuilder& CatalogBuilder::package(std::string id, PackageKind kind, std::uint32_t revision) {
  Package package = package_defaults(kind);
  package.file = fmt::format("windows11.0-{}-x64.msu", lower(id));
  switch (kind) {
    case PackageKind::checkpoint_cu:
    case PackageKind::cu:
      package.identity =
          fmt::format("Package_for_RollupFix~31bf3856ad364e35~amd64~~26100.{}.1.0", revision);
      break;
    case PackageKind::ssu:
      package.identity = fmt::format(
          "Package_for_ServicingStack_{}~31bf3856ad364e35~amd64~~26100.{}.1.0", revision, revision);
      break;
    default:
      package.identity = fmt::format("Package_for_{}~31bf3856ad364e35~amd64~~10.0.1.0", id);
      break;
  }
  package.id = std::move(id);
  package.revision = revision;
  catalog_.packages.push_back(std::move(package));
  return *this;
}

CatalogBuilder& CatalogBuilder::ssu(std::string id, std::uint32_t revision) {
  return package(std::move(id), PackageKind::ssu, revision);
}

CatalogBuilder& CatalogBuilder::checkpoint(std::string id, std::uint32_t revision) {
  return package(std::move(id), PackageKind::checkpoint_cu, revision);
}

CatalogBuilder& CatalogBuilder::cu(std::string id, std::uint32_t revision, CuFields fields) {
  package(std::move(id), PackageKind::cu, revision);
  last().baseline = fields.baseline;
  last().bundled_ssu = fields.bundled_ssu;
  last().ssu_min = fields.ssu_min;
  return *this;
}

CatalogBuilder& CatalogBuilder::dotnet(std::string id, std::uint32_t revision) {
  return package(std::move(id), PackageKind::dotnet_cu, revision);
}

CatalogBuilder& CatalogBuilder::enablement(std::string id, std::uint32_t requires_ubr_min,
                                           std::uint32_t target_build) {
  package(std::move(id), PackageKind::enablement, 0);
  last().requires_ubr_min = requires_ubr_min;
  last().target_build = target_build;
  return *this;
}

CatalogBuilder& CatalogBuilder::language_pack(std::string id) {
  return package(std::move(id), PackageKind::language_pack, 0);
}

CatalogBuilder& CatalogBuilder::fod(std::string id) {
  return package(std::move(id), PackageKind::fod, 0);
}

CatalogBuilder& CatalogBuilder::safeos(std::string id, std::uint32_t revision) {
  return package(std::move(id), PackageKind::safeos_du, revision);
}

CatalogBuilder& CatalogBuilder::restart(RestartType restart) {
  last().restart = restart;
  return *this;
}

CatalogBuilder& CatalogBuilder::permanent(bool permanent) {
  last().permanent = permanent;
  return *this;
}

CatalogBuilder& CatalogBuilder::online_actions(bool online_actions) {
  last().online_actions = online_actions;
  return *this;
}

CatalogBuilder& CatalogBuilder::applies_to(std::initializer_list<TargetKind> kinds) {
  TargetKindSet set = 0;
  for (TargetKind kind : kinds) set = static_cast<TargetKindSet>(set | target_kind_bit(kind));
  last().applies_to = set;
  return *this;
}

CatalogBuilder& CatalogBuilder::requires_packages(std::initializer_list<std::string_view> ids) {
  for (std::string_view id : ids) {
    const auto index = catalog_.find(id);
    EXPECT_TRUE(index.has_value()) << "requires names an unknown package " << id;
    if (index) last().requires_packages.push_back(*index);
  }
  return *this;
}

Package& CatalogBuilder::last() {
  SVCSIM_ASSERT_MSG(!catalog_.packages.empty(), "a modifier before any package");
  return catalog_.packages.back();
}

Catalog kb5086672_catalog() {
  return CatalogBuilder()
      .ssu("SSU", 8115)
      .checkpoint("KB5043080", 1742)
      .cu("KB5086672", 8117, {.baseline = 1742, .bundled_ssu = 8115, .ssu_min = 8115})
      .build();
}

// ---------------------------------------------------------------------------------------------
// Target

Target::Target(Catalog catalog, TargetKind kind, Knobs knobs, std::uint32_t base_ubr,
               std::uint32_t base_build)
    : catalog_(std::move(catalog)),
      context_(make_context(catalog_, kind, knobs, base_ubr, base_build)) {}

PackageIndex Target::index(std::string_view id) const {
  const auto found = catalog_.find(id);
  EXPECT_TRUE(found.has_value()) << "no package " << id << " in the test catalog";
  return found.value_or(0);
}

Operation Target::add(std::string_view id, bool prevent_pending) const {
  return {OperationKind::add, index(id), false, prevent_pending};
}

Operation Target::add_folder(std::string_view id, bool prevent_pending) const {
  return {OperationKind::add_folder, index(id), false, prevent_pending};
}

Operation Target::remove(std::string_view id) const {
  return {OperationKind::remove, index(id), false, false};
}

Operation Target::reboot() { return {OperationKind::reboot, 0, false, false}; }
Operation Target::cleanup(bool reset_base) { return {OperationKind::cleanup, 0, reset_base, false}; }
Operation Target::revert_pending() { return {OperationKind::revert_pending, 0, false, false}; }
Operation Target::mount() { return {OperationKind::mount, 0, false, false}; }
Operation Target::commit() { return {OperationKind::commit, 0, false, false}; }
Operation Target::discard() { return {OperationKind::discard, 0, false, false}; }

StateBuilder Target::state() const { return StateBuilder(*this); }

Outcome Target::apply(const TargetState& state, const Operation& operation, Fault fault) const {
  return apply_checked(context_, state, operation, fault);
}

std::optional<std::int32_t> Target::exit_code(const Outcome& outcome) const {
  return dism_exit_code(context_, outcome);
}

// ---------------------------------------------------------------------------------------------
// StateBuilder

StateBuilder::StateBuilder(const Target& target) : target_(target) { state_.ssu_version = 1; }

StateBuilder& StateBuilder::ssu_version(std::uint32_t version) {
  state_.ssu_version = version;
  return *this;
}

StateBuilder& StateBuilder::installed(std::string_view id) {
  const PackageIndex index = target_.index(id);
  const Package& package = target_.catalog()[index];
  const bool permanent = package.permanent || package.kind == PackageKind::ssu;
  state_.packages.set(index, permanent ? CbsState::permanent : CbsState::installed);
  return *this;
}

StateBuilder& StateBuilder::superseded(std::string_view id) {
  return package(id, CbsState::superseded);
}

StateBuilder& StateBuilder::package(std::string_view id, CbsState state) {
  state_.packages.set(target_.index(id), state);
  return *this;
}

StateBuilder& StateBuilder::origin(std::string_view id) {
  state_.packages.set_origin(package_bit(target_.index(id)));
  return *this;
}

StateBuilder& StateBuilder::flag(TargetFlag flag, bool on) {
  state_.flags.set(flag, on);
  return *this;
}

StateBuilder& StateBuilder::unmounted() {
  mounted_ = false;
  return *this;
}

StateBuilder& StateBuilder::ubr(std::uint32_t ubr) {
  ubr_ = ubr;
  return *this;
}

StateBuilder& StateBuilder::build_number(std::uint32_t build) {
  build_ = build;
  return *this;
}

TargetState StateBuilder::build() const {
  TargetState state = state_;
  state.ubr = ubr_.value_or(derived_ubr(target_, state.packages));
  state.build = build_.value_or(derived_build(target_, state.packages));
  if (target_.offline()) {
    state.flags.set(TargetFlag::mounted, false);
    state.committed = static_cast<const ServicedImage&>(state);
    state.flags.set(TargetFlag::mounted, mounted_);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// apply_checked

std::string changes_text(const ServicingContext& context, const TargetState& before,
                         const TargetState& after) {
  const std::vector<std::string> lines = describe_changes(context, before, after);
  return lines.empty() ? std::string{"(no change)"} : fmt::format("{}", fmt::join(lines, "; "));
}

Outcome apply_checked(const ServicingContext& context, const TargetState& state,
                      const Operation& operation, Fault fault) {
  if (const InvariantViolation broken = check_state(context, state)) {
    ADD_FAILURE() << "the starting state is already broken: " << describe(context, state, broken);
  }
  const Outcome outcome = apply(context, state, operation, fault);
  if (const InvariantViolation broken = check_step(context, state, operation, outcome)) {
    ADD_FAILURE() << "invariant violated by " << operation_kind_name(operation.kind)
                  << " (fault " << fault_name(fault) << ", result "
                  << result_name(outcome.code) << "): "
                  << describe(context, outcome.state, broken)
                  << "\n  changes: " << changes_text(context, state, outcome.state);
  }
  return outcome;
}

}  // namespace svcsim::model::test
