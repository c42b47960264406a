// The protest lattice of one region. Groups do not move (a neighbourhood's people protest
// where they live); security units redeploy every day. Every draw is keyed by (seed, agent, tick,
// purpose) and every pass writes only its own slots, so results do not depend on thread count.
#include "protest_lattice.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/parallel.hpp"
#include "confsim/sim/rng.hpp"

namespace confsim::agents::conflict {

using sim::Purpose;
using sim::RandomStream;
using sim::StreamOwner;

Casualties& Casualties::operator+=(const Casualties& other) {
  if (killed.empty()) *this = Casualties(other.killed.size());
  for (std::size_t a = 0; a < other.killed.size(); ++a) {
    killed[a] += other.killed[a];
    wounded[a] += other.wounded[a];
    arrested[a] += other.arrested[a];
  }
  return *this;
}

namespace {

std::size_t group_count(double population, double people_per_agent) {
  return static_cast<std::size_t>(std::max(1.0, std::round(population / people_per_agent)));
}

// Agents' stream ids: the region's key in the upper half, the agent's index in the lower, so that
// ids of different regions never meet.
std::uint64_t agent_id(std::uint64_t region_key, std::uint64_t index) {
  return (region_key & 0xFFFFFFFF00000000ULL) | index;
}

// What each placement stream of a lattice is for, as offsets of the region's key.
enum PlacementStream : std::uint64_t { kGroups = 1, kUnits = 2, kOffices = 3 };

// Security units counted in a window that the table of P covers; more are computed.
constexpr std::int32_t kTabledUnits = 64;

std::int32_t window_cells(double radius) {
  return static_cast<std::int32_t>(sim::Window(sim::WindowShape::euclidean, radius).offsets().size());
}

}  // namespace

double lattice_side(double population, const LatticeRules& rules) {
  const double groups = std::max(1.0, std::round(population / rules.people_per_agent));
  const double side = std::ceil(std::sqrt(std::max(1.0, std::ceil(groups / rules.density))));
  const double reach = std::floor(std::max({rules.vision, rules.unit_vision, rules.office_reach}));
  return std::max(side, 2 * reach + 1);
}

ProtestLattice::ProtestLattice(std::uint64_t region_key, double population, double hardship,
                               const LatticeRules& rules, std::uint64_t seed, std::size_t armed_groups)
    : region_key_(region_key),
      p_(rules),
      seed_(seed),
      actors_(1 + armed_groups),
      lattice_([&] {
        const auto side = static_cast<std::uint32_t>(lattice_side(population, rules));
        return sim::Lattice(side, side, true);
      }()),
      protester_window_(sim::WindowShape::euclidean, rules.vision),
      unit_window_(sim::WindowShape::euclidean, rules.unit_vision),
      office_window_(sim::WindowShape::euclidean, rules.office_reach),
      // The tables serve the protesters' windows; gunmen's reach, wider at fine scales, is counted
      // directly (a few offices a day), so it does not pad every table.
      units_near_(lattice_, protester_window_.reach()),
      actives_near_(lattice_, protester_window_.reach()),
      // A counts the group itself, so up to the window's cells plus one; the table covers it all.
      arrest_odds_(rules.arrest_constant, civil_violence::RatioRounding::none, kTabledUnits,
                   window_cells(rules.vision) + 3) {
  const std::size_t groups = group_count(population, rules.people_per_agent);
  const std::uint32_t cells = lattice_.cell_count();
  // Exactly `groups` groups on distinct cells: the first of a keyed shuffle of all cells.
  std::vector<sim::CellIndex> order(cells);
  std::iota(order.begin(), order.end(), sim::CellIndex{0});
  RandomStream placement(seed_, StreamOwner::world, region_key_ + kGroups, 0, Purpose::initial_placement);
  for (std::uint32_t i = 0; i < groups && i + 1 < cells; ++i)
    std::swap(order[i], order[static_cast<std::uint32_t>(sim::draw_integer(placement, i, cells - 1))]);
  // Groups are kept in cell order, so that every pass over them reads the window counts in order;
  // each keeps its place in the shuffle as the key of its random streams.
  constexpr std::uint32_t kNoGroup = UINT32_MAX;
  std::vector<std::uint32_t> group_at(cells, kNoGroup);
  for (std::uint32_t i = 0; i < groups; ++i) group_at[order[i]] = i;
  cell_.clear();
  id_.clear();
  cell_.reserve(groups);
  id_.reserve(groups);
  for (sim::CellIndex c = 0; c < cells; ++c)
    if (group_at[c] != kNoGroup) {
      cell_.push_back(c);
      id_.push_back(group_at[c]);
    }
  row_first_group_.assign(static_cast<std::size_t>(lattice_.height()) + 1, static_cast<std::uint32_t>(groups));
  for (std::size_t j = groups; j-- > 0;) row_first_group_[lattice_.y_of(cell_[j])] = static_cast<std::uint32_t>(j);
  for (std::size_t y = lattice_.height(); y-- > 0;)
    row_first_group_[y] = std::min(row_first_group_[y], row_first_group_[y + 1]);
  hardship_.resize(groups);
  risk_aversion_.resize(groups);
  const double low = std::max(0.0, hardship - rules.hardship_spread);
  const double high = std::min(1.0, hardship + rules.hardship_spread);
  sim::parallel_blocks(groups, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      RandomStream draw(seed_, StreamOwner::protester, agent_id(region_key_, id_[i]), 0, Purpose::initial_attributes);
      hardship_[i] = static_cast<float>(sim::draw_uniform(draw, low, high, "hardship"));
      risk_aversion_[i] = static_cast<float>(sim::draw_uniform(draw, 0.0, 1.0, "risk aversion"));
    }
  });
  state_.assign(groups, quiet);
  people_.assign(groups, static_cast<std::int32_t>(std::min(rules.people_per_agent, 2e9)));
  people_placed_ = std::accumulate(people_.begin(), people_.end(), std::int64_t{0});
  detention_left_.assign(groups, 0);
  struck_by_.assign(groups, -1);
  killed_.assign(groups, 0);
  wounded_.assign(groups, 0);
  arrested_.assign(groups, 0);

  const auto units = static_cast<std::size_t>(std::round(static_cast<double>(groups) * rules.units_per_1000 / 1000.0));
  unit_cell_.resize(units);
  RandomStream unit_placement(seed_, StreamOwner::world, region_key_ + kUnits, 0, Purpose::initial_placement);
  for (auto& c : unit_cell_) c = static_cast<sim::CellIndex>(sim::draw_integer(unit_placement, 0, cells - 1));
  units_per_cell_.assign(cells, 0);
  protester_at_.assign(cells, 0);
  actives_near_.rebuild([](sim::CellIndex) { return 0; });  // nobody protests before the first day
}

