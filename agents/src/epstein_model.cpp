

// Epstein's Model I under two activation schemes (rules.activation).
// Random-sequential: every agent takes its turn in a fresh random order each tick, acting on the
// lattice as the agents before it left it; serial, with the counts of cops and actives around each
// cell kept up to date as agents move and change state, so that a decision is a lookup.
// Synchronous: every rule reads a snapshot and writes only its own slot; where two agents want the
// same cell or the same suspect, the lower of two keyed random priorities wins, so the outcome
// never depends on thread count or visiting order.
#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include <tbb/enumerable_thread_specific.h>

#include "confsim/agents/epstein.hpp"
#include "confsim/sim/distributions.hpp"
#include "confsim/sim/parallel.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/window_sampler.hpp"

namespace confsim::agents::epstein {

Parameters Parameters::from(const sim::Scenario& s) {
  Parameters p;
  p.width = static_cast<std::uint32_t>(s.integer("grid.width"));
  p.height = static_cast<std::uint32_t>(s.integer("grid.height"));
  p.torus = s.flag("grid.torus");
  p.placed_per_cell = s.word("grid.placement") == "per_cell";
  p.citizen_density = s.real("citizens.density");
  p.cop_density = s.real("cops.density");
  p.citizen_vision = s.real("citizens.vision");
  p.cop_vision = s.real("cops.vision");
  p.citizen_shape = sim::window_shape_from(s.word("citizens.vision_shape"));
  p.cop_shape = sim::window_shape_from(s.word("cops.vision_shape"));
  p.threshold = s.real("citizens.threshold");
  p.arrest_constant = s.real("citizens.arrest_constant");
  p.citizens_move = s.flag("citizens.moves");
  p.cops_move = s.flag("cops.moves");
  const std::int64_t j = s.integer("jail.max_term");
  p.max_jail_term = j == sim::kKeywordValue ? kUnboundedJail : j;
  p.jail_range = s.word("jail.term_range") == "exclusive" ? JailTermRange::exclusive : JailTermRange::inclusive;
  p.jailed_block_cell = s.flag("jail.blocks_cell");
  const std::string& rounding = s.word("rules.ratio_rounding");
  p.rounding = rounding == "floor" ? RatioRounding::floor
               : rounding == "round_half_even" ? RatioRounding::round_half_even
                                               : RatioRounding::none;
  p.self_count = s.word("rules.self_count") == "twice_when_active" ? SelfCount::twice_when_active : SelfCount::once;
  p.order = s.word("rules.order") == "act_then_move" ? Order::act_then_move : Order::move_then_act;
  p.activation = s.word("rules.activation") == "synchronous" ? Activation::synchronous : Activation::random_sequential;
  p.cops_step_onto_arrest = s.flag("cops.step_onto_arrest");
  return p;
}

namespace {

using sim::CellIndex;
using sim::Purpose;
using sim::RandomStream;
using sim::StreamOwner;

const std::vector<std::pair<int, std::string>> kCodeNames = {
    {empty, "empty"}, {quiescent, "quiescent"}, {active, "active"},
    {jailed, "jailed"}, {cop, "cop"}, {removed, "removed"}};


// A claim on a cell, for a move into it or an arrest in it: the claimant's random priority in the
// high bits and, in the low bits, where the claimant stands relative to the cell. The lowest claim
// wins, and the winner is found from the cell alone, with no record per claimant. Windows fit
// the torus without overlapping themselves, so a displacement names one cell. The slots live in
// storage the model lends (its per-cell scratch), cleared before each round of claims.
class Claims {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  Claims(std::uint32_t* slots, std::size_t cells, int reach)
      : reach_(reach),
        side_(2 * reach + 1),
        displacement_bits_(static_cast<unsigned>(std::bit_width(static_cast<std::uint32_t>(side_ * side_)))),
        slots_(slots),
        cells_(cells) {
    // Displacements by code, so that reading a winner takes no division.
    for (int code = 0; code < side_ * side_; ++code) displacement_.push_back({code % side_ - reach_, code / side_ - reach_});
  }

  // Every slot unclaimed. The largest displacement code is side² − 1 < 2^bits − 1, so no claim
  // equals kNone.
  void clear() {
    sim::parallel_blocks(cells_, [&](std::size_t begin, std::size_t end) {
      std::fill(slots_ + begin, slots_ + end, kNone);
    });
  }

  // Claims `cell` for the agent standing at `claimant` relative to it. Claimants are visited with
  // sim::parallel_row_bands at the claims' reach, so no other thread touches the slot meanwhile and
  // a plain compare-and-store suffices (no locked instruction).
  void claim(CellIndex cell, std::uint32_t priority, sim::Offset claimant) {
    claim_coded(cell, priority, code_of(claimant));
  }
  // The same with the displacement's code worked out beforehand.
  std::uint32_t code_of(sim::Offset claimant) const {
    return static_cast<std::uint32_t>((claimant.dy + reach_) * side_ + (claimant.dx + reach_));
  }
  void claim_coded(CellIndex cell, std::uint32_t priority, std::uint32_t code) {
    const std::uint32_t key = ((priority >> displacement_bits_) << displacement_bits_) | code;
    slots_[cell] = std::min(slots_[cell], key);
  }

  // Asks the memory system for the claim slots of cells x0 ≤ x < x1 of row y (wrapped on a torus)
  // before they are needed.
  void prefetch(const sim::Lattice& lattice, std::uint32_t y, std::uint32_t x0, std::uint32_t x1) const {
    if (y >= lattice.height()) {
      if (!lattice.torus()) return;
      y -= lattice.height();
    }
    const std::uint32_t* row = slots_ + static_cast<std::size_t>(y) * lattice.width();
    for (std::uint32_t x = x0; x < x1; x += 16) __builtin_prefetch(row + x, 1);
  }

  // Where the winning claimant of `cell` stands relative to it; false if nobody claimed the cell.
  bool winner(CellIndex cell, sim::Offset& claimant) const {
    const std::uint32_t key = slots_[cell];
    if (key == kNone) return false;
    claimant = displacement_[key & ((1U << displacement_bits_) - 1)];
    return true;
  }

