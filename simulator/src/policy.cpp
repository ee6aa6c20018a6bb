// The plan's reboot and error policies (scenarios.md "Outcome of one sequence"), decided in one
// place so that the sequence runner and the explorer insert reboots and stop at the same points.
#include "svcsim/simulator/policy.hpp"

#include "svcsim/model/assert.hpp"
#include "svcsim/model/dism_text.hpp"

namespace svcsim::simulator {
namespace {

// A restart is what DISM's exit code 3010 asks for; nothing else requests one.
constexpr std::int32_t exit_code_reboot_required = 3010;

}  // namespace

bool reboot_follows(const model::Plan& plan, const model::ServicingContext& context,
                    const model::Outcome& outcome) {
  SVCSIM_ASSERT(context.catalog != nullptr);
  if (plan.reboot != model::RebootPolicy::after_3010) return false;
  // Offline images have no reboot: their pending work waits for the image's first boot.
  if (model::is_offline(context.target_kind)) return false;
  // Read the policy off the exit code, as automation does: an add that found its package still
  // install_pending also exits 3010, and careful automation reboots then too.
  const auto exit_code = model::dism_exit_code(context, outcome);
  return exit_code.has_value() && *exit_code == exit_code_reboot_required;
}

bool final_reboot_needed(const model::Plan& plan, const model::ServicingContext& context,
                         const model::TargetState& state) {
  SVCSIM_ASSERT(context.catalog != nullptr);
  if (plan.reboot != model::RebootPolicy::at_end) return false;
  if (model::is_offline(context.target_kind)) return false;
  // An interrupted commit left pending.xml behind; the next boot retries it, so it owes a reboot
  // just as a pending session does.
  return state.flags.has(model::TargetFlag::reboot_pending) ||
         state.flags.has(model::TargetFlag::commit_interrupted);
}

bool stops_sequence(const model::Plan& plan, const model::Outcome& outcome) {
  // v2: a reboot due past reboot_count_max did not run; the run ends there, stuck, whatever
  // on_error says (automation caught in a reboot loop needs a person).
  if (outcome.has_note(model::OutcomeNote::reboot_not_run)) return true;
  if (plan.on_error != model::ErrorPolicy::stop) return false;
  return model::is_plan_error(plan, outcome.code);  // a tolerated code goes on (v2)
}

}  // namespace svcsim::simulator
