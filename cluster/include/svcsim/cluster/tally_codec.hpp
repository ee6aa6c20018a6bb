// A fleet tally as bytes, to send between ranks: fixed-width little-endian integers, each string,
// map and list preceded by its length. Only ranks of one svcsim run read them (one binary), so the
// format carries no version; it is compiled with or without MPI, and tested without it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svcsim/simulator/fleet.hpp"

namespace svcsim::cluster {

/// Every field of `tally`, in declaration order.
std::string encode_tally(const simulator::StrategyTally& tally);

/// The tally encode_tally wrote. Any other bytes are a bug in svcsim (SVCSIM_ASSERT), never input.
simulator::StrategyTally decode_tally(std::string_view bytes);

/// The parts decoded and merged in order (rank order, for MPI): exact, since every field is an
/// integer count or a map of counts.
simulator::StrategyTally merge_encoded(const std::vector<std::string_view>& parts);

}  // namespace svcsim::cluster
