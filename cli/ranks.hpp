// How a subcommand that splits its work between MPI ranks (compare, explore) keeps them in
// step: the ranks agree that they read the same file and arguments before their first
// collective, so a rank that could not load the file (a node that does not see it) does not
// leave the others waiting, and a rank that read another copy (a stale one on a node's disk)
// does not mix another input into the answer. One rank: nothing to compare.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace svcsim::cli {

/// A 64-bit fingerprint (FNV-1a) of the file's bytes and `arguments`: what this rank is about
/// to work on. Never 0, which ranks_agree reads as "not ready".
std::uint64_t input_fingerprint(const std::string& path, std::string_view arguments);

/// Whether every rank is ready with the same fingerprint. `mine` is this rank's, or 0 when it
/// could not check its arguments or load the file (it has said why). Collective. On false,
/// rank 0 has printed one line naming the first rank that differs: every rank then exits 2.
bool ranks_agree(std::uint64_t mine, const std::string& path);

/// The ranks sharing this machine (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE; 1 run plainly): the
/// default threads and memory of a rank are the machine's divided between them.
int local_rank_count();

}  // namespace svcsim::cli