 private:
  int reach_, side_;
  unsigned displacement_bits_;
  std::uint32_t* slots_;
  std::size_t cells_;
  std::vector<sim::Offset> displacement_;
};

// Movers of one kind gathered over rows, and what the sampler needs for them: picked in batches
// of at least kMoverBatch (when the rows hold as many), so that the sampler's vector form does most
// of the work even on a narrow lattice.
constexpr std::size_t kMoverBatch = 256;
struct Movers {
  std::vector<std::uint32_t> columns, rows, ids, centres, priorities;
  std::vector<std::int32_t> picks;
  sim::WindowSampler::Scratch scratch;
  std::size_t n = 0;
  explicit Movers(std::uint32_t width)
      : columns(width + kMoverBatch), rows(width + kMoverBatch), ids(width + kMoverBatch),
        centres(width + kMoverBatch), priorities(width + kMoverBatch), picks(width + kMoverBatch) {}
  bool full() const { return n >= kMoverBatch; }
};

// A thread's work space for the row-by-row steps of a synchronous tick, kept from tick to tick:
// allocating it afresh each tick cost about 2% of a run at Mesa's 40 × 40.
struct RowWork {
  Movers citizens, cops;
  std::vector<std::uint32_t> row;  // one value per cell of a row
  explicit RowWork(std::uint32_t width) : citizens(width), cops(width), row(width) {}
};

// What a kind of mover needs to claim the cell it picked: by offset index, the claim code of the
// mover's displacement.
struct MoveTable {
  const sim::WindowSampler* sampler;
  std::vector<std::uint32_t> claim_codes;
};

// Where a citizen is and in what state, for snapshots.
struct Where {
  std::uint16_t x, y;  // the schema caps lattice sides at 65,535
  std::int8_t state;
};

struct Tally {
  std::int64_t quiescent = 0, active = 0, jailed = 0, cops = 0;
  double hardship = 0;  // summed over free citizens
  Tally& operator+=(const Tally& o) {
    quiescent += o.quiescent;
    active += o.active;
    jailed += o.jailed;
    cops += o.cops;
    hardship += o.hardship;
    return *this;
  }
};

// A citizen jailed off the lattice (when jail does not block the cell): its attributes travel
// with it, and it walks out near the cell it was taken from.
struct Prisoner {
  std::uint32_t citizen;
  CellIndex cell;
  float hardship, risk_aversion;
  std::int32_t term_left;
};

// An agent a scheduled event took away, and where it was last.
struct Departed {
  std::uint32_t agent;
  CellIndex cell;
};

// Moves are committed in strips this wide and blocks of rows this tall (see move()): chosen by
// measurement on a 4000 × 4000 lattice with a 1 MB second-level cache (256 columns: 27 ms a tick
// on 2 threads; 512: 34; whole rows: 42).
constexpr std::uint32_t kStripColumns = 256;
constexpr std::uint32_t kCommitRows = 64;

// A cell's value in the window counter: cops in the low lane, active citizens in the high lane.
constexpr std::uint32_t counted(std::int8_t code) {
  // Without a branch: what stands where is as random as the lattice.
  return static_cast<std::uint32_t>(code == cop) | sim::in_high_lane(static_cast<std::uint32_t>(code == active));
}

// Random-sequential activation: the cells of a window around a cell, by offset index, as the step
// in cells where the window does not cross the lattice's edge; elsewhere each shifted coordinate is
// looked up (wrapped on a torus, kOffLattice beyond the edge of a bounded lattice), so that no turn
// divides.
constexpr std::uint32_t kOffLattice = UINT32_MAX;
struct WindowCells {
  const sim::Window* window;
  std::vector<std::ptrdiff_t> steps;
  sim::SmallRangeDraws probes;  // a uniform offset index from 16 random bits
};

// Where an agent stands during a tick's turns.
struct Spot {
  std::uint32_t x, y;
  CellIndex cell;
};

class EpsteinModel final : public sim::Model {
 public:
  EpsteinModel(const Parameters& p, std::uint64_t seed)
      : p_(p),
        seed_(seed),
        lattice_(p.width, p.height, p.torus),
        citizen_window_(p.citizen_shape, p.citizen_vision),
        cop_window_(p.cop_shape, p.cop_vision),
        reach_(std::max(citizen_window_.reach(), cop_window_.reach())),
        scratch_(std::max<std::size_t>(sim::WindowCounter::table_size(lattice_, reach_), lattice_.cell_count())),
        counter_(lattice_, reach_, scratch_.data()),
        row_work_([width = p.width] { return RowWork(width); }),
        claims_(scratch_.data(), lattice_.cell_count(), reach_),
        vacant_(lattice_, reach_),
        actives_(lattice_, reach_),
        citizen_moves_(citizen_window_, vacant_),
        cop_moves_(cop_window_, vacant_),
        suspects_(cop_window_, actives_),
        citizen_move_table_(move_table(citizen_moves_)),
        cop_move_table_(move_table(cop_moves_)),
        arrest_odds_(p.arrest_constant, p.rounding, kOddsSide, kOddsSide),
        shifted_x_(shifted_coordinates(p.width)),
        shifted_y_(shifted_coordinates(p.height)),
        citizen_cells_(window_cells(citizen_window_)),
        cop_cells_(window_cells(cop_window_)),
        same_windows_(citizen_window_.offsets() == cop_window_.offsets()) {
    const std::int64_t cells = lattice_.cell_count();
    const auto share_of_cells = [&](double density) {
      return std::llround(density * static_cast<double>(cells));
    };
    if (p.placed_per_cell) {
      place_per_cell([&](CellIndex, std::int8_t kind) { ++(kind == cop ? n_cops_ : n_citizens_); });
    } else {
      n_citizens_ = static_cast<std::uint32_t>(share_of_cells(p.citizen_density));
      n_cops_ = static_cast<std::uint32_t>(std::min<std::int64_t>(share_of_cells(p.cop_density), cells - n_citizens_));
    }
    // The schema refuses such windows; the check guards the lane packing if it ever stops doing so.
    for (const sim::Window* w : {&citizen_window_, &cop_window_})
      if (w->offsets().size() + 1 > sim::kMaxPackedWindowCells)
        throw std::invalid_argument("a vision window of " + std::to_string(w->offsets().size() + 1) +
                                    " cells; at most " + std::to_string(sim::kMaxPackedWindowCells) +
                                    " are supported");
  }

  std::size_t lattice_cells() const override { return lattice_.cell_count(); }
  std::uint64_t field_agents() const override { return std::uint64_t{n_citizens_} + n_cops_; }

  sim::OutputSchema output_schema() const override {
    sim::OutputSchema s;
    s.dimensions = {{"x", "lattice column", p_.width, {}},
                    {"y", "lattice row", p_.height, {}},
                    {"citizen", "citizen index", n_citizens_, {}}};
    const auto count = [](std::string name, std::string long_name) {
      return sim::VariableSpec{std::move(name), std::move(long_name), "1", {}, sim::StorageType::int32, {}};
    };
    s.series = {count("quiescent", "free citizens who are quiet"),
                count("active", "free citizens who are active (rebelling)"),
                count("jailed", "citizens in jail"),
                count("cops", "cops on duty"),
                {"legitimacy", "government legitimacy L", "1", {}, sim::StorageType::float64, {}},
                count("arrests", "arrests made during the tick"),
                {"mean_grievance", "mean grievance H(1 - L) of free citizens", "1", {}, sim::StorageType::float64, {}}};
    s.snapshots = {{"cell_state", "what occupies each cell", "1", {"y", "x"}, sim::StorageType::int8, kCodeNames},
                   {"citizen_state", "state of each citizen", "1", {"citizen"}, sim::StorageType::int8, kCodeNames},
                   {"citizen_x", "column of each citizen's cell", "1", {"citizen"}, coordinate_type(), {}},
                   {"citizen_y", "row of each citizen's cell", "1", {"citizen"}, coordinate_type(), {}}};
    s.statics = {{"citizen_hardship", "perceived hardship H", "1", {"citizen"}, sim::StorageType::float32, {}},
                 {"citizen_risk_aversion", "risk aversion R", "1", {"citizen"}, sim::StorageType::float32, {}}};
    s.events.kinds = {"arrest"};
    s.events.actors = {"security_forces"};
    s.events.targets = {"active_citizens"};
    s.events.regions = {"lattice"};
    return s;
  }

