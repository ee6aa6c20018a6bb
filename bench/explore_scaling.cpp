// Prints the explorer's scaling curve on synthetic chains as a Markdown table: states,
// transitions, seconds, states per second and bytes per stored state (the explorer's own tally
// and the process's peak resident set), and for small n the brute-force oracle's time beside it.
// Each n runs in a child process, and each run's peak RSS is its own (the peak is restarted
// before each run).
//
//   svcsim_explore_scaling --from 8 --to 24 [--faults 1] [--brute-force-to 10] [--repeat 3]
//                          [--threads 1,2] [--two-jobs-to 21]
//
// With several thread counts, each n runs once per count, side by side, and the rows after the
// first say how much faster than the first count they were (and whether every count and the
// witnesses agreed with it: they must). A last row runs two 1-thread explorations at once: what
// the machine gives two memory-bound jobs at that moment, beside which the threads' figure is read.
//
// Seconds are the best of --repeat rounds, each round running every count (and the two jobs)
// once, in turn: on a shared machine the spread between runs of the same binary is wide
// (measured here: 3.5 to 4.8 M states/s for one n), the fastest is the one least disturbed, and
// rounds spread a busy minute over every count.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "brute_force.hpp"
#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/synthetic_chain.hpp"

namespace {

using namespace svcsim;

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

/// Restarts the peak above (VmHWM) from the current resident set, so that each run in the
/// rounds below has its own peak (Linux: "5" to clear_refs).
void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

/// The result's counts and witnesses, as one comparable string.
std::string fingerprint(const simulator::ExploreResult& result) {
  std::string text = fmt::format("{} {} {} {}", result.orders.to_string(), result.states,
                                 result.transitions, result.model_states);
  for (const simulator::RunCounts& runs : result.runs) {
    // fmt rather than string operator+: GCC 12 warns falsely (-Wrestrict) on such chains.
    text += fmt::format(" | {}", runs.total.to_string());
    for (const auto& count : runs.classes) text += fmt::format(" {}", count.to_string());
    for (const auto& [code, count] : runs.codes) text += fmt::format(" {:x}={}", code, count.to_string());
  }
  for (const simulator::Witness& witness : result.witnesses) text += fmt::format("\n{}", witness.command);
  return text;
}

constexpr model::FaultSet four_fault_kinds =
    model::fault_bit(model::Fault::execute_failure) |
    model::fault_bit(model::Fault::power_loss_staging) |
    model::fault_bit(model::Fault::startup_failure) |
    model::fault_bit(model::Fault::commit_interrupted);

scenario::Scenario chain(int package_count, int fault_count) {
  return simulator::make_synthetic_chain(
      {.package_count = package_count, .fault_count_max = fault_count,
       .fault_kinds = fault_count > 0 ? four_fault_kinds : model::FaultSet{0}});
}

/// One row: the best run on `threads` threads, against the first count's (`baseline`, null for
/// that row itself). Returns 1 if the search did not complete.
int print_row(const scenario::Scenario& scenario, int package_count, int fault_count,
              int brute_force_to, int threads, const simulator::ExploreResult& result,
              long peak_kib, bool versus, const simulator::ExploreResult* baseline) {
  if (result.status != simulator::ExploreStatus::complete) {
    std::printf("| %d | %d | explore did not complete (status %d) |\n", package_count, fault_count,
                static_cast<int>(result.status));
    return 1;
  }
  const double states = static_cast<double>(result.states);
  const double rss_bytes = static_cast<double>(peak_kib) * 1024.0;
  std::string against = versus ? " |" : "";
  if (baseline != nullptr) {
    against = fmt::format(" {:.2f}x{} |", baseline->elapsed_s / result.elapsed_s,
                          fingerprint(result) == fingerprint(*baseline) ? "" : " (RESULTS DIFFER)");
  }
  std::string brute = "";
  if (package_count <= brute_force_to) {
    const auto started = std::chrono::steady_clock::now();
    const auto oracle = simulator::testing::brute_force(scenario, fault_count);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool agree = oracle.orders == result.orders && oracle.runs[0].total == result.runs[0].total;
    brute = fmt::format(" {:.3f} | {:.0f}x {} |", seconds, seconds / result.elapsed_s,
                        agree ? "" : "(COUNTS DISAGREE)");
  }
  std::printf("%s\n",
              fmt::format("| {} | {} | {} | {} | {} | {} | {:.3f} | {:.2f} | {:.1f} | {:.1f} | {:.1f} |{}{}",
                          package_count, fault_count, threads, result.states, result.transitions,
                          result.model_states, result.elapsed_s, states / result.elapsed_s / 1e6,
                          static_cast<double>(result.peak_bytes) / states, rss_bytes / (1 << 20),
                          rss_bytes / states, against, brute)
                  .c_str());
  return 0;
}

/// Seconds for two 1-thread explorations at once, on two threads that share nothing: what the
/// machine gives two memory-bound jobs at that moment, beside which the threads' figure is read.
/// (It is not a strict bound on threads: they share one memo of model states, so each computes
/// about half the transitions.)
double two_jobs_seconds(const scenario::Scenario& scenario) {
  const auto started = std::chrono::steady_clock::now();
  {
    std::jthread other([&scenario] { simulator::explore(scenario); });
    simulator::explore(scenario);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

/// Every thread count (and the two jobs), in rounds: each round runs each once, in turn, so a
/// busy minute on this shared machine slows every count alike instead of the one that ran then
/// (all of one count's runs first gave 1.87x one day and 1.58x a minute later). The best of
/// the rounds is printed for each.
int run_side_by_side(int package_count, int fault_count, int brute_force_to, int repeat,
                     const std::vector<int>& thread_counts, bool two_jobs) {
  const scenario::Scenario scenario = chain(package_count, fault_count);
  std::vector<simulator::ExploreResult> best(thread_counts.size());
  std::vector<long> peak_kib(thread_counts.size(), 0);  // the largest of the rounds
  double two_jobs_best_s = 0;
  for (int round = 0; round < repeat; ++round) {
    for (std::size_t index = 0; index < thread_counts.size(); ++index) {
      simulator::ExploreOptions options;
      options.threads = thread_counts[index];
      reset_peak_rss();
      simulator::ExploreResult result = simulator::explore(scenario, options);
      peak_kib[index] = std::max(peak_kib[index], peak_rss_kib());
      if (round == 0 || result.elapsed_s < best[index].elapsed_s) best[index] = std::move(result);
    }
    if (two_jobs) {
      const double seconds = two_jobs_seconds(scenario);
      if (round == 0 || seconds < two_jobs_best_s) two_jobs_best_s = seconds;
    }
  }
  const bool versus = thread_counts.size() > 1;
  for (std::size_t index = 0; index < thread_counts.size(); ++index) {
    if (print_row(scenario, package_count, fault_count, index == 0 ? brute_force_to : 0,
                  thread_counts[index], best[index], peak_kib[index], versus,
                  index == 0 ? nullptr : &best.front()) != 0) {
      return 1;
    }
  }
  if (two_jobs) {
    std::printf("%s\n", fmt::format("| {} | {} | 2 x 1 | two 1-thread explorations at once: {:.3f} s "
                                    "| | | | | | | | {:.2f}x (their throughput over one alone: what the machine gives two memory-bound jobs now) |",
                                    package_count, fault_count, two_jobs_best_s,
                                    2 * best.front().elapsed_s / two_jobs_best_s)
                            .c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int from = 8;
  int to = 20;
  int faults = 0;
  int brute_force_to = 10;
  int repeat = 3;
  int two_jobs_to = 21;  // past it two explorations at once may not fit in memory (n = 24: 10 GB each)
  std::vector<int> thread_counts{1};
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string_view name = argv[index];
    const int value = std::atoi(argv[index + 1]);
    if (name == "--threads") {
      thread_counts.clear();
      for (const char* cursor = argv[index + 1]; *cursor != 0;) {
        char* end = nullptr;
        const long count = std::strtol(cursor, &end, 10);
        if (end == cursor || count < 1 || count > 256) {
          std::fprintf(stderr, "svcsim_explore_scaling: --threads takes counts such as 1,2\n");
          return 2;
        }
        thread_counts.push_back(static_cast<int>(count));
        cursor = *end == ',' ? end + 1 : end;
      }
      continue;
    }
    if (name == "--from") from = value;
    else if (name == "--to") to = value;
    else if (name == "--faults") faults = value;
    else if (name == "--brute-force-to") brute_force_to = value;
    else if (name == "--repeat") repeat = value;
    else if (name == "--two-jobs-to") two_jobs_to = value;
    else {
      std::fprintf(stderr, "usage: %s [--from N] [--to N] [--faults K] [--brute-force-to N] [--repeat R] "
                           "[--threads T,T...] [--two-jobs-to N]\n",
                   argv[0]);
      return 2;
    }
  }
  if (from < 1 || to > 64 || from > to || faults < 0 || repeat < 1) {
    std::fprintf(stderr, "svcsim_explore_scaling: need 1 <= --from <= --to <= 64, --faults >= 0, "
                         "--repeat >= 1\n");
    return 2;
  }
  const bool versus = thread_counts.size() > 1;
  std::printf("| n | k | threads | states | transitions | model states | seconds | M states/s | "
              "bytes/state (tracked) | peak RSS MiB | bytes/state (RSS) |%s%s\n",
              versus ? fmt::format(" vs {} thread(s) |", thread_counts.front()).c_str() : "",
              brute_force_to >= from ? " brute force s | speed-up |" : "");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|%s%s\n", versus ? "---|" : "",
              brute_force_to >= from ? "---|---|" : "");
  std::fflush(stdout);
  int failures = 0;
  for (int package_count = from; package_count <= to; ++package_count) {
    const pid_t child = fork();
    if (child == 0) {
      // Every thread count in the same child, in rounds (peak RSS is the larger of them).
      const int status = run_side_by_side(package_count, faults, brute_force_to, repeat,
                                          thread_counts, versus && package_count <= two_jobs_to);
      std::fflush(stdout);  // _Exit skips stdio's flush, and stdout is often a pipe
      std::_Exit(status);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
  }
  return failures == 0 ? 0 : 1;
}
