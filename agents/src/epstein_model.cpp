// Epstein's Model I on the engine's phases. Every rule reads a snapshot and writes only its own
// slot; where two agents want the same cell or the same suspect, the lower of two keyed random
// priorities wins, so the outcome never depends on thread count or visiting order.
#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "confsim/agents/epstein.hpp"
#include "confsim/sim/distributions.hpp"
#include "confsim/sim/parallel.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::agents::epstein {

double rounded_ratio(std::int32_t cops, std::int32_t actives, RatioRounding rounding) {
  const double ratio = static_cast<double>(cops) / static_cast<double>(actives);
  switch (rounding) {
    case RatioRounding::none: return ratio;
    case RatioRounding::floor: return std::floor(ratio);
    case RatioRounding::round_half_even: {
      const double lower = std::floor(ratio);
      const double fraction = ratio - lower;
      if (fraction > 0.5) return lower + 1;
      if (fraction < 0.5) return lower;
      return std::fmod(lower, 2.0) == 0 ? lower : lower + 1;
    }
  }
  return ratio;
}

std::int32_t rounded_ratio_whole(std::int32_t cops, std::int32_t actives, RatioRounding rounding) {
  const std::int32_t quotient = cops / actives, remainder = cops % actives;
  if (rounding != RatioRounding::round_half_even) return quotient;
  if (2 * remainder != actives) return quotient + (2 * remainder > actives ? 1 : 0);
  return quotient + (quotient % 2);  // a tie goes to the even neighbour
}

double arrest_probability(std::int32_t cops, std::int32_t actives, double k, RatioRounding rounding) {
  return 1.0 - std::exp(-k * rounded_ratio(cops, actives, rounding));
}

Parameters Parameters::from(const sim::Scenario& s) {
  Parameters p;
  p.width = static_cast<std::uint32_t>(s.integer("grid.width"));
  p.height = static_cast<std::uint32_t>(s.integer("grid.height"));
  p.torus = s.flag("grid.torus");
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
  return p;
}

namespace {

using sim::CellIndex;
using sim::Purpose;
using sim::RandomStream;
using sim::StreamOwner;

// Codes shared by the per-cell and per-citizen snapshots (CF flag_values).
enum Code : std::int8_t { empty = 0, quiescent = 1, active = 2, jailed = 3, cop = 4, removed = 5 };
const std::vector<std::pair<int, std::string>> kCodeNames = {
    {empty, "empty"}, {quiescent, "quiescent"}, {active, "active"},
    {jailed, "jailed"}, {cop, "cop"}, {removed, "removed"}};

constexpr std::uint32_t kNoCell = UINT32_MAX;
constexpr std::int64_t kNoOffset = -1;
// Random probes before falling back to listing the empty cells (either way the pick is uniform),
// taken in batches of whole stream words, two 16-bit probes a word: the seven words left in the
// first Philox block after the claim priority (four, then three), then a second block. At the
// papers' densities (about a quarter of cells empty) the first batch finds a cell seven times in
// eight, and all 30 probes miss once in 2,000 moves.
constexpr std::array<int, 3> kProbeBatchWords = {4, 3, 8};
constexpr int kRejectionTries = 2 * (4 + 3 + 8);

// A claim on a cell, for a move into it or an arrest in it: the claimant's random priority in the
// high bits and, in the low bits, where the claimant stands relative to the cell. The lowest claim
// wins, and the winner is found from the cell alone, with no record per claimant. Windows fit
// the torus without overlapping themselves, so a displacement names one cell.
class Claims {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  Claims(std::size_t cells, int reach)
      : reach_(reach),
        side_(2 * reach + 1),
        displacement_bits_(static_cast<unsigned>(std::bit_width(static_cast<std::uint32_t>(side_ * side_)))),
        slots_(cells) {
    // The largest displacement code is side² − 1 < 2^bits − 1, so no claim equals kNone.
    sim::parallel_blocks(cells, [&](std::size_t begin, std::size_t end) {
      for (std::size_t c = begin; c < end; ++c) slots_[c].store(kNone, std::memory_order_relaxed);
    });
  }

