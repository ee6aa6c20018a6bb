// Ranks as threads of one process: the collectives of an ExplorePartition over shared memory
// and a barrier, so that explore on several ranks is tested everywhere, by every test build,
// without MPI (the `mpi` CTests run the real thing). Each rank's explorer runs on a thread of
// its own, as each MPI rank runs in a process of its own.
#pragma once

#include <barrier>
#include <thread>
#include <vector>

#include "svcsim/scenario/scenario.hpp"
#include "svcsim/simulator/explorer.hpp"

namespace svcsim::simulator::testing {

class ThreadRanks {
 public:
  using Bytes = ExplorePartition::Bytes;

  explicit ThreadRanks(int size)
      : size_(static_cast<std::size_t>(size)), boxes_(size_ * size_), gathered_(size_),
        barrier_(size) {}

  ExplorePartition partition(int rank) {
    ExplorePartition partition;
    partition.rank = rank;
    partition.size = static_cast<int>(size_);
    const auto me = static_cast<std::size_t>(rank);
    partition.exchange = [this, me](const std::vector<Bytes>& outgoing, std::vector<Bytes>& incoming) {
      for (std::size_t to = 0; to < size_; ++to) boxes_[me * size_ + to] = &outgoing[to];
      barrier_.arrive_and_wait();
      incoming.resize(size_);
      for (std::size_t from = 0; from < size_; ++from) {
        incoming[from] = *boxes_[from * size_ + me];  // the sender's buffer stays put till then
      }
      barrier_.arrive_and_wait();
    };
    partition.all_gather = [this, me](const Bytes& mine) {
      gathered_[me] = mine;
      barrier_.arrive_and_wait();
      std::vector<Bytes> all = gathered_;
      barrier_.arrive_and_wait();  // nobody writes again before everyone has read
      return all;
    };
    return partition;
  }

  /// Explores on every rank at once; every rank's result, by rank.
  static std::vector<ExploreResult> explore(const scenario::Scenario& scenario,
                                            const ExploreOptions& options, int size) {
    ThreadRanks ranks(size);
    std::vector<ExploreResult> results(static_cast<std::size_t>(size));
    std::vector<ExploreOptions> each(static_cast<std::size_t>(size), options);
    {
      std::vector<std::jthread> threads;
      for (int rank = 0; rank < size; ++rank) {
        each[static_cast<std::size_t>(rank)].partition = ranks.partition(rank);
        threads.emplace_back([&, rank] {
          const auto index = static_cast<std::size_t>(rank);
          results[index] = simulator::explore(scenario, each[index]);
        });
      }
    }
    return results;
  }

 private:
  std::size_t size_;
  std::vector<const Bytes*> boxes_;  // [from * size + to]
  std::vector<Bytes> gathered_;
  std::barrier<> barrier_;
};

}  // namespace svcsim::simulator::testing