void ProtestLattice::place_offices(const std::vector<std::size_t>& groups_here) {
  RandomStream draw(seed_, StreamOwner::world, region_key_ + kOffices, 0, Purpose::initial_placement);
  for (std::size_t m : groups_here)
    offices_.push_back({m, static_cast<sim::CellIndex>(sim::draw_integer(draw, 0, lattice_.cell_count() - 1))});
}

void ProtestLattice::act(std::int64_t tick, const FieldOrders& orders) {
  const auto t = static_cast<std::uint64_t>(tick);
  const std::size_t groups = cell_.size();
  // Units redeploy within their window.
  const auto& reachable = unit_window_.offsets();
  sim::parallel_blocks(unit_cell_.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t u = begin; u < end; ++u) {
      RandomStream draw(seed_, StreamOwner::security_unit, agent_id(region_key_, u), t, Purpose::unit_deployment);
      const auto& step = reachable[static_cast<std::size_t>(
          sim::draw_integer(draw, 0, static_cast<std::int64_t>(reachable.size()) - 1))];
      lattice_.shifted(unit_cell_[u], step, unit_cell_[u]);
    }
  });
  std::fill(units_per_cell_.begin(), units_per_cell_.end(), 0);
  for (sim::CellIndex c : unit_cell_) ++units_per_cell_[c];
  units_near_.rebuild([&](sim::CellIndex c) { return units_per_cell_[c]; });

  // Rule A on counts taken before anyone decides.
  // Groups stand on distinct cells, so the marks are written in parallel without conflict.
  const auto mark_actives = [&] {
    sim::parallel_blocks(protester_at_.size(), [&](std::size_t begin, std::size_t end) {
      std::fill(protester_at_.begin() + static_cast<std::ptrdiff_t>(begin),
                protester_at_.begin() + static_cast<std::ptrdiff_t>(end), 0);
    });
    sim::parallel_blocks(groups, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) protester_at_[cell_[i]] = state_[i] == protesting;
    });
    actives_near_.rebuild([&](sim::CellIndex c) { return protester_at_[c]; });
  };
  mark_actives();
  // Row by row: the window counts of a whole row come out of the tables in one vectorised sweep,
  // and the row's groups (contiguous, as groups are kept in cell order) read theirs.
  const std::uint32_t width = lattice_.width();
  sim::parallel_for(tbb::blocked_range<std::uint32_t>(0, lattice_.height(), 8), [&](const auto& rows) {
    std::vector<std::uint32_t> units_in_row(width), crowd_in_row(width);
    for (std::uint32_t y = rows.begin(); y != rows.end(); ++y) {
      const std::size_t first = row_first_group_[y], last = row_first_group_[y + 1];
      if (first == last) continue;
      units_near_.totals_along_row(0, y, width, protester_window_, units_in_row.data());
      actives_near_.totals_along_row(0, y, width, protester_window_, crowd_in_row.data());
      for (std::size_t i = first; i < last; ++i) {
        if (state_[i] != quiet && state_[i] != protesting) continue;
        const std::uint32_t x = cell_[i] - y * width;
        const auto units = static_cast<std::int32_t>(units_in_row[x]);
        const std::int32_t actives = 1 + static_cast<std::int32_t>(crowd_in_row[x]) - (state_[i] == protesting);
        state_[i] = civil_violence::activates(hardship_[i] * (1 - orders.legitimacy), risk_aversion_[i],
                                              arrest_odds_(units, actives), p_.threshold + orders.assembly_cost)
                        ? protesting
                        : quiet;
      }
    }
  });
  mark_actives();
  active_people_ = sim::deterministic_sum<std::int64_t>(groups, [&](std::size_t begin, std::size_t end) {
    std::int64_t n = 0;
    for (std::size_t i = begin; i < end; ++i) n += state_[i] == protesting ? people_[i] : 0;
    return n;
  });

  // Confrontations: security units share out their capacity among the active groups they reach;
  // gunmen of a militia that fires today hit every active group within reach of its offices.
  const auto office_reach2 = p_.office_reach * p_.office_reach;
  sim::parallel_blocks(groups, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (state_[i] != protesting) continue;  // no outcome: resolve() left the slots cleared
      const std::uint64_t id = agent_id(region_key_, id_[i]);
      RandomStream hit(seed_, StreamOwner::protester, id, t, Purpose::repression);
      RandomStream toll(seed_, StreamOwner::protester, id, t, Purpose::casualties);
      for (const Office& office : offices_) {
        if (!orders.group_fires[office.group]) continue;
        const auto dx = std::abs(static_cast<double>(lattice_.x_of(cell_[i])) - lattice_.x_of(office.cell));
        const auto dy = std::abs(static_cast<double>(lattice_.y_of(cell_[i])) - lattice_.y_of(office.cell));
        const double wx = std::min(dx, lattice_.width() - dx), wy = std::min(dy, lattice_.height() - dy);
        if (wx * wx + wy * wy > office_reach2) continue;
        struck_by_[i] = static_cast<std::int8_t>(1 + office.group);
        killed_[i] = static_cast<std::int32_t>(
            sim::draw_binomial(toll, people_[i], p_.gunfire_kill_probability, "gunfire_kill_probability"));
        wounded_[i] = static_cast<std::int32_t>(
            sim::draw_binomial(toll, people_[i] - killed_[i], p_.wound_probability, "wound_probability"));
        break;
      }
      if (struck_by_[i] >= 0) continue;
      const std::int32_t units = units_near_.count(cell_[i], protester_window_);
      if (units == 0) continue;
      const std::int32_t actives = actives_near_.count(cell_[i], protester_window_);
      const double confronted = 1.0 - std::exp(-p_.repression_rate * units / static_cast<double>(actives));
      if (!sim::draw_bernoulli(hit, confronted, "the chance of a confrontation")) continue;
      struck_by_[i] = 0;
      if (sim::draw_bernoulli(hit, orders.lethal_share, "the lethal share of confrontations")) {
        killed_[i] =
            static_cast<std::int32_t>(sim::draw_binomial(toll, people_[i], p_.kill_probability, "kill_probability"));
        wounded_[i] = static_cast<std::int32_t>(
            sim::draw_binomial(toll, people_[i] - killed_[i], p_.wound_probability, "wound_probability"));
      } else if (sim::draw_bernoulli(hit, p_.arrest_share, "arrest_share")) {
        // A crowd broken up with arrests stays home while its arrested members are held; the slot of
        // its detention term (free while it protests) carries the order to resolve().
        arrested_[i] = static_cast<std::int32_t>(
            sim::draw_binomial(toll, people_[i], p_.arrest_probability, "arrest_probability"));
        detention_left_[i] = static_cast<std::int32_t>(p_.jail_days);
      }
    }
  });
}

