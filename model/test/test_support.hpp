// Test support for the model's unit tests: build a small catalog in a few lines, a servicing
// context for one target kind, a starting state, and apply() with every step checked against the
// invariants. Assertion failures inside the model throw (see test_support.cpp), so a broken
// SVCSIM_ASSERT fails the test that hit it instead of aborting the whole executable.
//
//   Target device(CatalogBuilder()
//                     .ssu("SSU", 8115)
//                     .checkpoint("KB5043080", 1742)
//                     .cu("KB5086672", 8117, {.baseline = 1742, .bundled_ssu = 8115, .ssu_min = 8115})
//                     .build(),
//                 TargetKind::online);
//   TargetState start = device.state().ssu_version(1).build();
//   Outcome outcome = device.apply(start, device.add("KB5043080"));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "svcsim/model/apply.hpp"
#include "svcsim/model/context.hpp"
#include "svcsim/model/dism_text.hpp"
#include "svcsim/model/invariants.hpp"
#include "svcsim/model/knobs.hpp"
#include "svcsim/model/operation.hpp"
#include "svcsim/model/package.hpp"
#include "svcsim/model/target_state.hpp"

namespace svcsim::model::test {

/// The fields of a CU that most tests set; zero means "none", as in Package.
struct CuFields {
  std::uint32_t baseline = 0;
  std::uint32_t bundled_ssu = 0;
  std::uint32_t ssu_min = 0;
};

/// Builds a Catalog one package per call, with the kind defaults of servicing-model.md §2 and a
/// file name and CBS identity derived from the id and revision. Modifiers after a package apply
/// to that (the last added) package.
class CatalogBuilder {
 public:
  CatalogBuilder& ssu(std::string id, std::uint32_t revision);
  CatalogBuilder& checkpoint(std::string id, std::uint32_t revision);
  CatalogBuilder& cu(std::string id, std::uint32_t revision, CuFields fields = {});
  CatalogBuilder& dotnet(std::string id, std::uint32_t revision = 0);
  CatalogBuilder& enablement(std::string id, std::uint32_t requires_ubr_min,
                             std::uint32_t target_build = 0);
  CatalogBuilder& language_pack(std::string id);
  CatalogBuilder& fod(std::string id);
  CatalogBuilder& safeos(std::string id, std::uint32_t revision);
  /// Any kind, with its defaults.
  CatalogBuilder& package(std::string id, PackageKind kind, std::uint32_t revision = 0);

  // Overrides for the last package added.
  CatalogBuilder& restart(RestartType restart);
  CatalogBuilder& permanent(bool permanent = true);
  CatalogBuilder& online_actions(bool online_actions = true);
  CatalogBuilder& applies_to(std::initializer_list<TargetKind> kinds);
  /// `requires: [ids]`; every id must already be in the catalog.
  CatalogBuilder& requires_packages(std::initializer_list<std::string_view> ids);

  Catalog build() const { return catalog_; }

 private:
  Package& last();
  Catalog catalog_;
};

class StateBuilder;

/// A catalog and the context of one target of it. The context points into the catalog, so a
/// Target is neither copied nor moved: construct it where it is used.
class Target {
 public:
  Target(Catalog catalog, TargetKind kind, Knobs knobs = {}, std::uint32_t base_ubr = 1,
         std::uint32_t base_build = 26100);
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const Catalog& catalog() const { return catalog_; }
  const ServicingContext& context() const { return context_; }
  bool offline() const { return is_offline(context_.target_kind); }

  /// The catalog index of `id`; fails the test (and returns 0) for an unknown id.
  PackageIndex index(std::string_view id) const;

  Operation add(std::string_view id, bool prevent_pending = false) const;
  Operation add_folder(std::string_view id, bool prevent_pending = false) const;
  Operation remove(std::string_view id) const;
  static Operation reboot();
  static Operation cleanup(bool reset_base = false);
  static Operation revert_pending();
  static Operation mount();
  static Operation commit();
  static Operation discard();

  /// A builder for a starting state of this target (see StateBuilder).
  StateBuilder state() const;

  /// apply() with check_step() on the result (see apply_checked).
  Outcome apply(const TargetState& state, const Operation& operation,
                Fault fault = Fault::none) const;

  /// The exit code DISM would return for `outcome` under this target's knobs.
  std::optional<std::int32_t> exit_code(const Outcome& outcome) const;

  CbsState package_state(const TargetState& state, std::string_view id) const {
    return state.packages.get(index(id));
  }

 private:
  Catalog catalog_;
  ServicingContext context_;
};

/// A starting TargetState: by default the base build and UBR, ssu_version 1, every package
/// absent, no flags; offline targets start mounted with the committed image equal to the live
/// one. `ubr` and `build` are derived from the package records unless set explicitly.
class StateBuilder {
 public:
  explicit StateBuilder(const Target& target);

  StateBuilder& ssu_version(std::uint32_t version);
  /// `installed` (or `permanent` for an SSU or a permanent package).
  StateBuilder& installed(std::string_view id);
  StateBuilder& superseded(std::string_view id);
  StateBuilder& package(std::string_view id, CbsState state);
  /// Sets the origin bit of a pending package (install_pending from staged, uninstall_pending
  /// from superseded).
  StateBuilder& origin(std::string_view id);
  StateBuilder& flag(TargetFlag flag, bool on = true);
  StateBuilder& unmounted();
  StateBuilder& ubr(std::uint32_t ubr);
  StateBuilder& build_number(std::uint32_t build);

  TargetState build() const;

 private:
  const Target& target_;
  TargetState state_;
  std::optional<std::uint32_t> ubr_;
  std::optional<std::uint32_t> build_;
  bool mounted_ = true;
};

/// The KB5086672 case of scenarios.md: an SSU "SSU" (8115), the checkpoint KB5043080 (1742) and
/// the out-of-band CU KB5086672 (8117, baseline 1742, bundled SSU 8115, ssu_min 8115).
Catalog kb5086672_catalog();

/// Calls apply() and records a test failure (with describe() and the state changes) if
/// check_step() finds a violated invariant, or if the starting state itself violates one (a
/// broken fixture). Returns the outcome either way so the test can go on asserting.
Outcome apply_checked(const ServicingContext& context, const TargetState& state,
                      const Operation& operation, Fault fault = Fault::none);

/// "KB5043080: absent -> install_pending; ubr: 1 -> 8117" for failure messages.
std::string changes_text(const ServicingContext& context, const TargetState& before,
                         const TargetState& after);

}  // namespace svcsim::model::test