  // Claims `cell` for the agent standing at `claimant` relative to it. Claimants are visited with
  // sim::parallel_row_bands at the claims' reach, so no other thread touches the slot meanwhile and
  // a plain compare-and-store suffices (no locked instruction).
  void claim(CellIndex cell, std::uint32_t priority, sim::Offset claimant) {
    const auto code = static_cast<std::uint32_t>((claimant.dy + reach_) * side_ + (claimant.dx + reach_));
    const std::uint32_t key = ((priority >> displacement_bits_) << displacement_bits_) | code;
    std::atomic<std::uint32_t>& slot = slots_[cell];
    if (key < slot.load(std::memory_order_relaxed)) slot.store(key, std::memory_order_relaxed);
  }

  // Asks the memory system for a cell's claim slot before it is needed.
  void prefetch(CellIndex cell) const { __builtin_prefetch(&slots_[cell], 1); }

  // Where the winning claimant of `cell` stands relative to it, and the claim cleared; false if
  // nobody claimed the cell.
  bool take_winner(CellIndex cell, sim::Offset& winner) {
    const std::uint32_t key = slots_[cell].load(std::memory_order_relaxed);
    if (key == kNone) return false;
    slots_[cell].store(kNone, std::memory_order_relaxed);
    const auto code = static_cast<int>(key & ((1U << displacement_bits_) - 1));
    winner = {code % side_ - reach_, code / side_ - reach_};
    return true;
  }