Casualties ProtestLattice::resolve() {
  Casualties day = sim::deterministic_sum<Casualties>(cell_.size(), [&](std::size_t begin, std::size_t end) {
    Casualties part(actors_);
    for (std::size_t i = begin; i < end; ++i) {
      if (state_[i] == detained) {
        if (--detention_left_[i] <= 0) state_[i] = quiet;
        continue;
      }
      if (struck_by_[i] < 0) continue;
      const auto a = static_cast<std::size_t>(struck_by_[i]);
      part.killed[a] += killed_[i];
      part.wounded[a] += wounded_[i];
      part.arrested[a] += arrested_[i];
      people_[i] -= killed_[i];
      const bool held = detention_left_[i] > 0;
      struck_by_[i] = -1;  // cleared for tomorrow's confrontations
      killed_[i] = wounded_[i] = arrested_[i] = 0;
      if (people_[i] <= 0) {
        state_[i] = dead;
      } else if (held) {
        state_[i] = detained;
      } else {
        state_[i] = quiet;  // dispersed
      }
    }
    return part;
  });
  for (std::int64_t k : day.killed) people_killed_ += k;
  return day;
}

void ProtestLattice::check_accounts(std::vector<std::string>& broken) const {
  std::int64_t people = 0;
  for (std::size_t i = 0; i < people_.size(); ++i) {
    people += people_[i];
    if (people_[i] < 0 || detention_left_[i] < 0) {
      broken.push_back("protester group " + std::to_string(i) + " holds " + std::to_string(people_[i]) +
                       " people with " + std::to_string(detention_left_[i]) + " days of detention left");
      return;
    }
    if ((people_[i] == 0) != (state_[i] == dead)) {
      broken.push_back("protester group " + std::to_string(i) + " holds " + std::to_string(people_[i]) +
                       " people in state " + std::to_string(state_[i]));
      return;
    }
  }
  if (people + people_killed_ != people_placed_)
    broken.push_back(std::to_string(people) + " people in protester groups and " + std::to_string(people_killed_) +
                     " killed, but " + std::to_string(people_placed_) + " placed");
}

