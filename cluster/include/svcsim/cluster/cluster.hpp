// The processes of one svcsim run: MPI ranks when svcsim was built with MPI (SVCSIM_MPI) and
// started by a launcher (mpirun, srun), else this process alone. The same calls compile and work
// either way, so callers hold no #ifdef: without MPI every collective below is the identity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "svcsim/simulator/explorer.hpp"
#include "svcsim/simulator/fleet.hpp"

namespace svcsim::cluster {

/// Initialises MPI for the program's lifetime, when svcsim was built with MPI and a launcher
/// started this process (its environment names a rank: OMPI_COMM_WORLD_SIZE from mpirun,
/// PMIX_RANK from srun --mpi=pmix or prterun, PMI_RANK from srun --mpi=pmi2); MPI_Finalize when
/// it goes. Otherwise it initialises nothing and the process is rank 0 of 1: a plain `svcsim`
/// pays no MPI start-up. One per program, made first thing in main.
///
///   int main(int argc, char** argv) { svcsim::cluster::Session session(argc, argv); ... }
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

/// This process's rank, 0 to size() - 1 (0 without MPI).
int rank();
/// The number of ranks (1 without MPI).
int size();
/// Whether MPI was compiled in (it may still be unused: see Session).
bool built_with_mpi();

/// Every rank's `value`, in rank order, on every rank. Collective: every rank calls it.
std::vector<std::uint64_t> all_gather(std::uint64_t value);

/// Rank 0's `value`, on every rank. Collective.
int broadcast_from_rank0(int value);

/// The whole fleet's tally from every rank's part: gathered to rank 0 as bytes (tally_codec.hpp),
/// merged there in rank order with StrategyTally::merge, and the result sent back to every rank.
/// Exact (integer counts), and the same on every rank. Collective. As FleetPartition::combine:
///
///   options.partition = cluster::fleet_partition();
simulator::StrategyTally merge_over_ranks(const simulator::StrategyTally& mine);

/// This rank's part of the fleet and merge_over_ranks to combine the parts: the identity
/// partition (one part, no combine) on one rank.
simulator::FleetPartition fleet_partition();

/// This rank and the collectives explore needs on several ranks (an all-to-all of each layer's
/// groups, an all-gather of counts and witness links): explore under MPI. Without MPI, or on
/// one rank, the partition of one process, which explore treats as no partition at all.
///
///   options.partition = cluster::explore_partition();
simulator::ExplorePartition explore_partition();

/// Ends every rank with `exit_code` (MPI_Abort) when there are several: this one cannot go on in
/// step with the others (an unexpected exception), and a rank that left the collectives would
/// leave the rest waiting forever. On one rank it returns, and the caller exits as usual.
void abort_if_several_ranks(int exit_code);

}  // namespace svcsim::cluster
