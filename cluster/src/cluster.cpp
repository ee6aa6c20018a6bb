// cluster.hpp over MPI (SVCSIM_HAVE_MPI) or over this process alone. Every MPI call of svcsim is
// in this file; MPI_COMM_WORLD keeps MPI's default error handler, so a failed call ends the job
// (the checks below only make the intent visible).
#include "svcsim/cluster/cluster.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#if SVCSIM_HAVE_MPI
// The C API only: Open MPI's deprecated C++ bindings would need a library of their own.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

#include "svcsim/cluster/tally_codec.hpp"
#include "svcsim/model/assert.hpp"

namespace svcsim::cluster {
namespace {

// Process-wide, like MPI's own state: set once by Session before any command runs.
int process_rank = 0;
int process_count = 1;
bool mpi_initialised = false;

#if SVCSIM_HAVE_MPI
/// Whether a launcher started this process as one rank of a job. Without one, MPI_Init would
/// make a singleton, which works (as root too) but starts a helper daemon: about 0.5 s per run on
/// this project's machine, paid by every plain `svcsim` and every CTest that runs it.
bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

void check(int code, const char* what) { SVCSIM_ASSERT_MSG(code == MPI_SUCCESS, what); }
#endif

}  // namespace

Session::Session([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
  SVCSIM_ASSERT_MSG(!mpi_initialised, "one cluster::Session per program");
#if SVCSIM_HAVE_MPI
  if (!started_by_launcher()) return;
  // Worker threads (compare --threads) never call MPI; only the main thread does.
  int provided = MPI_THREAD_SINGLE;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  SVCSIM_ASSERT_MSG(provided >= MPI_THREAD_FUNNELED, "this MPI cannot run beside worker threads");
  mpi_initialised = true;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &process_rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &process_count), "MPI_Comm_size");
  SVCSIM_ASSERT(process_count >= 1);
  SVCSIM_ASSERT(process_rank >= 0 && process_rank < process_count);
#endif
}

Session::~Session() {
#if SVCSIM_HAVE_MPI
  if (!mpi_initialised) return;
  // What this rank wrote reaches the launcher before MPI lets go of the process.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  MPI_Finalize();
  mpi_initialised = false;
#endif
}

int rank() { return process_rank; }
int size() { return process_count; }
bool built_with_mpi() { return SVCSIM_HAVE_MPI != 0; }