 private:
  int reach_, side_;
  unsigned displacement_bits_;
  std::vector<std::atomic<std::uint32_t>> slots_;
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

// A cell's value in the window counter: cops in the low lane, active citizens in the high lane.
constexpr std::uint32_t counted(std::int8_t code) {
  return code == cop ? 1U : code == active ? sim::in_high_lane(1U) : 0U;
}

class EpsteinModel final : public sim::Model {
 public:
  EpsteinModel(const Parameters& p, std::uint64_t seed)
      : p_(p),
        seed_(seed),
        lattice_(p.width, p.height, p.torus),
        citizen_window_(p.citizen_shape, p.citizen_vision),
        cop_window_(p.cop_shape, p.cop_vision),
        reach_(std::max(citizen_window_.reach(), cop_window_.reach())),
        counter_(lattice_, reach_),
        claims_(lattice_.cell_count(), reach_),
        citizen_steps_(steps_of(citizen_window_)),
        cop_steps_(steps_of(cop_window_)),
        citizen_probes_(static_cast<std::uint32_t>(citizen_window_.offsets().size())),
        cop_probes_(static_cast<std::uint32_t>(cop_window_.offsets().size())),
        arrest_probability_by_ratio_(arrest_probabilities_by_ratio(p, citizen_window_)) {
    const std::int64_t cells = lattice_.cell_count();
    const auto share_of_cells = [&](double density) {
      return std::llround(density * static_cast<double>(cells));
    };
    n_citizens_ = static_cast<std::uint32_t>(share_of_cells(p.citizen_density));
    n_cops_ = static_cast<std::uint32_t>(std::min<std::int64_t>(share_of_cells(p.cop_density), cells - n_citizens_));
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
                   {"citizen_x", "column of each citizen's cell", "1", {"citizen"}, sim::StorageType::int32, {}},
                   {"citizen_y", "row of each citizen's cell", "1", {"citizen"}, sim::StorageType::int32, {}}};
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
    // Exactly n agents on distinct cells: the first n of a keyed shuffle of all cells.
    std::vector<CellIndex> order(cells);
    std::iota(order.begin(), order.end(), CellIndex{0});
    RandomStream placement(seed_, StreamOwner::world, 0, 0, Purpose::initial_placement);
    for (std::uint32_t i = 0; i < agents && i + 1 < cells; ++i) {
      const auto j = static_cast<std::uint32_t>(sim::draw_integer(placement, i, cells - 1));
      std::swap(order[i], order[j]);
    }
    sim::parallel_blocks(agents, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const CellIndex c = order[i];
        agent_[c] = static_cast<std::uint32_t>(i);
        if (is_cop(static_cast<std::uint32_t>(i))) {
          code_[c] = cop;
          continue;
        }
        code_[c] = quiescent;
        RandomStream draw(seed_, StreamOwner::citizen, i, 0, Purpose::initial_attributes);
        hardship_[c] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0));
        risk_aversion_[c] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0));
      }
    });
  }

  void act_field_agents(std::int64_t tick) override {
    if (p_.order == Order::move_then_act) timed("move", [&] { move(tick); });
    timed("count_windows", [&] { count_cops_and_actives(); });
    timed("decide", [&] { decide(); });
    timed("count_windows", [&] { count_cops_and_actives(); });
    timed("choose_arrests", [&] { choose_arrests(tick); });
  }

  void resolve(std::int64_t tick) override {
    std::int64_t arrests = 0;
    timed("apply_arrests", [&] { arrests = apply_arrests(tick); });
    if (p_.order == Order::act_then_move) timed("move", [&] { move(tick); });
    timed("release", [&] { release(tick); });
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
  }

  void observe(std::vector<double>& series) const override {
    const double legitimacy = *legitimacy_;
    Tally t = sim::deterministic_sum<Tally>(code_.size(), [&](std::size_t begin, std::size_t end) {
      // Branch-free counts, and hardship summed in four interleaved partial sums (cell c into sum
      // c mod 4, combined in order): a fixed order, so the same bits with any thread count, with
      // four additions in flight instead of one.
      Tally part;
      std::array<double, 4> hardship{};
      for (std::size_t c = begin; c < end; ++c) {
        const std::int8_t code = code_[c];
        part.quiescent += code == quiescent;
        part.active += code == active;
        part.jailed += code == jailed;
        part.cops += code == cop;
        hardship[c % 4] += (code == quiescent || code == active) ? static_cast<double>(hardship_[c]) : 0.0;
      }
      part.hardship = (hardship[0] + hardship[1]) + (hardship[2] + hardship[3]);
      return part;
    });
    t.jailed += static_cast<std::int64_t>(jail_.size());
    const std::int64_t free_citizens = t.quiescent + t.active;
    series = {static_cast<double>(t.quiescent), static_cast<double>(t.active), static_cast<double>(t.jailed),
              static_cast<double>(t.cops), legitimacy, static_cast<double>(arrests_last_tick_),
              free_citizens > 0 ? t.hardship * (1.0 - legitimacy) / static_cast<double>(free_citizens) : 0.0};
  }

  void take_events(std::vector<sim::EventRecord>& out) override {
    out.insert(out.end(), pending_events_.begin(), pending_events_.end());
    pending_events_.clear();
  }

  void snapshot(std::vector<sim::VariableData>& out) const override {
    std::vector<std::int8_t> states(n_citizens_, removed);
    std::vector<std::int32_t> xs(n_citizens_), ys(n_citizens_);
    const auto place = [&](std::uint32_t citizen, CellIndex c, std::int8_t state) {
      states[citizen] = state;
      xs[citizen] = static_cast<std::int32_t>(lattice_.x_of(c));
      ys[citizen] = static_cast<std::int32_t>(lattice_.y_of(c));
    };
    sim::parallel_blocks(code_.size(), [&](std::size_t begin, std::size_t end) {
      for (std::size_t c = begin; c < end; ++c)
        if (code_[c] != empty && code_[c] != cop) place(agent_[c], static_cast<CellIndex>(c), code_[c]);
    });
    for (const Prisoner& p : jail_) place(p.citizen, p.cell, jailed);
    for (const Departed& d : removed_)
      if (!is_cop(d.agent)) place(d.agent, d.cell, removed);
    out = {code_, std::move(states), std::move(xs), std::move(ys)};
  }

  void statics(std::vector<sim::VariableData>& out) const override {
    // Called before the first tick, when every citizen is on the lattice.
    std::vector<float> hardship(n_citizens_), risk_aversion(n_citizens_);
    sim::parallel_blocks(code_.size(), [&](std::size_t begin, std::size_t end) {
      for (std::size_t c = begin; c < end; ++c)
        if (code_[c] != empty && code_[c] != cop) {
          hardship[agent_[c]] = hardship_[c];
          risk_aversion[agent_[c]] = risk_aversion_[c];
        }
    });
    for (const Prisoner& p : jail_) {
      hardship[p.citizen] = p.hardship;
      risk_aversion[p.citizen] = p.risk_aversion;
    }
    out = {std::move(hardship), std::move(risk_aversion)};
  }

 private:
  Parameters p_;
  std::uint64_t seed_;
  sim::Lattice lattice_;
  sim::Window citizen_window_, cop_window_;
  int reach_;                   // the wider of the two windows
  sim::WindowCounter counter_;  // cops and active citizens around each cell, in two lanes
  Claims claims_;               // claims on cells to move into or arrest in, one phase at a time
  // Each window's offsets as steps in memory, for cells no offset wraps around from.
  std::vector<std::ptrdiff_t> citizen_steps_, cop_steps_;
  // Each window's random offset draws, their rejection threshold worked out once.
  sim::SmallRangeDraws citizen_probes_, cop_probes_;
  // P for each whole-number rounded ratio (C/A)_v, when the rule rounds it; empty otherwise.
  std::vector<double> arrest_probability_by_ratio_;
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
  std::vector<sim::EventRecord> pending_events_;

  bool is_cop(std::uint32_t agent) const { return agent >= n_citizens_; }
  StreamOwner owner_of(std::uint32_t agent) const { return is_cop(agent) ? StreamOwner::cop : StreamOwner::citizen; }
  std::uint64_t id_of(std::uint32_t agent) const { return is_cop(agent) ? agent - n_citizens_ : agent; }
  RandomStream stream(std::uint32_t agent, std::int64_t tick, Purpose purpose) const {
    return RandomStream(seed_, owner_of(agent), id_of(agent), static_cast<std::uint64_t>(tick), purpose);
  }

  bool mobile(std::int8_t code) const {
    return code == cop ? p_.cops_move : (p_.citizens_move && (code == quiescent || code == active));
  }

  std::vector<std::ptrdiff_t> steps_of(const sim::Window& window) const {
    std::vector<std::ptrdiff_t> steps;
    for (const auto& o : window.offsets())
      steps.push_back(static_cast<std::ptrdiff_t>(o.dy) * lattice_.width() + o.dx);
    return steps;
  }

  static std::vector<double> arrest_probabilities_by_ratio(const Parameters& p, const sim::Window& window) {
    if (p.rounding == RatioRounding::none) return {};
    // A rounded ratio is a whole number no larger than the cops a window can hold.
    std::vector<double> table(window.offsets().size() + 2);
    for (std::size_t r = 0; r < table.size(); ++r)
      table[r] = 1.0 - std::exp(-p.arrest_constant * static_cast<double>(r));
    return table;
  }

  // The same value as arrest_probability(), from the table when the rule rounds.
  double arrest_probability_of(std::int32_t cops, std::int32_t actives) const {
    if (arrest_probability_by_ratio_.empty()) return arrest_probability(cops, actives, p_.arrest_constant, p_.rounding);
    return arrest_probability_by_ratio_[static_cast<std::size_t>(rounded_ratio_whole(cops, actives, p_.rounding))];
  }



  // True when no offset of a window of this reach wraps around or leaves the lattice from (x, y).
  bool interior(std::uint32_t x, std::uint32_t y) const {
    const auto r = static_cast<std::uint32_t>(reach_);
    return x >= r && y >= r && x + r < lattice_.width() && y + r < lattice_.height();
  }

  // The cell at offset i of a window from cell c at (x, y); false if it falls off a bounded lattice.
  bool neighbour(const sim::Window& window, const std::vector<std::ptrdiff_t>& steps, std::size_t i,
                 std::uint32_t x, std::uint32_t y, CellIndex c, bool inside, CellIndex& out) const {
    if (inside) {
      out = static_cast<CellIndex>(static_cast<std::ptrdiff_t>(c) + steps[i]);
      return true;
    }
    return lattice_.shifted(x, y, window.offsets()[i], out);
  }

  // A uniformly chosen empty cell of the window around cell c at (x, y), as an offset index, or
  // kNoOffset if there is none: rejection first, then a count of the empty cells.
  std::int64_t random_empty_offset(RandomStream& draw, const sim::Window& window, std::uint32_t x, std::uint32_t y,
                                   CellIndex c) const {
    const auto n = static_cast<std::uint32_t>(window.offsets().size());
    if (n == 0) return kNoOffset;
    const bool cops = &window == &cop_window_;
    const auto& steps = cops ? cop_steps_ : citizen_steps_;
    sim::SmallRangeDraws probes = cops ? cop_probes_ : citizen_probes_;
    const bool inside = interior(x, y);
    CellIndex t = 0;
    std::uint32_t i = 0;
    if (inside) {
      // The same probes in the same order, a batch at a time side by side: no probe waits for the
      // one before, and one branch per batch instead of one per probe.
      std::array<std::uint32_t, 8> words{};
      const auto bits_of = [&](int k) { return (words[static_cast<std::size_t>(k / 2)] >> (16 * (k % 2))) & 0xFFFFU; };
      for (const int batch : kProbeBatchWords) {
        for (int w = 0; w < batch; ++w) words[static_cast<std::size_t>(w)] = draw();
        std::uint32_t hits = 0;
        for (int k = 0; k < 2 * batch; ++k) {
          std::uint32_t index = 0;
          const bool drawn = probes.from_bits(bits_of(k), index);
          hits |= static_cast<std::uint32_t>(drawn && code_[static_cast<std::ptrdiff_t>(c) + steps[index]] == empty) << k;
        }
        if (hits != 0) {
          probes.from_bits(bits_of(std::countr_zero(hits)), i);
          return i;
        }
      }
    } else {
      for (int attempt = 0; attempt < kRejectionTries; ++attempt)
        if (probes.try_draw(draw, i) && neighbour(window, steps, i, x, y, c, inside, t) && code_[t] == empty) return i;
    }
    std::uint32_t empties = 0;
    for (std::uint32_t i = 0; i < n; ++i) empties += neighbour(window, steps, i, x, y, c, inside, t) && code_[t] == empty;
    if (empties == 0) return kNoOffset;
    std::uint32_t pick = sim::draw_below(draw, empties);
    for (std::uint32_t i = 0; i < n; ++i)
      if (neighbour(window, steps, i, x, y, c, inside, t) && code_[t] == empty && pick-- == 0) return i;
    return kNoOffset;
  }

  // Moves an agent's record from one cell to an empty one.
  void relocate(CellIndex from, CellIndex to) {
    code_[to] = code_[from];
    agent_[to] = agent_[from];
    hardship_[to] = hardship_[from];
    risk_aversion_[to] = risk_aversion_[from];
    code_[from] = empty;
  }

  // Calls body(x, y, c) for every cell, in parallel over fixed blocks of cells.
  template <class Body>
  void for_every_cell(Body&& body) const {
    sim::parallel_blocks(code_.size(), [&](std::size_t begin, std::size_t end) {
      sim::for_row_runs(lattice_, static_cast<CellIndex>(begin), static_cast<CellIndex>(end),
                        [&](std::uint32_t x0, std::uint32_t y, CellIndex first, std::uint32_t n) {
                          for (std::uint32_t k = 0; k < n; ++k) body(x0 + k, y, first + k);
                        });
    });
  }

  // Calls body(x, y, c) for every cell, in row bands far enough apart for the claims each visit
  // makes (see Claims::claim).
  template <class Body>
  void for_every_cell_in_bands(Body&& body) const {
    const std::uint32_t w = lattice_.width();
    sim::parallel_row_bands(lattice_, reach_, [&](std::uint32_t y0, std::uint32_t y1) {
      for (std::uint32_t y = y0; y < y1; ++y)
        for (std::uint32_t x = 0; x < w; ++x) body(x, y, y * w + x);
    });
  }

  // Rule M in two passes: every mobile agent proposes an empty cell (from the snapshot) and claims
  // it; then every claimed cell pulls in its winner. Targets were empty and sources full, so a
  // move touches no cell another thread reads.
  void move(std::int64_t tick) {
    // Probes and claims land up to reach_ rows ahead; rows further ahead are fetched early, a line
    // at a time, because random probes give the hardware prefetcher no pattern to follow.
    const std::size_t ahead = static_cast<std::size_t>(reach_ + 1) * lattice_.width();
    for_every_cell_in_bands([&](std::uint32_t x, std::uint32_t y, CellIndex c) {
      if (c % 16 == 0 && c + ahead < code_.size()) {
        claims_.prefetch(static_cast<CellIndex>(c + ahead));
        if (c % 64 == 0) __builtin_prefetch(&code_[c + ahead]);
      }
      if (!mobile(code_[c])) return;
      const std::uint32_t agent = agent_[c];
      const sim::Window& window = is_cop(agent) ? cop_window_ : citizen_window_;
      RandomStream draw = stream(agent, tick, Purpose::move_target);
      const std::uint32_t priority = draw();
      const std::int64_t i = random_empty_offset(draw, window, x, y, c);
      if (i == kNoOffset) return;
      const sim::Offset o = window.offsets()[static_cast<std::size_t>(i)];
      CellIndex target = 0;
      lattice_.shifted(x, y, o, target);
      claims_.claim(target, priority, {-o.dx, -o.dy});
    });
    for_every_cell([&](std::uint32_t x, std::uint32_t y, CellIndex c) {
      sim::Offset from{};
      CellIndex source = 0;
      if (claims_.take_winner(c, from) && lattice_.shifted(x, y, from, source)) relocate(source, c);
    });
  }

  void count_cops_and_actives() {
    counter_.rebuild([&](CellIndex c) { return counted(code_[c]); });
  }

  // Rule A for every free citizen, on counts taken before anyone decides.
  void decide() {
    const double legitimacy = *legitimacy_;
    sim::parallel_blocks(code_.size(), [&](std::size_t begin, std::size_t end) {
      std::uint32_t totals[sim::kParallelBlock];
      sim::for_row_runs(lattice_, static_cast<CellIndex>(begin), static_cast<CellIndex>(end),
                        [&](std::uint32_t x0, std::uint32_t y, CellIndex first, std::uint32_t n) {
                          counter_.totals_along_row(x0, y, n, citizen_window_, totals);
                          // Every cell is worked through the same arithmetic and only free citizens
                          // keep the result: no branch on what stands where, which is as random as
                          // the lattice. Without a P table (no rounding) an exp per cell would cost
                          // more than the branch that skips it, so grievance ≤ T settles those
                          // citizens first (R·P ≥ 0).
                          const bool tabled = !arrest_probability_by_ratio_.empty();
                          for (std::uint32_t k = 0; k < n; ++k) {
                            const CellIndex c = first + k;
                            const std::int8_t code = code_[c];
                            const bool free = code == quiescent || code == active;
                            const bool was_active = code == active;
                            const double grievance = hardship_[c] * (1.0 - legitimacy);
                            if (!tabled && (!free || grievance <= p_.threshold)) {
                              code_[c] = free ? quiescent : code;
                              continue;
                            }
                            const auto cops = static_cast<std::int32_t>(sim::low_lane(totals[k]));
                            const std::int32_t others =
                                static_cast<std::int32_t>(sim::high_lane(totals[k])) - (was_active ? 1 : 0);
                            const std::int32_t actives =
                                1 + others + ((p_.self_count == SelfCount::twice_when_active && was_active) ? 1 : 0);
                            const double p = arrest_probability_of(cops, std::max(actives, 1));
                            const bool turns_active = activates(grievance, risk_aversion_[c], p, p_.threshold);
                            code_[c] = free ? (turns_active ? active : quiescent) : code;
                          }
                        });
    });
  }

  // Rule C, first half: each cop picks a random active citizen in its window and claims it.
  void choose_arrests(std::int64_t tick) {
    const auto n = static_cast<std::uint32_t>(cop_window_.offsets().size());
    for_every_cell_in_bands([&](std::uint32_t x, std::uint32_t y, CellIndex c) {
      if (code_[c] != cop) return;
      // Actives as decided this tick; the cop's own cell holds none.
      const std::uint32_t suspects = sim::high_lane(counter_.total(x, y, cop_window_));
      if (suspects == 0) return;
      RandomStream draw = stream(agent_[c], tick, Purpose::arrest_choice);
      const std::uint32_t priority = draw();
      std::uint32_t pick = sim::draw_below(draw, suspects);
      const bool inside = interior(x, y);
      CellIndex s = 0;
      for (std::uint32_t i = 0; i < n; ++i)
        if (neighbour(cop_window_, cop_steps_, i, x, y, c, inside, s) && code_[s] == active && pick-- == 0) {
          const sim::Offset o = cop_window_.offsets()[i];
          claims_.claim(s, priority, {-o.dx, -o.dy});
          return;
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
    const std::size_t blocks = (code_.size() + sim::kParallelBlock - 1) / sim::kParallelBlock;
    std::vector<std::vector<Prisoner>> taken(p_.jailed_block_cell ? 0 : blocks);
    const auto made = sim::deterministic_sum<std::int64_t>(code_.size(), [&](std::size_t begin, std::size_t end) {
      std::int64_t n = 0;
      for (std::size_t c = begin; c < end; ++c) {
        sim::Offset cop_at{};
        if (!claims_.take_winner(static_cast<CellIndex>(c), cop_at)) continue;
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
      const auto by_citizen = [](const Prisoner& a, const Prisoner& b) { return a.citizen < b.citizen; };
      std::sort(arrivals.begin(), arrivals.end(), by_citizen);
      const auto middle = static_cast<std::ptrdiff_t>(jail_.size());
      jail_.insert(jail_.end(), arrivals.begin(), arrivals.end());
      std::inplace_merge(jail_.begin(), jail_.begin() + middle, jail_.end(), by_citizen);
    }
    return made;
  }

  // Terms count down at the end of each tick; a citizen whose term is over walks out quiescent.
  void release(std::int64_t tick) {
    if (p_.jailed_block_cell) {
      sim::parallel_blocks(code_.size(), [&](std::size_t begin, std::size_t end) {
        for (std::size_t c = begin; c < end; ++c) {
          if (code_[c] != jailed || jail_left_[c] == kUnboundedJail) continue;
          if (jail_left_[c] > 0)
            --jail_left_[c];
          else
            code_[c] = quiescent;
        }
      });
      return;
    }
    // In citizen order, because two released citizens may want the same cell.
    std::size_t kept = 0;
    for (Prisoner& p : jail_) {
      if (!walks_out(p, tick)) jail_[kept++] = p;
    }
    jail_.resize(kept);
  }

  // Counts a prisoner's term down, or puts it back on the lattice; false while it stays in jail.
  bool walks_out(Prisoner& p, std::int64_t tick) {
    if (p.term_left == kUnboundedJail) return false;
    if (p.term_left > 0) {
      --p.term_left;
      return false;
    }
    CellIndex target = p.cell;
    if (code_[target] != empty) {
      RandomStream draw = stream(p.citizen, tick, Purpose::release_placement);
      const std::uint32_t x = lattice_.x_of(p.cell), y = lattice_.y_of(p.cell);
      const std::int64_t i = random_empty_offset(draw, citizen_window_, x, y, p.cell);
      if (i == kNoOffset) return false;  // no room: waits a tick
      lattice_.shifted(x, y, citizen_window_.offsets()[static_cast<std::size_t>(i)], target);
    }
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
