#pragma once
// One governorate's protest lattice: protester groups (Epstein's citizens, each standing for
// scale.people_per_agent people), security units that confront active groups, and the offices of
// militias whose gunmen may fire on protesters gathered there.
#include <cstdint>
#include <vector>

#include "confsim/agents/iraq.hpp"
#include "confsim/sim/lattice.hpp"

namespace confsim::agents::iraq {

enum ProtesterState : std::int8_t { empty_cell = 0, quiet = 1, protesting = 2, detained = 3, dead = 4, unit_cell = 5 };

// What one day of confrontations on a lattice produced, by who struck (0: security forces, 1 + m:
// militia m's gunmen).
struct Casualties {
  std::vector<std::int64_t> killed, wounded, arrested;
  explicit Casualties(std::size_t actors = 0) : killed(actors), wounded(actors), arrested(actors) {}
  Casualties& operator+=(const Casualties& other);
};

struct Office {
  std::size_t militia = 0;
  sim::CellIndex cell = 0;
};

// Today's decisions the field agents act on.
struct FieldOrders {
  double legitimacy = 0;
  double assembly_cost = 0;
  double lethal_share = 0;          // share of confrontations with live fire
  std::vector<bool> militia_fires;  // per militia: its gunmen fire today
};

class RegionLattice {
 public:
  RegionLattice(std::size_t region, const Parameters& p, std::uint64_t seed, std::uint64_t first_protester_id,
                std::uint64_t first_unit_id, std::size_t actors);
  void place_offices(const std::vector<std::size_t>& militias_here);

  // Phase 3: units redeploy; groups decide on counts taken before anyone decides; active groups are
  // confronted. Writes only per-agent slots.
  void act(std::int64_t tick, const FieldOrders& orders);
  // Phase 4: casualties applied, detention terms run; returns the day's tally.
  Casualties resolve();

  std::int64_t active_people() const { return active_people_; }
  // Active people within reach of a militia's office (what its gunmen see).
  std::int64_t active_people_near(std::size_t militia) const;
  double mean_grievance(double legitimacy) const;
  std::uint32_t width() const { return lattice_.width(); }
  std::uint32_t height() const { return lattice_.height(); }
  std::vector<std::int8_t> cell_states() const;
  std::size_t protesters() const { return cell_.size(); }
  std::size_t units() const { return unit_cell_.size(); }

 private:
  std::size_t region_;
  const Parameters& p_;
  std::uint64_t seed_, first_protester_id_, first_unit_id_;
  std::size_t actors_;
  sim::Lattice lattice_;
  sim::Window protester_window_, unit_window_, office_window_;
  sim::WindowCounter units_near_, actives_near_;
  // protester groups, structure of arrays, in cell order
  std::vector<sim::CellIndex> cell_;
  std::vector<std::uint32_t> id_;  // place in the placement shuffle: the key of the group's streams
  std::vector<std::uint32_t> row_first_group_;  // per lattice row (and one past the last): its first group
  // Rule A's P = 1 − exp(−k·units/actives), tabled for small counts.
  static constexpr std::int32_t kTabledUnits = 64;
  std::int32_t tabled_actives_ = 0;
  std::vector<double> arrest_probability_by_count_;
  double arrest_probability(std::int32_t units, std::int32_t actives) const;
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
};

}  // namespace confsim::agents::iraq
