#pragma once
// Counter-based random streams. Every draw in confsim comes from a stream keyed by
// (seed, agent kind, agent id, tick, purpose), so a draw never depends on which thread, rank or
// visiting order asked for it. Philox4x64-10 (Random123) is the generator; Boost.Random
// distributions shape its output because, unlike std:: distributions, they produce the same
// numbers with every standard library.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>
#include <limits>

namespace confsim::sim {

// Every purpose a stream is drawn for, in one place. A value is never reused or renumbered: doing
// so would silently change every result recorded with an earlier version.
enum class Purpose : std::uint32_t {
  initial_placement = 1,
  initial_attributes = 2,
  move_target = 3,
  move_priority = 4,
  arrest_choice = 5,
  arrest_priority = 6,
  jail_term = 7,
  release_placement = 8,
  scheduled_removal = 9,
  activation_draw = 10,      // a protester's share of today's assembly cost
  repression = 11,           // whether security forces or gunmen hit an active protester
  casualties = 12,           // how many people a hit kills, wounds or detains
  faction_action = 13,       // a faction's choice of actions for the day
  faction_target = 14,       // which target, weapon or region an action takes
  faction_outcome = 15,      // what an action achieves (deaths, detainees)
  unit_deployment = 16,      // where a security unit stands today
  sweep_seed = 17,           // the seed of a sweep's run, from the master seed and run index
  sweep_design = 18,         // a Latin hypercube's strata and jitter
  faction_reaction = 19,     // a faction's response to what another did to it (a march after a strike)
  sensitivity_bootstrap = 20,  // the base rows a bootstrap resample of a Sobol analysis draws
  morris_design = 21,          // a Morris trajectory's start, directions and order
  abc_proposal = 22,           // an ABC-SMC proposal: its prior draw, or its ancestor and perturbation
  calibration_seed = 23,       // the seeds of a proposal's replicate runs
  calibration_validation = 24, // posterior draws scored out of sample, and their seeds
  activation_order = 25,       // the order of a tick's turns under random-sequential activation
  sequential_turn = 26,        // an agent's draws on its turn: where it moves, whom it arrests
};

// Who a stream belongs to. Kinds are numbered here, once, for the same reason as purposes.
enum class StreamOwner : std::uint32_t {
  world = 0,
  citizen = 1,
  cop = 2,
  protester = 3,       // a group of citizens on a regional protest lattice
  security_unit = 4,   // a unit of the state's security forces on a lattice
  faction = 5,         // a strategic actor: government, militia, coalition, sponsor
};

class RandomStream {
 public:
  using result_type = std::uint32_t;
  using Philox = r123::Philox4x64;

  RandomStream(std::uint64_t seed, StreamOwner owner, std::uint64_t agent_id, std::uint64_t tick,
               Purpose purpose) noexcept
      : key_{{seed, (static_cast<std::uint64_t>(owner) << 32) | static_cast<std::uint64_t>(purpose)}},
        counter_{{agent_id, tick, 0, 0}} {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept {
    if (used_ == kWordsPerBlock) refill();
    const std::uint64_t word = block_.v[used_ / 2];
    const auto out = static_cast<result_type>((used_ % 2 == 0) ? word : (word >> 32));
    ++used_;
    return out;
  }

  // 64 raw bits at once, for priorities that settle conflicts (no distribution involved).
  std::uint64_t next_u64() noexcept {
    const std::uint64_t lo = (*this)();
    const std::uint64_t hi = (*this)();
    return lo | (hi << 32);
  }

 private:
  static constexpr unsigned kWordsPerBlock = 8;  // four 64-bit outputs per Philox block

  void refill() noexcept {
    block_ = Philox{}(counter_, key_);
    ++counter_.v[2];
    used_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  Philox::ctr_type block_{};
  unsigned used_ = kWordsPerBlock;
};

// The same keyed stream on Philox4x32-10 (Random123; the generator of cuRAND and TensorFlow):
// 128-bit blocks for half the arithmetic of RandomStream's 256-bit ones, computed for eight agents
// side by side where that pays (WindowSampler). For the draws every moving agent makes every
// tick, where a few words suffice and the generator would otherwise be a third of the tick. The seed is the key; the counter holds (agent id, tick, owner and purpose,
// block), so agent ids and ticks must be below 2^32, and owner and purpose below 2^16.
class CompactStream {
 public:
  using result_type = std::uint32_t;
  using Philox = r123::Philox4x32;
  using Block = Philox::ctr_type;

  CompactStream(std::uint64_t seed, StreamOwner owner, std::uint32_t agent_id, std::uint32_t tick,
                Purpose purpose) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        counter_{{agent_id, tick, lane(owner, purpose), 0}} {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  // The third counter word: the stream's owner kind and purpose.
  static constexpr std::uint32_t lane(StreamOwner owner, Purpose purpose) noexcept {
    return (static_cast<std::uint32_t>(owner) << 16) | static_cast<std::uint32_t>(purpose);
  }

  // The same stream with its first block already computed (by compact_first_blocks).
  CompactStream(std::uint64_t seed, StreamOwner owner, std::uint32_t agent_id, std::uint32_t tick, Purpose purpose,
                const Block& first_block) noexcept
      : CompactStream(seed, owner, agent_id, tick, purpose) {
    block_ = first_block;
    counter_.v[3] = 1;
    used_ = 0;
  }

  // The next whole block (a partly used block is passed over).
  Block next_block() noexcept {
    block_ = Philox{}(counter_, key_);
    ++counter_.v[3];
    used_ = kWordsPerBlock;
    return block_;
  }
  // Moves past the first `blocks` blocks.
  void skip_blocks(std::uint32_t blocks) noexcept {
    counter_.v[3] += blocks;
    used_ = kWordsPerBlock;
  }

  result_type operator()() noexcept {
    if (used_ == kWordsPerBlock) {
      next_block();
      used_ = 0;
    }
    return block_.v[used_++];
  }

 private:
  static constexpr unsigned kWordsPerBlock = 4;
  Philox::key_type key_;
  Philox::ctr_type counter_;
  Block block_{};
  unsigned used_ = kWordsPerBlock;
};

// The first blocks of n CompactStreams at once (eight at a time in an AVX2 build): stream i is
// CompactStream(seed, owner, ids[i], tick, purpose) with lanes[i] = CompactStream::lane(owner,
// purpose). For when every agent draws a little every tick and the draws' generator would
// otherwise be a large share of the tick.
void compact_first_blocks(std::uint64_t seed, std::uint32_t tick, const std::uint32_t* ids, const std::uint32_t* lanes,
                          std::size_t n, CompactStream::Block* out);

}  // namespace confsim::sim
