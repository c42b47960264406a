// Epstein's Model I on the engine's phases. Every rule reads a snapshot and writes only its own
// slot; where two agents want the same cell or the same suspect, the lower of two keyed random
// priorities wins, so the outcome never depends on thread count or visiting order.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

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

constexpr std::int32_t kNobody = -1;
constexpr std::uint32_t kNoCell = UINT32_MAX;
constexpr std::uint64_t kNoClaim = UINT64_MAX;
// Rejection tries before falling back to listing the empty cells; either way the pick is uniform.
constexpr int kRejectionTries = 16;

// Claim keys: a random priority in the high half, the claimant's index in the low half, so the
// minimum is unique and says who won.
std::uint64_t claim_key(RandomStream&& stream, std::uint32_t claimant) {
  return (stream.next_u64() & 0xFFFF'FFFF'0000'0000ULL) | claimant;
}
std::uint32_t claimant_of(std::uint64_t key) { return static_cast<std::uint32_t>(key & 0xFFFF'FFFFULL); }

void claim_min(std::atomic<std::uint64_t>& slot, std::uint64_t key) {
  std::uint64_t current = slot.load(std::memory_order_relaxed);
  while (key < current && !slot.compare_exchange_weak(current, key, std::memory_order_relaxed)) {
  }
}

struct Tally {
  std::int64_t quiescent = 0, active = 0, jailed = 0;
  double grievance = 0;
  Tally& operator+=(const Tally& o) {
    quiescent += o.quiescent;
    active += o.active;
    jailed += o.jailed;
    grievance += o.grievance;
    return *this;
  }
};

class EpsteinModel final : public sim::Model {
 public:
  EpsteinModel(const Parameters& p, std::uint64_t seed)
      : p_(p),
        seed_(seed),
        lattice_(p.width, p.height, p.torus),
        citizen_window_(p.citizen_shape, p.citizen_vision),
        cop_window_(p.cop_shape, p.cop_vision),
        cop_counter_(lattice_, std::max(citizen_window_.reach(), cop_window_.reach())),
        active_counter_(lattice_, std::max(citizen_window_.reach(), cop_window_.reach())) {
    const std::int64_t cells = lattice_.cell_count();
    const auto share_of_cells = [&](double density) {
      return std::llround(density * static_cast<double>(cells));
    };
    n_citizens_ = static_cast<std::uint32_t>(share_of_cells(p.citizen_density));
    n_cops_ = static_cast<std::uint32_t>(std::min<std::int64_t>(share_of_cells(p.cop_density), cells - n_citizens_));
  }

  std::size_t lattice_cells() const override { return lattice_.cell_count(); }

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
    // Exactly n agents on distinct cells: the first n of a keyed shuffle of all cells.
    std::vector<CellIndex> order(cells);
    std::iota(order.begin(), order.end(), CellIndex{0});
    RandomStream placement(seed_, StreamOwner::world, 0, 0, Purpose::initial_placement);
    for (std::uint32_t i = 0; i < agents && i + 1 < cells; ++i) {
      const auto j = static_cast<std::uint32_t>(sim::draw_integer(placement, i, cells - 1));
      std::swap(order[i], order[j]);
    }
    cell_.assign(order.begin(), order.begin() + agents);
    status_.assign(agents, quiescent);
    occupant_.assign(cells, kNobody);
    for (std::uint32_t i = 0; i < agents; ++i) occupant_[cell_[i]] = static_cast<std::int32_t>(i);
    hardship_.resize(n_citizens_);
    risk_aversion_.resize(n_citizens_);
    jail_left_.assign(n_citizens_, 0);
    sim::parallel_blocks(n_citizens_, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        RandomStream draw(seed_, StreamOwner::citizen, i, 0, Purpose::initial_attributes);
        hardship_[i] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0));
        risk_aversion_[i] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0));
      }
    });
    move_target_.assign(agents, kNoCell);
    cell_claim_ = std::vector<std::atomic<std::uint64_t>>(cells);
    for (auto& c : cell_claim_) c.store(kNoClaim, std::memory_order_relaxed);
    arrest_target_.assign(n_cops_, kNobody);
    arrest_claim_ = std::vector<std::atomic<std::uint64_t>>(n_citizens_);
    for (auto& c : arrest_claim_) c.store(kNoClaim, std::memory_order_relaxed);
  }

  void act_field_agents(std::int64_t tick) override {
    if (p_.order == Order::move_then_act) move(tick);
    decide();
    choose_arrests(tick);
  }

  void resolve(std::int64_t tick) override {
    const std::int64_t arrests = apply_arrests(tick);
    if (p_.order == Order::act_then_move) move(tick);
    release(tick);
    arrests_last_tick_ = arrests;
    if (arrests > 0) pending_events_.push_back({tick, 0, 0, 0, 0, 0, 0, arrests});
  }

  void remove_share(const std::string& population, double share, std::int64_t tick) override {
    const bool cops = population == "cops";
    const std::uint32_t first = cops ? n_citizens_ : 0;
    const std::uint32_t last = cops ? n_citizens_ + n_cops_ : n_citizens_;
    std::vector<std::uint32_t> present;
    for (std::uint32_t i = first; i < last; ++i)
      if (status_[i] != removed) present.push_back(i);
    const auto n = static_cast<std::size_t>(std::llround(share * static_cast<double>(present.size())));
    RandomStream pick(seed_, StreamOwner::world, cops ? 1 : 0, static_cast<std::uint64_t>(tick),
                      Purpose::scheduled_removal);
    for (std::size_t k = 0; k < n; ++k) {
      const auto j = static_cast<std::size_t>(sim::draw_integer(pick, static_cast<std::int64_t>(k),
                                                                static_cast<std::int64_t>(present.size()) - 1));
      std::swap(present[k], present[j]);
      const std::uint32_t agent = present[k];
      if (occupant_[cell_[agent]] == static_cast<std::int32_t>(agent)) occupant_[cell_[agent]] = kNobody;
      status_[agent] = removed;
    }
  }

  void observe(std::vector<double>& series) const override {
    const double legitimacy = *legitimacy_;
    const Tally t = sim::deterministic_sum<Tally>(n_citizens_, [&](std::size_t begin, std::size_t end) {
      Tally part;
      for (std::size_t i = begin; i < end; ++i) {
        switch (status_[i]) {
          case quiescent: ++part.quiescent; break;
          case active: ++part.active; break;
          case jailed: ++part.jailed; continue;
          default: continue;
        }
        part.grievance += hardship_[i] * (1.0 - legitimacy);
      }
      return part;
    });
    const auto cops_on_duty = sim::deterministic_sum<std::int64_t>(n_cops_, [&](std::size_t begin, std::size_t end) {
      std::int64_t n = 0;
      for (std::size_t i = begin; i < end; ++i) n += status_[n_citizens_ + i] != removed;
      return n;
    });
    const std::int64_t free_citizens = t.quiescent + t.active;
    series = {static_cast<double>(t.quiescent), static_cast<double>(t.active), static_cast<double>(t.jailed),
              static_cast<double>(cops_on_duty), legitimacy, static_cast<double>(arrests_last_tick_),
              free_citizens > 0 ? t.grievance / static_cast<double>(free_citizens) : 0.0};
  }

  void take_events(std::vector<sim::EventRecord>& out) override {
    out.insert(out.end(), pending_events_.begin(), pending_events_.end());
    pending_events_.clear();
  }

  void snapshot(std::vector<sim::VariableData>& out) const override {
    std::vector<std::int8_t> cells(lattice_.cell_count());
    for (CellIndex c = 0; c < cells.size(); ++c) cells[c] = code_of_cell(c);
    std::vector<std::int8_t> states(n_citizens_);
    std::vector<std::int32_t> xs(n_citizens_), ys(n_citizens_);
    for (std::uint32_t i = 0; i < n_citizens_; ++i) {
      states[i] = static_cast<std::int8_t>(status_[i]);
      xs[i] = static_cast<std::int32_t>(lattice_.x_of(cell_[i]));
      ys[i] = static_cast<std::int32_t>(lattice_.y_of(cell_[i]));
    }
    out = {std::move(cells), std::move(states), std::move(xs), std::move(ys)};
  }

  void statics(std::vector<sim::VariableData>& out) const override { out = {hardship_, risk_aversion_}; }

 private:
  Parameters p_;
  std::uint64_t seed_;
  sim::Lattice lattice_;
  sim::Window citizen_window_, cop_window_;
  sim::WindowCounter cop_counter_, active_counter_;
  std::uint32_t n_citizens_ = 0, n_cops_ = 0;
  const double* legitimacy_ = nullptr;

  // Agents as structure of arrays: citizens are [0, n_citizens_), cops follow.
  std::vector<CellIndex> cell_;
  std::vector<std::int8_t> status_;  // a Code
  std::vector<float> hardship_, risk_aversion_;
  std::vector<std::int32_t> jail_left_;
  std::vector<std::int32_t> occupant_;  // per cell: the agent standing there, or kNobody

  // Scratch of the phases.
  std::vector<CellIndex> move_target_;
  std::vector<std::atomic<std::uint64_t>> cell_claim_;
  std::vector<std::int32_t> arrest_target_;
  std::vector<std::atomic<std::uint64_t>> arrest_claim_;
  std::int64_t arrests_last_tick_ = 0;
  std::vector<sim::EventRecord> pending_events_;

  bool is_cop(std::uint32_t agent) const { return agent >= n_citizens_; }
  StreamOwner owner_of(std::uint32_t agent) const { return is_cop(agent) ? StreamOwner::cop : StreamOwner::citizen; }
  std::uint64_t id_of(std::uint32_t agent) const { return is_cop(agent) ? agent - n_citizens_ : agent; }
  RandomStream stream(std::uint32_t agent, std::int64_t tick, Purpose purpose) const {
    return RandomStream(seed_, owner_of(agent), id_of(agent), static_cast<std::uint64_t>(tick), purpose);
  }

  std::int8_t code_of_cell(CellIndex c) const {
    const std::int32_t who = occupant_[c];
    if (who == kNobody) return empty;
    return is_cop(static_cast<std::uint32_t>(who)) ? static_cast<std::int8_t>(cop) : status_[who];
  }

  bool mobile(std::uint32_t agent) const {
    if (is_cop(agent)) return p_.cops_move && status_[agent] != removed;
    return p_.citizens_move && (status_[agent] == quiescent || status_[agent] == active);
  }

  // A uniformly chosen empty cell of the window around `centre`, or kNoCell if there is none.
  CellIndex random_empty_cell(RandomStream& draw, const sim::Window& window, CellIndex centre) const {
    const auto& offsets = window.offsets();
    if (offsets.empty()) return kNoCell;
    const std::uint32_t x = lattice_.x_of(centre), y = lattice_.y_of(centre);
    const auto last = static_cast<std::int64_t>(offsets.size()) - 1;
    CellIndex c = 0;
    for (int attempt = 0; attempt < kRejectionTries; ++attempt)
      if (lattice_.shifted(x, y, offsets[sim::draw_integer(draw, 0, last)], c) && occupant_[c] == kNobody) return c;
    std::int64_t empties = 0;
    for (const auto& o : offsets) empties += lattice_.shifted(x, y, o, c) && occupant_[c] == kNobody;
    if (empties == 0) return kNoCell;
    std::int64_t pick = sim::draw_integer(draw, 0, empties - 1);
    for (const auto& o : offsets)
      if (lattice_.shifted(x, y, o, c) && occupant_[c] == kNobody && pick-- == 0) return c;
    return kNoCell;
  }

  // Rule M in three passes: every mobile agent proposes an empty cell (from the snapshot) and
  // claims it; the lowest claim wins the cell; winners move.
  void move(std::int64_t tick) {
    const std::size_t agents = cell_.size();
    sim::parallel_blocks(agents, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const auto agent = static_cast<std::uint32_t>(i);
        move_target_[i] = kNoCell;
        if (!mobile(agent)) continue;
        RandomStream draw = stream(agent, tick, Purpose::move_target);
        const CellIndex target = random_empty_cell(draw, is_cop(agent) ? cop_window_ : citizen_window_, cell_[i]);
        if (target == kNoCell) continue;
        move_target_[i] = target;
        claim_min(cell_claim_[target], claim_key(stream(agent, tick, Purpose::move_priority), agent));
      }
    });
    sim::parallel_blocks(agents, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const CellIndex target = move_target_[i];
        if (target == kNoCell || claimant_of(cell_claim_[target].load(std::memory_order_relaxed)) != i) continue;
        occupant_[cell_[i]] = kNobody;
        occupant_[target] = static_cast<std::int32_t>(i);
        cell_[i] = target;
      }
    });
    sim::parallel_blocks(agents, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i)
        if (move_target_[i] != kNoCell) cell_claim_[move_target_[i]].store(kNoClaim, std::memory_order_relaxed);
    });
  }

  // Rule A for every free citizen, on counts taken before anyone decides.
  void decide() {
    cop_counter_.rebuild([&](CellIndex c) {
      const std::int32_t who = occupant_[c];
      return who != kNobody && is_cop(static_cast<std::uint32_t>(who));
    });
    rebuild_active_counter();
    const double legitimacy = *legitimacy_;
    sim::parallel_blocks(n_citizens_, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        if (status_[i] != quiescent && status_[i] != active) continue;
        const bool was_active = status_[i] == active;
        const std::int32_t cops = cop_counter_.count(cell_[i], citizen_window_);
        const std::int32_t others = active_counter_.count(cell_[i], citizen_window_) - (was_active ? 1 : 0);
        const std::int32_t actives =
            1 + others + ((p_.self_count == SelfCount::twice_when_active && was_active) ? 1 : 0);
        const double grievance = hardship_[i] * (1.0 - legitimacy);
        const double p = arrest_probability(cops, actives, p_.arrest_constant, p_.rounding);
        status_[i] = activates(grievance, risk_aversion_[i], p, p_.threshold) ? active : quiescent;
      }
    });
  }

  // Rule C, first half: each cop on duty picks a random active citizen in its window and claims it.
  void choose_arrests(std::int64_t tick) {
    rebuild_active_counter();
    sim::parallel_blocks(n_cops_, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        const auto agent = static_cast<std::uint32_t>(n_citizens_ + k);
        arrest_target_[k] = kNobody;
        if (status_[agent] == removed) continue;
        // The table counts actives as decided this tick; the cop's own cell holds none.
        const std::int64_t suspects = active_counter_.count(cell_[agent], cop_window_);
        if (suspects == 0) continue;
        const std::uint32_t x = lattice_.x_of(cell_[agent]), y = lattice_.y_of(cell_[agent]);
        CellIndex c = 0;
        RandomStream draw = stream(agent, tick, Purpose::arrest_choice);
        std::int64_t pick = sim::draw_integer(draw, 0, suspects - 1);
        for (const auto& o : cop_window_.offsets())
          if (lattice_.shifted(x, y, o, c) && is_active_citizen(occupant_[c]) && pick-- == 0) {
            arrest_target_[k] = occupant_[c];
            break;
          }
        claim_min(arrest_claim_[arrest_target_[k]],
                  claim_key(stream(agent, tick, Purpose::arrest_priority), static_cast<std::uint32_t>(k)));
      }
    });
  }

  void rebuild_active_counter() {
    active_counter_.rebuild([&](CellIndex c) { return is_active_citizen(occupant_[c]); });
  }

  bool is_active_citizen(std::int32_t who) const {
    return who != kNobody && !is_cop(static_cast<std::uint32_t>(who)) && status_[who] == active;
  }

  std::int32_t draw_jail_term(std::uint32_t citizen, std::int64_t tick) const {
    if (p_.max_jail_term == kUnboundedJail) return kUnboundedJail;
    const std::int64_t top = p_.jail_range == JailTermRange::inclusive ? p_.max_jail_term : p_.max_jail_term - 1;
    if (top <= 0) return 0;
    RandomStream draw = stream(citizen, tick, Purpose::jail_term);
    return static_cast<std::int32_t>(sim::draw_integer(draw, 0, top));
  }

  // Rule C, second half: the winning cop of each claimed citizen jails it.
  std::int64_t apply_arrests(std::int64_t tick) {
    const auto made = sim::deterministic_sum<std::int64_t>(n_cops_, [&](std::size_t begin, std::size_t end) {
      std::int64_t n = 0;
      for (std::size_t k = begin; k < end; ++k) {
        const std::int32_t suspect = arrest_target_[k];
        if (suspect == kNobody || claimant_of(arrest_claim_[suspect].load(std::memory_order_relaxed)) != k) continue;
        status_[suspect] = jailed;
        jail_left_[suspect] = draw_jail_term(static_cast<std::uint32_t>(suspect), tick);
        if (!p_.jailed_block_cell) occupant_[cell_[suspect]] = kNobody;
        ++n;
      }
      return n;
    });
    sim::parallel_blocks(n_cops_, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k)
        if (arrest_target_[k] != kNobody) arrest_claim_[arrest_target_[k]].store(kNoClaim, std::memory_order_relaxed);
    });
    return made;
  }

  // Terms count down at the end of each tick; a citizen whose term is over walks out quiescent.
  // Done in citizen order because two released citizens may want the same cell.
  void release(std::int64_t tick) {
    for (std::uint32_t i = 0; i < n_citizens_; ++i) {
      if (status_[i] != jailed || jail_left_[i] == kUnboundedJail) continue;
      if (jail_left_[i] > 0) {
        --jail_left_[i];
        continue;
      }
      if (!p_.jailed_block_cell) {
        CellIndex target = cell_[i];
        if (occupant_[target] != kNobody) {
          RandomStream draw = stream(i, tick, Purpose::release_placement);
          target = random_empty_cell(draw, citizen_window_, cell_[i]);
          if (target == kNoCell) continue;  // no room: waits a tick
        }
        occupant_[target] = static_cast<std::int32_t>(i);
        cell_[i] = target;
      }
      status_[i] = quiescent;
    }
  }
};

}  // namespace

std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed) {
  return std::make_unique<EpsteinModel>(Parameters::from(scenario), seed);
}

}  // namespace confsim::agents::epstein