  void initialise(const sim::LiveParameters& live) override {
    legitimacy_ = &live.at("government.legitimacy");
    const std::uint32_t cells = lattice_.cell_count();
    const std::uint32_t agents = n_citizens_ + n_cops_;
    code_.assign(cells, empty);
    agent_.assign(cells, 0);
    hardship_.assign(cells, 0.0F);
    risk_aversion_.assign(cells, 0.0F);
    jail_left_.assign(p_.jailed_block_cell ? cells : 0, 0);
    // Exactly n agents on distinct cells, every set of cells equally likely, and among them exactly
    // the cops, every choice equally likely: one pass over the cells in order (a shuffle of all
    // cells costs a cache miss a swap). Citizens and cops are numbered in cell order; numbers are
    // only the keys of their streams and their places in the output.
    RandomStream placement(seed_, StreamOwner::world, 0, 0, Purpose::initial_placement);
    RandomStream kinds(seed_, StreamOwner::world, 1, 0, Purpose::initial_placement);
    std::uint32_t agent = 0, citizen = 0, cop_number = 0;
    std::uint32_t cops_left = n_cops_;
    const auto place = [&](CellIndex c, std::int8_t kind) {
      code_[c] = kind;
      agent_[c] = kind == cop ? n_citizens_ + cop_number++ : citizen++;
    };
    if (p_.placed_per_cell) {
      place_per_cell(place);
    } else {
      sim::select_in_order(placement, cells, agents, [&](std::uint32_t c, bool occupied) {
        if (!occupied) return;
        const bool is_a_cop = cops_left > 0 && sim::draw_below(kinds, agents - agent) < cops_left;
        cops_left -= is_a_cop ? 1 : 0;
        ++agent;
        place(c, is_a_cop ? cop : quiescent);
      });
    }
    sim::parallel_blocks(cells, [&](std::size_t begin, std::size_t end) {
      for (std::size_t c = begin; c < end; ++c) {
        if (code_[c] != quiescent) continue;
        RandomStream draw(seed_, StreamOwner::citizen, agent_[c], 0, Purpose::initial_attributes);
        hardship_[c] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0, "hardship"));
        risk_aversion_[c] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0, "risk aversion"));
      }
    });
  }

  void act_field_agents(std::int64_t tick) override {
    if (p_.activation == Activation::random_sequential) {
      timed("take_turns", [&] { take_turns(tick); });
      return;
    }
    if (p_.order == Order::move_then_act) move(tick);
    timed("count_windows", [&] {
      // Read through a local pointer, so that the compiler vectorises the row pass.
      const std::int8_t* const codes = code_.data();
      counter_.rebuild([codes](CellIndex c) { return counted(codes[c]); });
    });
    timed("decide", [&] { decide(); });
    timed("choose_arrests", [&] { choose_arrests(tick); });
  }

  void resolve(std::int64_t tick) override {
    std::int64_t arrests = 0;
    if (p_.activation == Activation::random_sequential) {
      arrests = sequential_arrests_;
      sequential_arrests_ = 0;
      timed("release", [&] {
        admit_to_jail(arrivals_);
        arrivals_.clear();
        release_after_count_down(tick);
      });
    } else {
      timed("apply_arrests", [&] { arrests = apply_arrests(tick); });
      if (p_.order == Order::act_then_move) move(tick);
      timed("release", [&] { release(tick); });
    }
    arrests_last_tick_ = arrests;
    if (arrests > 0) pending_events_.push_back({tick, 0, 0, 0, 0, 0, 0, arrests});
  }

  void remove_share(const std::string& population, double share, std::int64_t tick) override {
    const bool cops = population == "cops";
    // Members present, in agent order: the order the draws below pick from.
    std::vector<Departed> present;
    for (CellIndex c = 0; c < code_.size(); ++c)
      if (code_[c] != empty && is_cop(agent_[c]) == cops) present.push_back({agent_[c], c});
    if (!cops)
      for (const Prisoner& p : jail_) present.push_back({p.citizen, p.cell});
    std::sort(present.begin(), present.end(), [](const Departed& a, const Departed& b) { return a.agent < b.agent; });
    const auto n = static_cast<std::size_t>(std::llround(share * static_cast<double>(present.size())));
    RandomStream pick(seed_, StreamOwner::world, cops ? 1 : 0, static_cast<std::uint64_t>(tick),
                      Purpose::scheduled_removal);
    std::vector<std::uint32_t> leaving_jail;
    for (std::size_t k = 0; k < n; ++k) {
      const auto j = static_cast<std::size_t>(sim::draw_integer(pick, static_cast<std::int64_t>(k),
                                                                static_cast<std::int64_t>(present.size()) - 1));
      std::swap(present[k], present[j]);
      const Departed& gone = present[k];
      if (code_[gone.cell] != empty && agent_[gone.cell] == gone.agent)
        code_[gone.cell] = empty;
      else
        leaving_jail.push_back(gone.agent);
      removed_.push_back(gone);
    }
    std::sort(leaving_jail.begin(), leaving_jail.end());
    std::erase_if(jail_, [&](const Prisoner& p) {
      return std::binary_search(leaving_jail.begin(), leaving_jail.end(), p.citizen);
    });
    window_counts_stale_ = true;
  }

  void observe(std::vector<double>& series) const override {
    const double legitimacy = *legitimacy_;
    const std::int8_t* const codes = code_.data();
    const float* const hardship = hardship_.data();
    Tally t = sim::deterministic_sum<Tally>(code_.size(), [&](std::size_t begin, std::size_t end) {
      // Counts, and hardship summed in four interleaved partial sums (cell c into sum c mod 4,
      // combined in order): a fixed order, so the same bits with any thread count, and four lanes
      // of one vector. Blocks start at multiples of four.
      using Counts = std::int32_t __attribute__((vector_size(16)));
      using Wide = std::int64_t __attribute__((vector_size(32)));
      using Sums = double __attribute__((vector_size(32)));
      Counts quiet{}, rebels{}, prisoners{}, cops{};
      Sums sum{};
      const auto add = [&](const Counts& code, const Sums& h) {
        // A comparison gives −1 where it holds.
        quiet -= code == std::int32_t{quiescent};
        rebels -= code == std::int32_t{active};
        prisoners -= code == std::int32_t{jailed};
        cops -= code == std::int32_t{cop};
        const Wide free =
            __builtin_convertvector((code == std::int32_t{quiescent}) | (code == std::int32_t{active}), Wide);
        sum += free ? h : Sums{};
      };
      std::size_t c = begin;
      for (; c + 4 <= end; c += 4)
        add(Counts{codes[c], codes[c + 1], codes[c + 2], codes[c + 3]},
            Sums{hardship[c], hardship[c + 1], hardship[c + 2], hardship[c + 3]});
      for (; c < end; ++c) {  // the last block's tail, in the lanes its cells belong to
        Counts code{empty, empty, empty, empty};
        Sums h{};
        code[c % 4] = codes[c];
        h[c % 4] = hardship[c];
        add(code, h);
      }
      Tally part;
      for (int lane = 0; lane < 4; ++lane) {
        part.quiescent += quiet[lane];
        part.active += rebels[lane];
        part.jailed += prisoners[lane];
        part.cops += cops[lane];
      }
      part.hardship = (sum[0] + sum[1]) + (sum[2] + sum[3]);
      return part;
    });
    t.jailed += static_cast<std::int64_t>(jail_.size());
    const std::int64_t free_citizens = t.quiescent + t.active;
    series = {static_cast<double>(t.quiescent), static_cast<double>(t.active), static_cast<double>(t.jailed),
              static_cast<double>(t.cops), legitimacy, static_cast<double>(arrests_last_tick_),
              free_citizens > 0 ? t.hardship * (1.0 - legitimacy) / static_cast<double>(free_citizens) : 0.0};
  }

  // Every agent is in exactly one place: on its cell (a cop on a cop's cell, a citizen on a
  // citizen's), in jail off the lattice, or removed by a scheduled event.
  std::vector<std::string> broken_invariants() const override {
    std::vector<std::string> broken;
    const std::uint32_t agents = n_citizens_ + n_cops_;
    std::vector<std::uint8_t> seen(agents, 0);
    const auto count = [&](std::uint32_t agent) {
      if (agent >= agents) return broken.push_back("an agent numbered " + std::to_string(agent) + " stands on the lattice");
      ++seen[agent];
    };
    for (CellIndex c = 0; c < code_.size(); ++c) {
      if (code_[c] == empty) continue;
      count(agent_[c]);
      if (agent_[c] < agents && (code_[c] == cop) != is_cop(agent_[c]))
        broken.push_back("cell " + std::to_string(c) + " holds agent " + std::to_string(agent_[c]) + " as code " +
                         std::to_string(code_[c]));
    }
    for (const Prisoner& p : jail_) count(p.citizen);
    for (const Departed& d : removed_) count(d.agent);
    for (std::uint32_t a = 0; a < agents && broken.size() < 10; ++a)
      if (seen[a] != 1)
        broken.push_back((is_cop(a) ? "cop " : "citizen ") + std::to_string(id_of(a)) + " is in " +
                         std::to_string(seen[a]) + " places");
    return broken;
  }

  void take_events(std::vector<sim::EventRecord>& out) override {
    out.insert(out.end(), pending_events_.begin(), pending_events_.end());
    pending_events_.clear();
  }

  // Calls emit(agent, x, y, cell) for each citizen on cells [begin, end), in cell order.
  template <class Emit>
  void for_citizens_on(std::size_t begin, std::size_t end, Emit&& emit) const {
    const std::uint32_t w = lattice_.width();
    auto x = static_cast<std::uint32_t>(begin % w), y = static_cast<std::uint32_t>(begin / w);
    for (std::size_t c = begin; c < end; ++c) {
      const std::int8_t code = code_[c];
      if (code != empty && code != cop) emit(agent_[c], x, y, c);
      if (++x == w) {
        x = 0;
        ++y;
      }
    }
  }

  void snapshot(std::vector<sim::VariableData>& out) const override {
    out.resize(4);
    auto& cells = sim::variable_in<std::int8_t>(out, 0, code_.size());
    std::copy(code_.begin(), code_.end(), cells.begin());
    auto& states = sim::variable_in<std::int8_t>(out, 1, n_citizens_);
    std::fill(states.begin(), states.end(), std::int8_t{removed});
    if (coordinate_type() == sim::StorageType::int16)
      place_citizens(out, sim::variable_in<std::int16_t>(out, 2, n_citizens_), sim::variable_in<std::int16_t>(out, 3, n_citizens_));
    else
      place_citizens(out, sim::variable_in<std::int32_t>(out, 2, n_citizens_), sim::variable_in<std::int32_t>(out, 3, n_citizens_));
  }

  // Coordinates in snapshots take two bytes where the lattice allows (a third of a snapshot's size).
  sim::StorageType coordinate_type() const {
    return std::max(p_.width, p_.height) <= 32767 ? sim::StorageType::int16 : sim::StorageType::int32;
  }

  // Citizens' states and coordinates into the snapshot's per-citizen variables (states, filled
  // with `removed` beforehand, and xs and ys).
  template <class Coordinate>
  void place_citizens(std::vector<sim::VariableData>& out, std::vector<Coordinate>& xs, std::vector<Coordinate>& ys) const {
    auto& states = std::get<std::vector<std::int8_t>>(out[1]);
    const auto place = [&](std::size_t citizen, const Where& w) {
      states[citizen] = w.state;
      xs[citizen] = static_cast<Coordinate>(w.x);
      ys[citizen] = static_cast<Coordinate>(w.y);
    };
    sim::scatter_by_target<Where>(
        code_.size(), n_citizens_,
        [&](std::size_t begin, std::size_t end, auto&& emit) {
          for_citizens_on(begin, end, [&](std::uint32_t citizen, std::uint32_t x, std::uint32_t y, std::size_t c) {
            emit(citizen, Where{static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), code_[c]});
          });
        },
        place, snapshot_scratch_);
    const auto at = [&](CellIndex c, std::int8_t state) {
      return Where{static_cast<std::uint16_t>(lattice_.x_of(c)), static_cast<std::uint16_t>(lattice_.y_of(c)), state};
    };
    for (const Prisoner& p : jail_) place(p.citizen, at(p.cell, jailed));
    for (const Departed& d : removed_)
      if (!is_cop(d.agent)) place(d.agent, at(d.cell, removed));
  }

  void statics(std::vector<sim::VariableData>& out) const override {
    std::vector<float> hardship(n_citizens_), risk_aversion(n_citizens_);
    struct Attributes {
      float hardship, risk_aversion;
    };
    std::vector<std::pair<std::uint32_t, Attributes>> grouped;
    sim::scatter_by_target<Attributes>(
        code_.size(), n_citizens_,
        [&](std::size_t begin, std::size_t end, auto&& emit) {
          for_citizens_on(begin, end, [&](std::uint32_t citizen, std::uint32_t, std::uint32_t, std::size_t c) {
            emit(citizen, Attributes{hardship_[c], risk_aversion_[c]});
          });
        },
        [&](std::size_t citizen, const Attributes& a) {
          hardship[citizen] = a.hardship;
          risk_aversion[citizen] = a.risk_aversion;
        },
        grouped);
    for (const Prisoner& p : jail_) {
      hardship[p.citizen] = p.hardship;
      risk_aversion[p.citizen] = p.risk_aversion;
    }
    out.clear();  // moved in one by one: a braced list would copy them
    out.emplace_back(std::move(hardship));
    out.emplace_back(std::move(risk_aversion));
  }

 private:
  Parameters p_;
  std::uint64_t seed_;
  sim::Lattice lattice_;
  sim::Window citizen_window_, cop_window_;
  int reach_;  // the wider of the two windows
  // 32 bits per cell that the steps of a tick use one after another: the window counter's table
  // while citizens decide, then the claims of arrests, then those of moves.
  std::vector<std::uint32_t> scratch_;
  sim::WindowCounter counter_;  // cops and active citizens around each cell, in two lanes
  tbb::enumerable_thread_specific<RowWork> row_work_;
  Claims claims_;               // claims on cells to move into or arrest in
  sim::CellBits vacant_;        // empty cells, as movement found them
  sim::CellBits actives_;       // active citizens, as they decided this tick
  sim::WindowSampler citizen_moves_, cop_moves_;  // a random vacant cell of each kind's window
  sim::WindowBits suspects_;                      // active citizens in a cop's window
  MoveTable citizen_move_table_, cop_move_table_;
  // P for each count of cops C and of actives A below kOddsSide, at C · kOddsSide + A: a window
  // of a few hundred cells rarely holds more, and those who see more have P computed.
  static constexpr std::int32_t kOddsSide = 128;
  civil_violence::ArrestOdds arrest_odds_;
  std::uint32_t n_citizens_ = 0, n_cops_ = 0;
  const double* legitimacy_ = nullptr;

  // The lattice holds the agents: per cell, what stands there and that agent's attributes, as
  // structure of arrays. Every phase then walks memory in order, and an agent's neighbours are its
  // neighbours in memory. Agents keep their index (citizens [0, n_citizens_), cops after) as the
  // key of their random streams and their place in the output.
  std::vector<std::int8_t> code_;    // a Code: empty, quiescent, active, jailed (blocking), cop
  std::vector<std::uint32_t> agent_;  // the index of the agent standing there
  std::vector<float> hardship_, risk_aversion_;
  std::vector<std::int32_t> jail_left_;  // terms of citizens jailed in their cell (jail.blocks_cell)
  std::vector<Prisoner> jail_;           // citizens jailed off the lattice, in citizen order
  std::vector<Departed> removed_;
  std::int64_t arrests_last_tick_ = 0;
  bool any_suspects_ = false;  // whether choose_arrests found an active citizen this tick
  sim::WindowSampler::Scratch release_scratch_;
  mutable std::vector<std::pair<std::uint32_t, Where>> snapshot_scratch_;  // sorting citizens for snapshots
  std::vector<sim::EventRecord> pending_events_;

  // Random-sequential activation's state.
  struct Turn {
    std::uint32_t agent;
    Spot at;
  };
  std::vector<std::uint32_t> shifted_x_, shifted_y_;  // see cell_of()
  WindowCells citizen_cells_, cop_cells_;
  bool same_windows_;  // citizens and cops see the same cells: a cop's suspects are in window_counts_
  // Per cell, the cops (low lane) and active citizens (high lane) in a citizen's window around it,
  // the cell itself left out; rebuilt after agents leave by a scheduled event.
  std::vector<std::uint32_t> window_counts_;
  bool window_counts_stale_ = true;
  std::vector<Turn> turns_;
  std::vector<std::uint32_t> turn_ids_, turn_lanes_;  // per turn, its stream's agent id and lane
  std::vector<sim::CompactStream::Block> turn_blocks_;  // per turn, its stream's first block
  std::vector<Prisoner> arrivals_;  // jailed off the lattice this tick, in arrest order
  std::int64_t sequential_arrests_ = 0;

  // An agent's draws on its turn (Purpose::sequential_turn): the generator whose first blocks
  // are computed for every turn of a tick at once.
  using TurnStream = sim::CompactStream;

  bool is_cop(std::uint32_t agent) const { return agent >= n_citizens_; }
  StreamOwner owner_of(std::uint32_t agent) const { return is_cop(agent) ? StreamOwner::cop : StreamOwner::citizen; }
  std::uint64_t id_of(std::uint32_t agent) const { return is_cop(agent) ? agent - n_citizens_ : agent; }
  RandomStream stream(std::uint32_t agent, std::int64_t tick, Purpose purpose) const {
    return RandomStream(seed_, owner_of(agent), id_of(agent), static_cast<std::uint64_t>(tick), purpose);
  }



  // ---- Random-sequential activation ----


  WindowCells window_cells(const sim::Window& window) const {
    WindowCells cells{&window, {}, sim::SmallRangeDraws(static_cast<std::uint32_t>(window.offsets().size()))};
    for (const sim::Offset& o : window.offsets())
      cells.steps.push_back(static_cast<std::ptrdiff_t>(o.dy) * lattice_.width() + o.dx);
    return cells;
  }

  // Coordinate lookups for shifts of up to reach_ either way along one side of the lattice.
  std::vector<std::uint32_t> shifted_coordinates(std::uint32_t side) const {
    std::vector<std::uint32_t> to(side + 2 * static_cast<std::size_t>(reach_));
    for (std::size_t i = 0; i < to.size(); ++i) {
      const auto v = static_cast<std::int64_t>(i) - reach_;
      to[i] = v >= 0 && v < side ? static_cast<std::uint32_t>(v)
              : lattice_.torus() ? static_cast<std::uint32_t>((v + side) % side)
                                 : kOffLattice;
    }
    return to;
  }


  bool window_inside(const Spot& at, const sim::Window& window) const {
    const auto r = static_cast<std::uint32_t>(window.reach());
    return at.x >= r && at.y >= r && at.x + r < lattice_.width() && at.y + r < lattice_.height();
  }

  // The cell at offset index i of the window around `at`; false beyond a bounded lattice's edge.
  bool cell_of(const WindowCells& w, const Spot& at, bool inside, std::size_t i, CellIndex& out) const {
    if (inside) {
      out = static_cast<CellIndex>(static_cast<std::ptrdiff_t>(at.cell) + w.steps[i]);
      return true;
    }
    const sim::Offset o = w.window->offsets()[i];
    const std::uint32_t x = shifted_x_[at.x + static_cast<std::uint32_t>(reach_ + o.dx)];
    const std::uint32_t y = shifted_y_[at.y + static_cast<std::uint32_t>(reach_ + o.dy)];
    const bool on_lattice = x != kOffLattice && y != kOffLattice;
    out = on_lattice ? lattice_.index(x, y) : 0;  // a cell to read, whose value the caller ignores
    return on_lattice;
  }
  // The same with the cell's coordinates, for a cell known to be on the lattice.
  Spot spot_of(const WindowCells& w, const Spot& at, std::size_t i) const {
    const sim::Offset o = w.window->offsets()[i];
    Spot out{shifted_x_[at.x + static_cast<std::uint32_t>(reach_ + o.dx)],
             shifted_y_[at.y + static_cast<std::uint32_t>(reach_ + o.dy)], 0};
    out.cell = lattice_.index(out.x, out.y);
    return out;
  }

  // Calls visit(cell, offset index) for every cell of the window around `at`.
  template <class Visit>
  void for_window(const WindowCells& w, const Spot& at, Visit&& visit) const {
    const std::size_t n = w.steps.size();
    if (window_inside(at, *w.window)) {
      for (std::size_t i = 0; i < n; ++i) visit(static_cast<CellIndex>(static_cast<std::ptrdiff_t>(at.cell) + w.steps[i]), i);
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      CellIndex c = 0;
      if (cell_of(w, at, false, i, c)) visit(c, i);
    }
  }

  // What an agent standing at `at` adds to the counts of the citizens who see it (cops in the low
  // lane, actives in the high), added (or, with wrapping arithmetic, taken away) at once.
  // Windows are symmetric: the cells that see `at` are the cells `at` sees. Added a row of the
  // window at a time, each a run of cells (two where a torus wraps it), which the compiler
  // vectorises; the centre is in a row but not in the window.
  void count_in_windows(const Spot& at, std::uint32_t contribution) {
    if (contribution == 0) return;
    std::uint32_t* const counts = window_counts_.data();
    const auto w = static_cast<std::int64_t>(lattice_.width());
    const auto add = [&](std::size_t row_start, std::int64_t first, std::int64_t last) {
      std::uint32_t* const run = counts + row_start;
      for (std::int64_t x = first; x < last; ++x) run[x] += contribution;
    };
    for (const sim::WindowRow& row : citizen_window_.rows()) {
      const std::uint32_t y = shifted_y_[at.y + static_cast<std::uint32_t>(reach_ + row.dy)];
      if (y == kOffLattice) continue;
      const std::size_t row_start = static_cast<std::size_t>(y) * lattice_.width();
      const std::int64_t first = static_cast<std::int64_t>(at.x) - row.half_width;
      const std::int64_t last = static_cast<std::int64_t>(at.x) + row.half_width + 1;
      if (!lattice_.torus()) {
        add(row_start, std::max<std::int64_t>(first, 0), std::min(last, w));
      } else if (first < 0) {
        add(row_start, first + w, w);
        add(row_start, 0, last);
      } else if (last > w) {
        add(row_start, first, w);
        add(row_start, 0, last - w);
      } else {
        add(row_start, first, last);
      }
    }
    counts[at.cell] -= contribution;
  }

  void rebuild_window_counts() {
    window_counts_.assign(lattice_.cell_count(), 0);
    for (std::uint32_t y = 0; y < lattice_.height(); ++y)
      for (std::uint32_t x = 0; x < lattice_.width(); ++x) {
        const CellIndex c = lattice_.index(x, y);
        count_in_windows({x, y, c}, counted(code_[c]));
      }
    window_counts_stale_ = false;
  }

  // One tick: every agent on the lattice takes its turn, in an order drawn afresh.
  void take_turns(std::int64_t tick) {
    if (window_counts_stale_) rebuild_window_counts();
    turns_.clear();
    for (std::uint32_t y = 0; y < lattice_.height(); ++y)
      for (std::uint32_t x = 0; x < lattice_.width(); ++x) {
        const CellIndex c = lattice_.index(x, y);
        if (code_[c] != empty) turns_.push_back({agent_[c], {x, y, c}});
      }
    RandomStream order(seed_, StreamOwner::world, 0, static_cast<std::uint64_t>(tick), Purpose::activation_order);
    for (std::size_t i = turns_.size(); i > 1; --i)
      std::swap(turns_[i - 1], turns_[sim::draw_below(order, static_cast<std::uint32_t>(i))]);
    // Every turn's first block of draws at once, in vector registers.
    const std::size_t n = turns_.size();
    turn_ids_.resize(n);
    turn_lanes_.resize(n);
    turn_blocks_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      turn_ids_[i] = static_cast<std::uint32_t>(id_of(turns_[i].agent));
      turn_lanes_[i] = sim::CompactStream::lane(owner_of(turns_[i].agent), Purpose::sequential_turn);
    }
    sim::compact_first_blocks(seed_, static_cast<std::uint32_t>(tick), turn_ids_.data(), turn_lanes_.data(), n,
                              turn_blocks_.data());
    const double lawfulness = 1.0 - *legitimacy_;
    for (std::size_t i = 0; i < n; ++i) {
      Turn& turn = turns_[i];
      // An agent jailed off the lattice earlier in the tick has no turn; another may stand there now.
      if (code_[turn.at.cell] == empty || agent_[turn.at.cell] != turn.agent) continue;
      TurnStream draw(seed_, owner_of(turn.agent), turn_ids_[i], static_cast<std::uint32_t>(tick),
                      Purpose::sequential_turn, turn_blocks_[i]);
      if (is_cop(turn.agent))
        cop_turn(turn, draw, tick);
      else
        citizen_turn(turn, draw, lawfulness);
    }
  }

  void citizen_turn(Turn& turn, TurnStream& draw, double lawfulness) {
    if (code_[turn.at.cell] == jailed) {  // jail.blocks_cell: it serves its term where it was taken
      std::int32_t& left = jail_left_[turn.at.cell];
      if (left == kUnboundedJail) return;
      if (left > 0) {
        --left;
        return;
      }
      code_[turn.at.cell] = quiescent;  // its term is over: it decides now
    }
    if (p_.order == Order::act_then_move) decide_one(turn.at, lawfulness);
    if (p_.citizens_move) move_one(citizen_cells_, turn.at, draw);
    if (p_.order == Order::move_then_act) decide_one(turn.at, lawfulness);
  }

  void cop_turn(Turn& turn, TurnStream& draw, std::int64_t tick) {
    if (p_.order == Order::act_then_move) arrest_one(turn.at, draw, tick);
    if (p_.cops_move) move_one(cop_cells_, turn.at, draw);
    if (p_.order == Order::move_then_act) arrest_one(turn.at, draw, tick);
  }

  // Rule A for the citizen at `at`, on the lattice as it is now.
  void decide_one(const Spot& at, double lawfulness) {
    const std::int8_t was = code_[at.cell];
    const std::uint32_t seen = window_counts_[at.cell];
    const auto cops = static_cast<std::int32_t>(sim::low_lane(seen));
    const std::int32_t actives = 1 + static_cast<std::int32_t>(sim::high_lane(seen)) +
                                 (p_.self_count == SelfCount::twice_when_active && was == active ? 1 : 0);
    const std::int8_t now =
        activates(hardship_[at.cell] * lawfulness, risk_aversion_[at.cell], arrest_odds_(cops, actives), p_.threshold)
            ? active
            : quiescent;
    if (now == was) return;
    code_[at.cell] = now;
    count_in_windows(at, now == active ? sim::in_high_lane(1) : 0U - sim::in_high_lane(1));
  }

  // Rule M: to a uniformly chosen empty cell of the window, if there is one. Probes at random
  // offsets, two per word of the agent's stream (SmallRangeDraws), until one lands on an empty cell
  // (at the papers' densities, a quarter of cells are empty); after kProbes misses, counts the
  // empty cells and draws one of them. Either way every empty cell is equally likely.
  void move_one(const WindowCells& w, Spot& at, TurnStream& draw) {
    static constexpr int kProbes = 32;
    if (w.steps.empty()) return;
    const bool inside = window_inside(at, *w.window);
    std::uint32_t picked = 0;
    bool found = false;
    const auto lands = [&](std::uint32_t bits) {
      CellIndex c = 0;
      return w.probes.from_bits(bits, picked) && cell_of(w, at, inside, picked, c) && code_[c] == empty;
    };
    for (int probe = 0; probe < kProbes && !found; probe += 2) {
      const std::uint32_t bits = draw();
      found = lands(bits & 0xFFFFU) || lands(bits >> 16);
    }
    if (!found) {
      std::uint32_t vacancies = 0;
      for_window(w, at, [&](CellIndex c, std::size_t) { vacancies += code_[c] == empty ? 1 : 0; });
      if (vacancies == 0) return;
      std::uint32_t k = sim::draw_below(draw, vacancies);
      for_window(w, at, [&](CellIndex c, std::size_t i) {
        if (code_[c] == empty && k-- == 0) picked = static_cast<std::uint32_t>(i);
      });
    }
    step_to(at, spot_of(w, at, picked));
  }

  // An agent's record from `at` to the empty cell `to`, and its weight in others' counts with it.
  void step_to(Spot& at, const Spot& to) {
    const std::uint32_t weight = counted(code_[at.cell]);
    count_in_windows(at, 0U - weight);
    relocate(at.cell, to.cell);
    at = to;
    count_in_windows(at, weight);
  }

  // Rule C for the cop at `at`: a uniformly chosen active citizen of its window is jailed.
  void arrest_one(Spot& at, TurnStream& draw, std::int64_t tick) {
    std::uint32_t suspects = 0;
    if (same_windows_)
      suspects = sim::high_lane(window_counts_[at.cell]);
    else
      for_window(cop_cells_, at, [&](CellIndex c, std::size_t) { suspects += code_[c] == active ? 1 : 0; });
    if (suspects == 0) return;
    std::uint32_t k = sim::draw_below(draw, suspects);
    std::size_t picked = 0;
    for_window(cop_cells_, at, [&](CellIndex c, std::size_t i) {
      if (code_[c] == active && k-- == 0) picked = i;
    });
    const Spot suspect = spot_of(cop_cells_, at, picked);
    // The counts are kept by hand; if they ever drifted from the lattice, say so rather than jail
    // whoever stands at the first cell of the window.
    if (code_[suspect.cell] != active) throw std::logic_error("window counts out of step with the lattice");
    const std::uint32_t citizen = agent_[suspect.cell];
    const std::int32_t term = draw_jail_term(citizen, tick);
    count_in_windows(suspect, 0U - sim::in_high_lane(1));
    ++sequential_arrests_;
    if (p_.jailed_block_cell) {
      code_[suspect.cell] = jailed;
      jail_left_[suspect.cell] = term;
    } else if (term == 0) {
      code_[suspect.cell] = quiescent;  // jailed for no time: it stays where it is, quiet
    } else {
      arrivals_.push_back({citizen, suspect.cell, hardship_[suspect.cell], risk_aversion_[suspect.cell], term});
      code_[suspect.cell] = empty;
      if (p_.cops_step_onto_arrest) step_to(at, suspect);
    }
  }

  // grid.placement per_cell: each cell in order holds a citizen with probability citizens.density,
  // else a cop with probability cops.density (Mesa's draw per cell); put(cell, kind) for each agent.
  template <class Put>
  void place_per_cell(Put&& put) const {
    RandomStream draw(seed_, StreamOwner::world, 2, 0, Purpose::initial_placement);
    for (CellIndex c = 0; c < lattice_.cell_count(); ++c) {
      const double u = sim::draw_uniform(draw, 0.0, 1.0, "placement");
      if (u < p_.citizen_density)
        put(c, quiescent);
      else if (u < p_.citizen_density + p_.cop_density)
        put(c, cop);
    }
  }

  // Moves an agent's record from one cell to an empty one.
  void relocate(CellIndex from, CellIndex to) {
    code_[to] = code_[from];
    agent_[to] = agent_[from];
    hardship_[to] = hardship_[from];
    risk_aversion_[to] = risk_aversion_[from];
    code_[from] = empty;
  }

  // Rule M in two passes: every mobile agent proposes a vacant cell (from the snapshot) and claims
  // it; then every claimed cell pulls in its winner. Targets were empty and sources full, so a
  // move touches no cell another thread reads, and the order of commits does not matter.
  void move(std::int64_t tick) {
    timed("mark_vacancies", [&] {
      vacant_.rebuild_equal(code_.data(), empty);
      claims_.clear();
    });
    const std::uint32_t w = lattice_.width();
    timed("propose_moves", [&] {
      sim::parallel_row_bands(lattice_, reach_, [&](std::uint32_t y0, std::uint32_t y1) {
        RowWork& work = row_work_.local();
        Movers &citizens = work.citizens, &cops = work.cops;
        for (std::uint32_t y = y0; y < y1; ++y) {
          list_movers(y, citizens, cops);
          for (Movers* m : {&citizens, &cops})
            if (m->full() || y + 1 == y1) claim_moves(*m, m == &cops, tick);
        }
      });
    });
    // Commits go through the lattice in strips of kStripColumns columns, row by row within a strip,
    // so that the records that move (up to reach_ rows away) stay in the second-level cache.
    timed("commit_moves", [&] {
      sim::parallel_for(tbb::blocked_range<std::uint32_t>(0, lattice_.height(), kCommitRows),
                        [&](const tbb::blocked_range<std::uint32_t>& rows) {
                          for (std::uint32_t x0 = 0; x0 < w; x0 += kStripColumns)
                            for (std::uint32_t y = rows.begin(); y != rows.end(); ++y)
                              commit_moves(y, x0, std::min(w, x0 + kStripColumns));
                        });
    });
  }

  // Rule M's second pass for the cells x0 ≤ x < x1 of row y: every claimed vacant cell pulls in
  // its winner.
  void commit_moves(std::uint32_t y, std::uint32_t x0, std::uint32_t x1) {
    // Winners come from up to reach_ rows away, at random: the stretch of the row that comes within
    // reach next is fetched now.
    const auto r = static_cast<std::uint32_t>(reach_);
    const std::uint32_t ahead = y + r + 1;
    if (ahead < lattice_.height()) {
      const std::size_t row = static_cast<std::size_t>(ahead) * lattice_.width();
      const std::size_t first = row + (x0 > r ? x0 - r : 0), last = row + std::min(lattice_.width(), x1 + r);
      for (std::size_t c = first; c < last; c += 16) {
        __builtin_prefetch(&agent_[c]);
        __builtin_prefetch(&hardship_[c]);
        __builtin_prefetch(&risk_aversion_[c]);
        if (c % 64 == 0) __builtin_prefetch(&code_[c]);
      }
    }
    vacant_.for_each_in_row(y, x0, x1, [&](std::uint32_t x) {
      sim::Offset from{};
      CellIndex target = lattice_.index(x, y), source = 0;
      if (claims_.winner(target, from) && lattice_.shifted(x, y, from, source)) relocate(source, target);
    });
  }

  MoveTable move_table(const sim::WindowSampler& sampler) const {
    MoveTable t{&sampler, {}};
    for (const sim::Offset& o : sampler.window().offsets()) {
      t.claim_codes.push_back(claims_.code_of({-o.dx, -o.dy}));
    }
    return t;
  }

  // Rule M's proposals, first half: the movers of row y of each kind join their lists.
  void list_movers(std::uint32_t y, Movers& citizens, Movers& cops) {
    const std::uint32_t w = lattice_.width();
    const CellIndex row = y * w;
    const auto r = static_cast<std::uint32_t>(reach_);
    // Claims land up to reach_ rows away, at random; the stretch of the row that comes within
    // reach next is fetched now, because random claims give the hardware prefetcher no pattern.
    claims_.prefetch(lattice_, y + r + 1, 0, w);
    const std::int8_t* const codes = code_.data() + row;
    for (const bool kind_cops : {false, true}) {
      Movers& m = kind_cops ? cops : citizens;
      if (!(kind_cops ? p_.cops_move : p_.citizens_move)) continue;
      const std::size_t first = m.n;
      m.n += kind_cops ? sim::positions_of(codes, w, cop, cop, m.columns.data() + first)
                       : sim::positions_of(codes, w, quiescent, active, m.columns.data() + first);
      const std::uint32_t first_id = kind_cops ? n_citizens_ : 0;
      for (std::size_t j = first; j < m.n; ++j) {
        m.rows[j] = y;
        m.ids[j] = agent_[row + m.columns[j]] - first_id;
        m.centres[j] = static_cast<std::uint32_t>(vacant_.position(m.columns[j], y));
      }
    }
  }

  // Rule M's proposals, second half: each listed mover draws a vacant cell of its window from its
  // own stream and claims it with the stream's first word as its priority; the list is emptied.
  void claim_moves(Movers& m, bool kind_cops, std::int64_t tick) {
    if (m.n == 0) return;
    const std::uint32_t w = lattice_.width();
    const MoveTable& table = kind_cops ? cop_move_table_ : citizen_move_table_;
    const sim::StreamKey key{seed_, kind_cops ? StreamOwner::cop : StreamOwner::citizen,
                             static_cast<std::uint32_t>(tick), Purpose::move_target};
    table.sampler->pick(key, m.ids.data(), m.centres.data(), m.n, m.picks.data(), m.priorities.data(), m.scratch);
    const std::vector<sim::Offset>& offsets = table.sampler->window().offsets();
    for (std::size_t j = 0; j < m.n; ++j) {
      if (m.picks[j] == sim::WindowSampler::kNone) continue;
      const auto index = static_cast<std::size_t>(m.picks[j]);
      // Coordinates looked up, not tested against the edges: on a small lattice half the movers
      // stand near one, and a branch on it would be mispredicted. A picked cell is on the lattice.
      const sim::Offset o = offsets[index];
      const CellIndex target = shifted_y_[m.rows[j] + static_cast<std::uint32_t>(reach_ + o.dy)] * w +
                               shifted_x_[m.columns[j] + static_cast<std::uint32_t>(reach_ + o.dx)];
      claims_.claim_coded(target, m.priorities[j], table.claim_codes[index]);
    }
    m.n = 0;
  }

  // Rule A for every free citizen, on counts taken before anyone decides.
  void decide() {
    const RuleA rule{1.0 - *legitimacy_, p_.threshold, p_.self_count == SelfCount::twice_when_active,
                     arrest_odds_.data(), kOddsSide};
    const std::uint32_t w = lattice_.width();
    sim::parallel_for(tbb::blocked_range<std::uint32_t>(0, lattice_.height()), [&](const tbb::blocked_range<std::uint32_t>& rows) {
      std::vector<std::uint32_t>& totals = row_work_.local().row;
      for (std::uint32_t y = rows.begin(); y != rows.end(); ++y) {
        counter_.totals_along_row(0, y, w, citizen_window_, totals.data());
        const std::size_t first = static_cast<std::size_t>(y) * w;
        const RuleARow row{code_.data() + first, hardship_.data() + first, risk_aversion_.data() + first, totals.data(), w};
        if (decide_row(row, rule)) [[unlikely]]
          decide_beyond_odds(row, rule);
      }
    });
  }

  // Rule A for the free citizens of a row that decide_row left because they see more cops or
  // actives than the table of P holds.
  void decide_beyond_odds(const RuleARow& row, const RuleA& rule) const {
    for (std::uint32_t x = 0; x < row.width; ++x) {
      const std::int8_t code = row.codes[x];
      if ((code != quiescent && code != active) || !beyond_odds(row.window_totals[x], rule)) continue;
      const std::int32_t was_active = code == active ? 1 : 0;
      const auto cops = static_cast<std::int32_t>(sim::low_lane(row.window_totals[x]));
      const std::int32_t actives = 1 + static_cast<std::int32_t>(sim::high_lane(row.window_totals[x])) - was_active +
                                   (rule.self_twice ? was_active : 0);
      const double p = arrest_probability(cops, actives, p_.arrest_constant, p_.rounding);
      row.codes[x] = activates(row.hardship[x] * rule.lawfulness, row.risk_aversion[x], p, rule.threshold) ? active
                                                                                                          : quiescent;
    }
  }

  // Rule C, first half: each cop picks a random active citizen in its window and claims it.
  void choose_arrests(std::int64_t tick) {
    // Most ticks of a calm spell have no active citizen at all: nothing to find, claim or apply.
    any_suspects_ = std::find(code_.begin(), code_.end(), std::int8_t{active}) != code_.end();
    if (!any_suspects_) return;
    actives_.rebuild_equal(code_.data(), active);  // as decided this tick
    claims_.clear();
    const std::uint32_t w = lattice_.width();
    sim::parallel_row_bands(lattice_, reach_, [&](std::uint32_t y0, std::uint32_t y1) {
      std::vector<std::uint32_t>& cops = row_work_.local().row;
      for (std::uint32_t y = y0; y < y1; ++y) {
        const CellIndex row = y * w;
        const std::size_t n = sim::positions_of(code_.data() + row, w, cop, cop, cops.data());
        for (std::size_t j = 0; j < n; ++j) {
          const std::uint32_t x = cops[j];
          const std::size_t centre = actives_.position(x, y);
          const std::uint32_t suspects = suspects_.count(centre);
          if (suspects == 0) continue;
          RandomStream draw = stream(agent_[row + x], tick, Purpose::arrest_choice);
          const std::uint32_t priority = draw();
          const sim::Offset o = cop_window_.offsets()[suspects_.select(centre, sim::draw_below(draw, suspects))];
          CellIndex suspect = 0;
          lattice_.shifted(x, y, o, suspect);
          claims_.claim(suspect, priority, {-o.dx, -o.dy});
        }
      }
    });
  }

  std::int32_t draw_jail_term(std::uint32_t citizen, std::int64_t tick) const {
    if (p_.max_jail_term == kUnboundedJail) return kUnboundedJail;
    const std::int64_t top = p_.jail_range == JailTermRange::inclusive ? p_.max_jail_term : p_.max_jail_term - 1;
    if (top <= 0) return 0;
    RandomStream draw = stream(citizen, tick, Purpose::jail_term);
    return static_cast<std::int32_t>(sim::draw_integer(draw, 0, top));
  }

  // Rule C, second half: every claimed citizen is jailed (by the cop whose claim won); each pass
  // writes only its own cell.
  std::int64_t apply_arrests(std::int64_t tick) {
    if (!any_suspects_) return 0;
    const std::size_t blocks = (code_.size() + sim::kParallelBlock - 1) / sim::kParallelBlock;
    std::vector<std::vector<Prisoner>> taken(p_.jailed_block_cell ? 0 : blocks);
    const auto made = sim::deterministic_sum<std::int64_t>(code_.size(), [&](std::size_t begin, std::size_t end) {
      std::int64_t n = 0;
      for (std::size_t c = begin; c < end; ++c) {
        sim::Offset cop_at{};
        if (!claims_.winner(static_cast<CellIndex>(c), cop_at)) continue;
        const std::uint32_t citizen = agent_[c];
        const std::int32_t term = draw_jail_term(citizen, tick);
        if (p_.jailed_block_cell) {
          code_[c] = jailed;
          jail_left_[c] = term;
        } else {
          taken[begin / sim::kParallelBlock].push_back(
              {citizen, static_cast<CellIndex>(c), hardship_[c], risk_aversion_[c], term});
          code_[c] = empty;
        }
        ++n;
      }
      return n;
    });
    if (!p_.jailed_block_cell) {
      std::vector<Prisoner> arrivals;
      for (auto& block : taken) arrivals.insert(arrivals.end(), block.begin(), block.end());
      admit_to_jail(arrivals);
    }
    return made;
  }

  // Adds the tick's prisoners to the jail, which stays in citizen order.
  void admit_to_jail(std::vector<Prisoner>& arrivals) {
    const auto by_citizen = [](const Prisoner& a, const Prisoner& b) { return a.citizen < b.citizen; };
    std::sort(arrivals.begin(), arrivals.end(), by_citizen);
    const auto middle = static_cast<std::ptrdiff_t>(jail_.size());
    jail_.insert(jail_.end(), arrivals.begin(), arrivals.end());
    std::inplace_merge(jail_.begin(), jail_.begin() + middle, jail_.end(), by_citizen);
  }

  // Terms count down at the end of each tick; a citizen whose term is over walks out quiescent.
  void release(std::int64_t tick) {
    if (p_.jailed_block_cell) {
      std::int8_t* const all_codes = code_.data();
      std::int32_t* const all_left = jail_left_.data();
      sim::parallel_blocks(code_.size(), [=](std::size_t begin, std::size_t end) {
        // Every cell through the same arithmetic, so that the loop vectorises.
        std::int8_t* __restrict const codes = all_codes;
        std::int32_t* __restrict const left = all_left;
        for (std::size_t c = begin; c < end; ++c) {
          const std::int32_t code = codes[c], term = left[c];
          const std::int32_t serving = code == jailed && term != kUnboundedJail ? 1 : 0;
          const std::int32_t walks_out = term == 0 ? serving : 0, counts_down = term > 0 ? serving : 0;
          codes[c] = static_cast<std::int8_t>(code + walks_out * (quiescent - jailed));
          left[c] = term - counts_down;
        }
      });
      return;
    }
    // A prisoner whose term is over walks out; the others' terms count down.
    release_prisoners(tick, 0, [](Prisoner& p) {
      if (p.term_left == 0) return true;
      if (p.term_left != kUnboundedJail) --p.term_left;
      return false;
    });
  }

  // Random-sequential activation, as NetLogo's Rebellion does it: terms count down at the end of
  // each tick, and a prisoner whose term reaches zero walks out.
  void release_after_count_down(std::int64_t tick) {
    release_prisoners(tick, 1, [](Prisoner& p) {
      if (p.term_left != kUnboundedJail && p.term_left > 0) --p.term_left;
      return p.term_left == 0;
    });
  }

  // Puts back on the lattice every prisoner for whom term_over(prisoner) — which may count its term
  // down — says so, in citizen order, because two released citizens may want the same cell; one
  // with no room stays in jail. Only a prisoner with a term of at most last_term can walk out: the
  // empty cells are found only if there is one.
  template <class TermOver>
  void release_prisoners(std::int64_t tick, std::int32_t last_term, TermOver&& term_over) {
    if (std::any_of(jail_.begin(), jail_.end(), [&](const Prisoner& p) { return p.term_left <= last_term; }))
      vacant_.rebuild_equal(code_.data(), empty);
    std::size_t kept = 0;
    for (Prisoner& p : jail_) {
      if (!term_over(p) || !walks_out(p, tick)) jail_[kept++] = p;
    }
    jail_.resize(kept);
  }

  // Puts a prisoner back on the lattice, quiescent, on its cell or, if that is taken, a random empty
  // cell of its window; false if there is none (it waits a tick).
  bool walks_out(const Prisoner& p, std::int64_t tick) {
    CellIndex target = p.cell;
    if (code_[target] != empty) {
      const std::uint32_t x = lattice_.x_of(p.cell), y = lattice_.y_of(p.cell);
      const auto centre = static_cast<std::uint32_t>(vacant_.position(x, y));
      const sim::StreamKey key{seed_, StreamOwner::citizen, static_cast<std::uint32_t>(tick), Purpose::release_placement};
      std::int32_t pick = sim::WindowSampler::kNone;
      std::uint32_t first_word = 0;
      citizen_moves_.pick(key, &p.citizen, &centre, 1, &pick, &first_word, release_scratch_);
      if (pick == sim::WindowSampler::kNone) return false;  // no room: waits a tick
      lattice_.shifted(x, y, citizen_window_.offsets()[static_cast<std::size_t>(pick)], target);
    }
    vacant_.assign(lattice_.x_of(target), lattice_.y_of(target), false);
    code_[target] = quiescent;
    agent_[target] = p.citizen;
    hardship_[target] = p.hardship;
    risk_aversion_[target] = p.risk_aversion;
    return true;
  }
};

}  // namespace

std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed) {
  return std::make_unique<EpsteinModel>(Parameters::from(scenario), seed);
}

}  // namespace confsim::agents::epstein