std::vector<std::uint64_t> all_gather(std::uint64_t value) {
  std::vector<std::uint64_t> values(static_cast<std::size_t>(process_count), value);
#if SVCSIM_HAVE_MPI
  if (process_count > 1) {
    check(MPI_Allgather(&value, 1, MPI_UINT64_T, values.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
          "MPI_Allgather");
  }
#endif
  SVCSIM_ASSERT(values[static_cast<std::size_t>(process_rank)] == value);
  return values;
}

int broadcast_from_rank0(int value) {
#if SVCSIM_HAVE_MPI
  if (process_count > 1) check(MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
#endif
  return value;
}

simulator::StrategyTally merge_over_ranks(const simulator::StrategyTally& mine) {
  if (process_count == 1) return mine;
#if SVCSIM_HAVE_MPI
  // Gather every rank's bytes to rank 0 (lengths first), merge there in rank order, and send the
  // merged bytes back: only rank 0 holds P tallies at once, every other rank two.
  const std::string bytes = encode_tally(mine);
  SVCSIM_ASSERT_MSG(bytes.size() <= INT_MAX, "a tally larger than MPI's int counts");
  const int length = static_cast<int>(bytes.size());
  const bool root = process_rank == 0;
  std::vector<int> lengths(root ? static_cast<std::size_t>(process_count) : 0);
  check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> offsets(lengths.size());
  std::string gathered;
  if (root) {
    std::int64_t total = 0;
    for (std::size_t index = 0; index < lengths.size(); ++index) {
      SVCSIM_ASSERT_MSG(total <= INT_MAX, "the ranks' tallies pass MPI's int offsets");
      offsets[index] = static_cast<int>(total);
      total += lengths[index];
    }
    SVCSIM_ASSERT_MSG(total <= INT_MAX, "the ranks' tallies pass MPI's int offsets");
    gathered.resize(static_cast<std::size_t>(total));
  }
  check(MPI_Gatherv(bytes.data(), length, MPI_BYTE, gathered.data(), lengths.data(), offsets.data(),
                    MPI_BYTE, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::string merged;
  if (root) {
    std::vector<std::string_view> parts;
    for (std::size_t index = 0; index < lengths.size(); ++index) {
      parts.emplace_back(gathered.data() + offsets[index], static_cast<std::size_t>(lengths[index]));
    }
    merged = encode_tally(merge_encoded(parts));
  }
  std::uint64_t merged_length = merged.size();
  check(MPI_Bcast(&merged_length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  SVCSIM_ASSERT_MSG(merged_length <= INT_MAX, "a tally larger than MPI's int counts");
  merged.resize(merged_length);
  check(MPI_Bcast(merged.data(), static_cast<int>(merged_length), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  // Every rank, rank 0 included, decodes the same bytes: the same tally everywhere.
  return decode_tally(merged);
#else
  SVCSIM_ASSERT_MSG(false, "several ranks without MPI");
  return mine;
#endif
}

simulator::FleetPartition fleet_partition() {
  simulator::FleetPartition partition;
  partition.part = static_cast<std::uint64_t>(process_rank);
  partition.part_count = static_cast<std::uint64_t>(process_count);
  if (process_count > 1) partition.combine = merge_over_ranks;
  return partition;
}

#if SVCSIM_HAVE_MPI
namespace {

using Bytes = simulator::ExplorePartition::Bytes;

/// MPI counts bytes in ints: a message past 1 GiB goes in pieces of at most this many bytes
/// (explore at n = 24 sends a few hundred MB per pair of ranks and layer).
constexpr std::uint64_t piece_bytes_default = std::uint64_t{1} << 30;

/// The piece size: 1 GiB, or SVCSIM_MPI_PIECE_BYTES (tests only: no test message is 1 GiB, so
/// tests/mpi_tests.cmake sends explore's messages in pieces of a few KiB to check the path that
/// cuts and rejoins them). Read once; anything but a whole number of bytes from 1 to 1 GiB is a
/// mistake in the test, and stops the job.
std::uint64_t piece_bytes_max() {
  static const std::uint64_t bytes = [] {
    const char* text = std::getenv("SVCSIM_MPI_PIECE_BYTES");
    if (text == nullptr) return piece_bytes_default;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    SVCSIM_ASSERT_MSG(*text != '\0' && *end == '\0' && value >= 1 && value <= piece_bytes_default,
                      "SVCSIM_MPI_PIECE_BYTES: a number of bytes from 1 to 1073741824");
    return static_cast<std::uint64_t>(value);
  }();
  return bytes;
}

/// The largest tag this MPI allows (at least 32767 by the standard).
int tag_upper_bound() {
  void* value = nullptr;
  int found = 0;
  check(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &value, &found), "MPI_Comm_get_attr");
  return found != 0 ? *static_cast<int*>(value) : 32767;
}

/// Calls `post(offset, bytes, piece number)` for each piece of a message of `size` bytes; a
/// piece's number is its MPI tag, so the pieces of one message meet in order.
template <typename Post>
void for_each_piece(std::uint64_t size, Post&& post) {
  static const int tag_max = tag_upper_bound();
  const std::uint64_t piece_bytes = piece_bytes_max();
  SVCSIM_ASSERT_MSG(size / piece_bytes < static_cast<std::uint64_t>(tag_max),
                    "explore: a message of more pieces than MPI has tags");
  for (std::uint64_t at = 0, piece = 0; at < size; at += piece_bytes, ++piece) {
    post(at, static_cast<int>(std::min(size - at, piece_bytes)), static_cast<int>(piece));
  }
}

/// Point to point, straight between the callers' buffers: no packing into one buffer and no
/// copying out of one, as MPI_Alltoallv would need. The sizes go first (MPI_Alltoall).
void exchange_over_ranks(const std::vector<Bytes>& outgoing, std::vector<Bytes>& incoming) {
  const auto ranks = static_cast<std::size_t>(process_count);
  const auto here = static_cast<std::size_t>(process_rank);
  SVCSIM_ASSERT(outgoing.size() == ranks);
  std::vector<std::uint64_t> send_sizes(ranks);
  for (std::size_t to = 0; to < ranks; ++to) send_sizes[to] = outgoing[to].size();
  std::vector<std::uint64_t> receive_sizes(ranks);
  check(MPI_Alltoall(send_sizes.data(), 1, MPI_UINT64_T, receive_sizes.data(), 1, MPI_UINT64_T,
                     MPI_COMM_WORLD),
        "MPI_Alltoall");
  incoming.resize(ranks);
  std::vector<MPI_Request> requests;
  for (std::size_t from = 0; from < ranks; ++from) {
    incoming[from].resize(receive_sizes[from]);  // left uninitialised (HugePageAllocator)
    if (from == here) {
      std::copy(outgoing[here].begin(), outgoing[here].end(), incoming[here].begin());
      continue;
    }
    for_each_piece(receive_sizes[from], [&](std::uint64_t at, int count, int piece) {
      requests.emplace_back();
      check(MPI_Irecv(incoming[from].data() + at, count, MPI_BYTE, static_cast<int>(from), piece,
                      MPI_COMM_WORLD, &requests.back()),
            "MPI_Irecv");
    });
  }
  for (std::size_t to = 0; to < ranks; ++to) {
    if (to == here) continue;
    for_each_piece(send_sizes[to], [&](std::uint64_t at, int count, int piece) {
      requests.emplace_back();
      check(MPI_Isend(outgoing[to].data() + at, count, MPI_BYTE, static_cast<int>(to), piece,
                      MPI_COMM_WORLD, &requests.back()),
            "MPI_Isend");
    });
  }
  check(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE),
        "MPI_Waitall");
}

std::vector<Bytes> all_gather_over_ranks(const Bytes& mine) {
  const auto ranks = static_cast<std::size_t>(process_count);
  const std::vector<std::uint64_t> sizes = all_gather(mine.size());
  std::vector<int> counts(ranks);
  std::vector<int> offsets(ranks);
  std::uint64_t total = 0;
  for (std::size_t rank = 0; rank < ranks; ++rank) {
    SVCSIM_ASSERT_MSG(total + sizes[rank] <= INT_MAX, "explore: an all-gather past MPI's int offsets");
    counts[rank] = static_cast<int>(sizes[rank]);
    offsets[rank] = static_cast<int>(total);
    total += sizes[rank];
  }
  Bytes gathered(total);
  check(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, gathered.data(),
                       counts.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  std::vector<Bytes> all(ranks);
  for (std::size_t rank = 0; rank < ranks; ++rank) {
    all[rank].assign(gathered.begin() + offsets[rank], gathered.begin() + offsets[rank] + counts[rank]);
  }
  return all;
}

}  // namespace
#endif

simulator::ExplorePartition explore_partition() {
  simulator::ExplorePartition partition;
  partition.rank = process_rank;
  partition.size = process_count;
#if SVCSIM_HAVE_MPI
  if (process_count > 1) {
    partition.exchange = exchange_over_ranks;
    partition.all_gather = all_gather_over_ranks;
  }
#endif
  return partition;
}

void abort_if_several_ranks([[maybe_unused]] int exit_code) {
#if SVCSIM_HAVE_MPI
  if (process_count > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
}

}  // namespace svcsim::cluster
