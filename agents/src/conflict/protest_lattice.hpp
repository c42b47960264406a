#pragma once
// One region's protest lattice: protester groups (Epstein's citizens, each standing for
// scale.people_per_agent people), the government's security units that confront active groups, and
// the offices of armed groups whose gunmen may fire on protesters gathered there.
#include <cstdint>
#include <vector>

#include "confsim/agents/civil_violence.hpp"
#include "confsim/sim/lattice.hpp"

namespace confsim::agents::conflict {

// What the lattice's agents follow: the protest movement's rules, the security forces' and the
// gunmen's, gathered by the protest movement from the actors that set them.
struct LatticeRules {
  double people_per_agent = 1000;
  double density = 0.7, vision = 3, threshold = 0.1, hardship_spread = 0.3, arrest_constant = 2.3;
  double units_per_1000 = 0, unit_vision = 3, repression_rate = 0, kill_probability = 0, wound_probability = 0,
         arrest_share = 0, arrest_probability = 0;
  std::int64_t jail_days = 0;
  double office_reach = 3, gunfire_kill_probability = 0;
};

// The side of a region's square torus: room for its groups at the density, and one window of the
// widest reach across. Computed in floating point so that a scenario asking for a lattice too large
// to index is refused before anything is allocated.
double lattice_side(double population, const LatticeRules& rules);

// Cells are indexed by 32-bit integers.
constexpr double kMaxLatticeCells = 4294967295.0;

enum ProtesterState : std::int8_t { empty_cell = 0, quiet = 1, protesting = 2, detained = 3, dead = 4, unit_cell = 5 };

// What one day of confrontations on a lattice produced, by who struck (0: security forces, 1 + m:
// the gunmen of armed group m).
struct Casualties {
  std::vector<std::int64_t> killed, wounded, arrested;
  explicit Casualties(std::size_t actors = 0) : killed(actors), wounded(actors), arrested(actors) {}
  Casualties& operator+=(const Casualties& other);
};

struct Office {
  std::size_t group = 0;
  sim::CellIndex cell = 0;
};

// Today's decisions the field agents act on.
struct FieldOrders {
  double legitimacy = 0;
  double assembly_cost = 0;
  double lethal_share = 0;        // share of confrontations with live fire
  std::vector<bool> group_fires;  // per armed group: its gunmen fire today
};

class ProtestLattice {
 public:
  // region_key keys every stream of the lattice's agents (the region's name, hashed), so that a
  // region's draws do not depend on which other regions a scenario declares.
  ProtestLattice(std::uint64_t region_key, double population, double hardship, const LatticeRules& rules,
                 std::uint64_t seed, std::size_t armed_groups);
  // One office (a position of the group's gunmen) per entry, each on a cell drawn at random.
  void place_offices(const std::vector<std::size_t>& groups_here);

  // Phase 3: units redeploy; groups decide on counts taken before anyone decides; active groups are
  // confronted. Writes only per-agent slots.
  void act(std::int64_t tick, const FieldOrders& orders);
  // Phase 4: casualties applied, detention terms run; returns the day's tally.
  Casualties resolve();

  std::int64_t active_people() const { return active_people_; }
  // People are conserved: those in its groups and those killed add up to those placed; no group's
  // count or detention term is negative.
  void check_accounts(std::vector<std::string>& broken) const;
  // Active people within reach of an armed group's offices (what its gunmen see).
  std::int64_t active_people_near(std::size_t group) const;
  double mean_grievance(double legitimacy) const;
  std::uint32_t width() const { return lattice_.width(); }
  std::uint32_t height() const { return lattice_.height(); }
  std::vector<std::int8_t> cell_states() const;
  std::size_t protesters() const { return cell_.size(); }
  std::size_t units() const { return unit_cell_.size(); }

 private:
  std::uint64_t region_key_;
  LatticeRules p_;
  std::uint64_t seed_;
  std::size_t actors_;
  sim::Lattice lattice_;
  sim::Window protester_window_, unit_window_, office_window_;
  sim::WindowCounter units_near_, actives_near_;
  // protester groups, structure of arrays, in cell order
  std::vector<sim::CellIndex> cell_;
  std::vector<std::uint32_t> id_;  // place in the placement shuffle: the key of the group's streams
  std::vector<std::uint32_t> row_first_group_;  // per lattice row (and one past the last): its first group
  // Rule A's P = 1 − exp(−k·units/actives), tabled for small counts.
  civil_violence::ArrestOdds arrest_odds_;
  std::vector<float> hardship_, risk_aversion_;
  std::vector<std::int8_t> state_;
  std::vector<std::int32_t> people_, detention_left_;
  // what today's confrontation did to each group (written in act, applied in resolve)
  std::vector<std::int8_t> struck_by_;  // -1: nobody
  std::vector<std::int32_t> killed_, wounded_, arrested_;
  // security units
  std::vector<sim::CellIndex> unit_cell_;
  std::vector<std::int32_t> units_per_cell_;
  std::vector<Office> offices_;
  std::vector<std::uint8_t> protester_at_;  // 1 where an active group stands, for window counts
  std::int64_t active_people_ = 0;
  std::int64_t people_placed_ = 0, people_killed_ = 0;
};

}  // namespace confsim::agents::conflict
