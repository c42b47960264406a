#pragma once
// The protest movement: protester groups on a lattice in each region it mobilises, activating by
// Epstein's rule A with a cost of assembly, among the government's security units (who confront
// them by the day's posture) and the offices of armed groups whose gunmen may fire on them.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "component.hpp"
#include "protest_lattice.hpp"

namespace confsim::agents::conflict {

class ArmedGroup;
class Government;

struct ProtestParams {
  sim::Names regions;
  double density = 0.7, vision = 3, threshold = 0.1, hardship_spread = 0.3, arrest_constant = 2.3;
  sim::Live assembly_cost;
};

class ProtestMovement final : public Component {
 public:
  static ComponentKind kind();
  ProtestMovement(const sim::Scenario& scenario, const sim::Entry& entry);
  // The lattice rules that follow from the scenario alone (the government's orders come later).
  static LatticeRules scenario_rules(const sim::Scenario& scenario, const std::string& name);
  // The side of the lattice of each region the movement mobilises, by region name.
  static std::vector<std::pair<std::string, double>> lattice_sides(const sim::Scenario& scenario,
                                                                   const sim::Entry& entry);

  void connect(World& world) override;
  void initialise(World& world, const sim::LiveParameters& live) override;
  void decide(World& world) override { (void)world; }
  void act_field_agents(World& world) override;
  void resolve(World& world) override;
  void check_accounts(std::vector<std::string>& broken) const override;
  void declare_series(sim::SeriesTable& series) const override;
  void declare_lattices(sim::OutputSchema& schema) const override;
  void snapshot(std::vector<sim::VariableData>& out) const override;
  std::size_t lattice_cells() const override;
  std::uint64_t field_agents() const override;

  std::int64_t active_people() const;
  std::int64_t active_people_in(std::size_t region) const;
  // People protesting within reach of an armed group's offices (what its gunmen see).
  std::int64_t active_people_near(std::size_t faction) const;
  // A region drawn in proportion to the people protesting there (the fallback when nobody does).
  std::size_t busiest_region(sim::RandomStream& pick, std::size_t fallback) const;

 private:
  ProtestParams p_;
  LatticeRules rules_;
  std::vector<std::size_t> region_of_;  // the region of each lattice
  std::vector<std::string> region_names_;
  std::vector<std::unique_ptr<ProtestLattice>> lattices_;
  std::vector<std::int64_t> lattice_of_region_;  // −1 where the movement does not mobilise
  std::vector<double> population_;
  std::vector<ArmedGroup*> groups_;
  Government* government_ = nullptr;
  const World* world_ = nullptr;
  std::vector<std::int64_t> killed_today_, wounded_today_, arrested_today_;
};

}  // namespace confsim::agents::conflict
