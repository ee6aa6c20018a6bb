// Counting orders: the number of linear extensions of the plan's `before` constraints that
// complete a set of done steps (n! when nothing constrains them).
#include <bit>
#include <unordered_map>
#include <vector>

#include "svcsim/model/assert.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator {
namespace {

constexpr std::uint64_t bit_of(std::size_t step) { return std::uint64_t{1} << step; }

}  // namespace

BigCount count_completions(const model::Plan& plan, std::uint64_t done_mask) {
  const std::size_t step_count = plan.steps.size();
  SVCSIM_ASSERT(step_count <= 64);
  const std::uint64_t full = step_count == 64 ? ~std::uint64_t{0} : bit_of(step_count) - 1;
  if (plan.before.empty()) {
    return BigCount::factorial(static_cast<unsigned>(step_count) -
                               static_cast<unsigned>(std::popcount(done_mask)));
  }
  std::vector<std::uint64_t> predecessors(step_count, 0);
  for (const auto& [first, second] : plan.before) predecessors[second] |= bit_of(first);
  // Linear extensions of what remains, by memoised recursion over the done sets (downsets).
  std::unordered_map<std::uint64_t, BigCount> memo;  // lookup only: no iteration order leaks
  auto count = [&](auto&& self, std::uint64_t done) -> BigCount {
    if (done == full) return BigCount{1};
    if (auto found = memo.find(done); found != memo.end()) return found->second;
    BigCount total;
    for (std::size_t step = 0; step < step_count; ++step) {
      if ((done & bit_of(step)) == 0 && (predecessors[step] & ~done) == 0) {
        total += self(self, done | bit_of(step));
      }
    }
    memo.emplace(done, total);
    return total;
  };
  return count(count, done_mask);
}

}  // namespace svcsim::simulator