std::int64_t ProtestLattice::active_people_near(std::size_t group) const {
  std::int64_t n = 0;
  for (const Office& office : offices_) {
    if (office.group != group) continue;
    for (const auto& step : office_window_.offsets()) {
      sim::CellIndex c = 0;
      lattice_.shifted(office.cell, step, c);
      n += protester_at_[c];
    }
  }
  return static_cast<std::int64_t>(static_cast<double>(n) * p_.people_per_agent);
}

double ProtestLattice::mean_grievance(double legitimacy) const {
  struct Free {
    double hardship = 0;
    std::int64_t groups = 0;
    Free& operator+=(const Free& o) {
      hardship += o.hardship;
      groups += o.groups;
      return *this;
    }
  };
  const Free free = sim::deterministic_sum<Free>(cell_.size(), [&](std::size_t begin, std::size_t end) {
    Free part;
    for (std::size_t i = begin; i < end; ++i)
      if (state_[i] == quiet || state_[i] == protesting) {
        part.hardship += hardship_[i];
        ++part.groups;
      }
    return part;
  });
  return free.groups > 0 ? free.hardship * (1.0 - legitimacy) / static_cast<double>(free.groups) : 0.0;
}

std::vector<std::int8_t> ProtestLattice::cell_states() const {
  std::vector<std::int8_t> cells(lattice_.cell_count(), empty_cell);
  for (sim::CellIndex c : unit_cell_) cells[c] = unit_cell;
  for (std::size_t i = 0; i < cell_.size(); ++i) cells[cell_[i]] = state_[i];
  return cells;
}

}  // namespace confsim::agents::conflict
