#pragma once
// A uniformly chosen cell of each agent's window among those where something holds (an empty
// cell to move to), for many agents at once, each drawing from its own stream.
//
// Agent i draws from CompactStream(seed, owner, ids[i], tick, purpose). The first word of block 0
// is the agent's to use otherwise (a claim priority); every later word gives two 16-bit probes,
// low half first, each a uniform offset index of the window (Lemire's method; a rejected draw is
// skipped). The pick is the first probe, in that order, that lands on a cell that holds; after
// `probe_blocks` blocks without one, the cells that hold are counted and one is drawn among them
// from the next word. Either way every such cell is equally likely.
//
// Probes are evaluated eight agents at a time in vector registers (the streams' blocks too) in a
// build for AVX2 (CONFSIM_ARCH x86-64-v3, the default), one agent at a time otherwise; both give
// the same bits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/lattice.hpp"
#include "confsim/sim/rng.hpp"

namespace confsim::sim {

struct StreamKey {
  std::uint64_t seed;
  StreamOwner owner;
  std::uint32_t tick;
  Purpose purpose;
};

class WindowSampler {
 public:
  // Probe blocks before counting: at the Epstein papers' densities (about a quarter of cells
  // empty) the first block finds a cell four times in five, and four blocks (30 probes) all miss
  // once in 2,000 picks.
  static constexpr std::uint32_t kDefaultProbeBlocks = 4;

  WindowSampler(const Window& window, const CellBits& cells, std::uint32_t probe_blocks = kDefaultProbeBlocks);
  const Window& window() const { return *window_; }

  static constexpr std::int32_t kNone = -1;

  // Work space for pick(), reused from call to call by one thread.
  struct Scratch {
    std::vector<std::uint32_t> pending, ids, centres;
    std::vector<std::int32_t> hits;
  };

  // For the agents i < n standing at bit positions centres[i] of the cells: picks[i], the index in
  // window().offsets() of the cell picked, or kNone when no cell of the window holds; and
  // first_words[i], the first word of the agent's stream.
  void pick(const StreamKey& key, const std::uint32_t* ids, const std::uint32_t* centres, std::size_t n,
            std::int32_t* picks, std::uint32_t* first_words, Scratch& scratch) const;

  // For agents i < n, block `block` of their streams alone: hits[i] is the offset index of the
  // first of its probes that lands on a cell that holds, or kNone; first_words[i] is the block's first
  // word when block is 0. Public so that tests can hold the vector and one-at-a-time forms to
  // each other.
  void probe_block(const StreamKey& key, std::uint32_t block, const std::uint32_t* ids, const std::uint32_t* centres,
                   std::size_t n, std::int32_t* hits, std::uint32_t* first_words, bool allow_vector = true) const;

 private:
  const Window* window_;
  const CellBits* cells_;
  WindowBits window_bits_;  // the fallback's count and pick
  std::uint32_t probe_blocks_;
  std::vector<std::int32_t> steps_;  // each offset's distance in bits in the cells
  SmallRangeDraws draws_;

  void probe_block_one_at_a_time(const StreamKey& key, std::uint32_t block, const std::uint32_t* ids,
                                 const std::uint32_t* centres, std::size_t n, std::int32_t* hits,
                                 std::uint32_t* first_words) const;
};

}  // namespace confsim::sim
