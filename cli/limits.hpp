// The limits of `svcsim explore` and `svcsim check` as the command line gives them, and the
// machine's memory they default to. Reading the machine happens here, at the edge; the explorer
// only calls the function it is given (simulator::ExploreOptions::resident_bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "svcsim/model/result.hpp"

namespace svcsim::cli {

/// "unlimited": the explicit word for no limit (0 is refused rather than meaning it).
inline constexpr std::string_view unlimited_word = "unlimited";

/// A limit from the command line: a whole number from 1 to `maximum`, or "unlimited" (nullopt).
/// Refused with a reason: empty, 0, negative, not a number, or past `maximum` (for
/// --max-memory-mib, past 2^64 bytes).
///
///   parse_limit("2000", max) -> 2000;  parse_limit("unlimited", max) -> nullopt
///   parse_limit("0", max)    -> "must be a whole number from 1 to ... or 'unlimited'"
Result<std::optional<std::uint64_t>, std::string> parse_limit(std::string_view text,
                                                               std::uint64_t maximum);

/// The largest --max-memory-mib: 2^64 bytes, less one MiB.
inline constexpr std::uint64_t memory_mib_max = (std::uint64_t{1} << 44) - 1;

/// The machine's physical memory in bytes (sysconf); 0 when the system does not say.
std::uint64_t physical_memory_bytes();

/// The default memory limit: half of physical memory (4 GiB when the system does not say),
/// shared between the MPI ranks on this machine (`local_ranks`, 1 run plainly).
std::uint64_t default_memory_bytes_max(int local_ranks = 1);

/// What the process holds in memory now, in bytes (/proc/self/statm; elsewhere the peak from
/// getrusage). Cheap: one small read.
std::uint64_t resident_set_bytes();

/// --threads at most (explore, compare): far past any machine's cores, small enough to catch a
/// typo.
inline constexpr int thread_count_max = 256;

/// The default --threads of explore: every core the process may run on, shared between the
/// MPI ranks on this machine (`local_ranks`, 1 run plainly).
int default_thread_count(int local_ranks = 1);

/// "11.7 GiB", "300 MiB": a byte count for messages.
std::string memory_text(std::uint64_t bytes);

}  // namespace svcsim::cli
