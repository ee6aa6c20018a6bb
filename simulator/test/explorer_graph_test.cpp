// The explorer's layer buffers and link arena give memory back when the layers shrink
// (explorer_graph.hpp): past the widest layer, buffers kept at its size held its pages to the
// end of the search (n = 20: a peak of 457 MiB instead of 407). These tests pin that down, since
// nothing else would notice it coming back: every count stays the same.
#include <gtest/gtest.h>

#include <cstdint>

#include "explorer_graph.hpp"
#include "svcsim/simulator/big_count.hpp"

namespace svcsim::simulator::explorer_detail {
namespace {

TEST(ExplorerLayer, KeepsABufferUpToAQuarterLargerThanTheLayer) {
  Layer<std::uint64_t> layer;
  layer.reserve_nodes(1'000'000);
  ASSERT_GE(layer.keys.capacity(), 1'000'000u);
  const auto* const kept = layer.keys.data();
  layer.reserve_nodes(800'000);  // 1,000,000 <= 800,000 + 800,000 / 4: reused
  EXPECT_EQ(layer.keys.data(), kept);
  EXPECT_GE(layer.keys.capacity(), 1'000'000u);
}

TEST(ExplorerLayer, GivesBackABufferMuchLargerThanTheLayer) {
  Layer<Count128> layer;  // the widest count: the most bytes a node
  layer.reserve_nodes(1'000'000);
  layer.keys.resize(1'000'000);
  layer.counts.resize(1'000'000);
  layer.operations.resize(1'000'000);
  layer.clear();
  layer.reserve_nodes(300'000);
  for (const std::size_t capacity :
       {layer.keys.capacity(), layer.counts.capacity(), layer.operations.capacity()}) {
    EXPECT_GE(capacity, 300'000u);
    EXPECT_LE(capacity, 375'000u);
  }
  const std::uint64_t small = layer.bytes();
  layer.reserve_nodes(1'000'000);  // growing again: room as asked
  EXPECT_GE(layer.keys.capacity(), 1'000'000u);
  EXPECT_GT(layer.bytes(), 3 * small);
}

TEST(ExplorerLinkArena, ClearKeepingUnmapsTheChunksBeyond) {
  LinkArena arena;
  arena.push_back(Link{});
  const std::uint64_t chunk_bytes = arena.bytes();
  ASSERT_GT(chunk_bytes, 0u);
  const std::uint64_t chunk_links = chunk_bytes / sizeof(Link);
  while (arena.size() < 3 * chunk_links + 5) arena.push_back(Link{7, 9});
  EXPECT_EQ(arena.bytes(), 4 * chunk_bytes);

  arena.clear_keeping(chunk_links + 1);  // needs two chunks
  EXPECT_EQ(arena.size(), 0u);
  EXPECT_EQ(arena.bytes(), 2 * chunk_bytes);
  // Still usable, and grows again past what it kept.
  for (std::uint64_t index = 0; index < 2 * chunk_links + 1; ++index) {
    arena.push_back(Link{static_cast<std::uint32_t>(index), 3});
  }
  EXPECT_EQ(arena.bytes(), 3 * chunk_bytes);
  EXPECT_EQ(static_cast<std::uint64_t>(arena[2 * chunk_links].parent), 2 * chunk_links);

  arena.clear_keeping(0);
  EXPECT_EQ(arena.bytes(), 0u);
  arena.push_back(Link{5, 6});
  EXPECT_EQ(static_cast<unsigned>(arena[0].choice), 6u);
}

}  // namespace
}  // namespace svcsim::simulator::explorer_detail
