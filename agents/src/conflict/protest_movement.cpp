#include "protest_movement.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "armed_group.hpp"
#include "confsim/sim/distributions.hpp"
#include "government.hpp"
#include "params.hpp"

namespace confsim::agents::conflict {
namespace {

const sim::ParamTable<ProtestParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<ProtestParams> t;
    using P = ProtestParams;
    t.add(references("regions", "regions", "The regions where it mobilises, each on a lattice of its own (none given: every region)."),
          &P::regions);
    sim::ParamSpec density =
        share("density", "Share of each lattice's cells holding a protester group (the lattice is sized to fit).");
    density.min_exclusive = true;  // no groups on an endless lattice
    t.add(std::move(density), &P::density);
    t.add(real("vision", "cells", 1, 50,
               "Radius of a protester group's (Euclidean) window for counting security units and other protesters."),
          &P::vision);
    t.add(share("threshold", "Activation threshold T."), &P::threshold);
    t.add(share("hardship_spread", "Half-width of the uniform spread of H around the region's mean."),
          &P::hardship_spread);
    t.add(real("arrest_constant", "1", 0, 100,
               "k in P = 1 − exp(−k·C/A), C security units and A active protester groups in the window."),
          &P::arrest_constant);
    t.add(share("assembly_cost", "Extra cost of gathering added to T (curfews, epidemic lockdowns).", true),
          &P::assembly_cost);
    return t;
  }();
  return bound;
}

// What stands on a lattice cell in the run file's snapshots.
const std::vector<std::pair<int, std::string>>& cell_codes() {
  static const std::vector<std::pair<int, std::string>> codes = {
      {empty_cell, "empty"},  {quiet, "quiet"}, {protesting, "protesting"},
      {detained, "detained"}, {dead, "dead"},   {unit_cell, "security_unit"}};
  return codes;
}

constexpr std::size_t kMaxGunmenGroups = 126;  // who struck a protester group is kept in a byte

}  // namespace

ComponentKind ProtestMovement::kind() {
  ComponentKind k;
  k.name = "protest_movement";
  k.description =
      "The protest movement (at most one): a torus per region it mobilises, holding population / "
      "scale.people_per_agent protester groups at the given density. A group with hardship H (uniform around "
      "the region's mean) and risk aversion R protests when H·(1 − L) − R·P > T + assembly_cost, P = 1 − "
      "exp(−k·C/A), L the government's legitimacy there, C the security units and A the protesting groups in "
      "its window. The government's units (units_per_1000_people, redeploying daily within unit_vision) confront "
      "a protesting group with probability 1 − exp(−repression_rate·C/A), with live fire by the day's lethal "
      "share (each person killed with kill_probability, wounded with wound_probability), else arrests "
      "(arrest_share; each person arrested with arrest_probability and held jail_days, during which the "
      "crowd stays home) or dispersal. Gunmen of an armed group whose home is the region and who "
      "fire that day hit every protesting group within reach of its positions (the disk holding "
      "office_reach_people). Each killing costs the "
      "government killing_legitimacy_cost per 100,000 inhabitants there.";
  k.stage = 5;
  k.max_count = 1;
  k.params = table().specs();
  k.vocabulary = [](const sim::Scenario&, const sim::Entry& e, VocabularyBuilder& v) {
    v.actor(e.name, ActorType::protesters);
    v.target(target_class::protesters, ActorType::protesters, true);
    v.kind(EventKind::protester_killed);
    v.kind(EventKind::arrest);
    v.kind(EventKind::peaceful_protest);
    v.kind(EventKind::protest_with_intervention);
    v.kind(EventKind::protest_with_excessive_force);
  };
  k.check = [](const sim::Scenario& s, const sim::Entry& e) {
    std::vector<sim::Diagnostic> problems;
    bool government = false;
    for (const auto& a : s.entries("actors")) government = government || a.kind == "government";
    if (!government)
      problems.push_back({e.where, "actors." + e.name,
                          "a protest movement needs a government (its security forces police the protests)"});
    if (!problems.empty()) return problems;
    for (const auto& [region, side] : lattice_sides(s, e))
      if (side * side > kMaxLatticeCells) {
        const std::string density = "actors." + e.name + ".density";
        problems.push_back({s.parameter(density).where, density,
                            "the lattice of " + region + " would need " + sim::number_text(side * side) +
                                " cells, more than the " + sim::number_text(kMaxLatticeCells) +
                                " a lattice can index (its groups at this density, "
                                "or the gunmen's reach, office_reach_people, at this scale); raise the density or "
                                "scale.people_per_agent"});
        break;
      }
    return problems;
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<ProtestMovement>(s, e); };
  return k;
}

LatticeRules ProtestMovement::scenario_rules(const sim::Scenario& scenario, const std::string& name) {
  ProtestParams p;
  table().read(scenario, "actors." + name, p);
  LatticeRules rules;
  rules.people_per_agent = scenario.real("scale.people_per_agent");
  rules.density = p.density;
  rules.vision = p.vision;
  rules.threshold = p.threshold;
  rules.hardship_spread = p.hardship_spread;
  rules.arrest_constant = p.arrest_constant;
  for (const auto& a : scenario.entries("actors"))
    if (a.kind == "government") {
      rules.unit_vision = scenario.real("actors." + a.name + ".unit_vision");
      break;
    }
  if (scenario.has(std::string(ArmedGroupRules::kSection) + ".office_reach_people")) {
    const ArmedGroupRules groups = ArmedGroupRules::from(scenario);
    // The disk of cells that holds that many people at this scale and density.
    constexpr double kPi = 3.141592653589793;
    rules.office_reach =
        std::max(1.0, std::sqrt(groups.office_reach_people / (rules.people_per_agent * rules.density * kPi)));
    rules.gunfire_kill_probability = groups.gunfire_kill_probability;
  }
  return rules;
}

std::vector<std::pair<std::string, double>> ProtestMovement::lattice_sides(const sim::Scenario& scenario,
                                                                         const sim::Entry& entry) {
  const LatticeRules rules = scenario_rules(scenario, entry.name);
  const std::string covered_key = "actors." + entry.name + ".regions";
  const sim::Names* covered = scenario.has(covered_key) ? &scenario.names(covered_key) : nullptr;
  std::vector<std::pair<std::string, double>> sides;
  for (const auto& r : scenario.entries("regions"))
    if (!covered || covered->empty() || std::find(covered->begin(), covered->end(), r.name) != covered->end())
      sides.emplace_back(r.name, lattice_side(scenario.real("regions." + r.name + ".population"), rules));
  return sides;
}

ProtestMovement::ProtestMovement(const sim::Scenario& scenario, const sim::Entry& entry)
    : Component(entry.name), rules_(scenario_rules(scenario, entry.name)) {
  table().read(scenario, "actors." + entry.name, p_);
}

void ProtestMovement::connect(World& world) {
  world_ = &world;
  government_ = world.first<Government>();
  if (!government_) throw std::logic_error("a protest movement needs a government");
  const GovernmentParams& g = government_->params();
  rules_.units_per_1000 = g.units_per_1000_people;
  rules_.repression_rate = g.repression_rate;
  rules_.kill_probability = g.kill_probability;
  rules_.wound_probability = g.wound_probability;
  rules_.arrest_share = g.arrest_share;
  rules_.arrest_probability = g.arrest_probability;
  rules_.jail_days = g.jail_days;
  groups_ = world.all<ArmedGroup>();
  if (groups_.size() > kMaxGunmenGroups)
    throw std::logic_error("at most 126 armed groups, front groups included, can have gunmen on a protest lattice");
  lattice_of_region_.assign(world.regions().size(), -1);
  for (std::size_t r = 0; r < world.regions().size(); ++r) {
    const Region& region = world.regions()[r];
    population_.push_back(region.population);
    if (!p_.regions.empty() && std::find(p_.regions.begin(), p_.regions.end(), region.name) == p_.regions.end())
      continue;
    lattice_of_region_[r] = static_cast<std::int64_t>(lattices_.size());
    region_of_.push_back(r);
    region_names_.push_back(region.name);
    lattices_.push_back(std::make_unique<ProtestLattice>(conflict::stream_key(region.name), region.population,
                                                         region.hardship, rules_, world.seed(), groups_.size()));
  }
}

void ProtestMovement::initialise(World& world, const sim::LiveParameters& live) {
  table().bind(live, "actors." + name(), p_);
  for (std::size_t l = 0; l < lattices_.size(); ++l) {
    std::vector<std::size_t> here;
    for (std::size_t m = 0; m < groups_.size(); ++m) {
      const ArmedGroup& g = *groups_[m];
      if (!g.is_front() && g.home_region() == region_of_[l] && g.anti_protest() > 0 && g.attacks("protesters"))
        here.insert(here.end(), static_cast<std::size_t>(g.offices()), m);  // one entry per position
    }
    lattices_[l]->place_offices(here);
  }
  const std::size_t regions = world.regions().size();
  killed_today_.assign(regions, 0);
  wounded_today_.assign(regions, 0);
  arrested_today_.assign(regions, 0);
}

void ProtestMovement::act_field_agents(World& world) {
  FieldOrders orders;
  orders.lethal_share = government_->lethal_share();
  orders.assembly_cost = p_.assembly_cost;
  orders.group_fires.resize(groups_.size());
  for (std::size_t m = 0; m < groups_.size(); ++m) orders.group_fires[m] = groups_[m]->fires_today();
  for (std::size_t l = 0; l < lattices_.size(); ++l) {
    orders.legitimacy = world.legitimacy(region_of_[l]);
    lattices_[l]->act(world.tick(), orders);
  }
}

void ProtestMovement::resolve(World& world) {
  std::fill(killed_today_.begin(), killed_today_.end(), 0);
  std::fill(wounded_today_.begin(), wounded_today_.end(), 0);
  std::fill(arrested_today_.begin(), arrested_today_.end(), 0);
  const double killing_cost = government_->params().killing_legitimacy_cost;
  const std::int32_t protesters = world.target(target_class::protesters);
  for (std::size_t l = 0; l < lattices_.size(); ++l) {
    const std::size_t r = region_of_[l];
    const std::int64_t crowd = lattices_[l]->active_people();
    const Casualties day = lattices_[l]->resolve();
    std::int64_t killed = 0, wounded = 0, arrested = 0;
    for (std::size_t a = 0; a < day.killed.size(); ++a) {
      killed += day.killed[a];
      wounded += day.wounded[a];
      arrested += day.arrested[a];
      killed_today_[r] += day.killed[a];
      wounded_today_[r] += day.wounded[a];
      arrested_today_[r] += day.arrested[a];
      const std::int32_t actor = a == 0 ? government_->forces_actor() : world.actor(groups_[a - 1]->name());
      if (day.killed[a] + day.wounded[a] > 0)
        world.emit(EventKind::protester_killed, actor, protesters, static_cast<std::int32_t>(r), day.killed[a],
                   day.wounded[a]);
      if (day.arrested[a] > 0)
        world.emit(EventKind::arrest, actor, protesters, static_cast<std::int32_t>(r), 0, 0, day.arrested[a]);
      if (a > 0) groups_[a - 1]->protesters_killed(day.killed[a]);
    }
    if (crowd > 0) {
      const EventKind outcome = killed + wounded > 0 ? EventKind::protest_with_excessive_force
                                : arrested > 0       ? EventKind::protest_with_intervention
                                                     : EventKind::peaceful_protest;
      world.emit(outcome, world.actor(name()), world.target(government_->name()), static_cast<std::int32_t>(r), 0, 0,
                 0, sim::kNoActor, crowd);
    }
    // Every killing the state commits or tolerates costs it legitimacy where it happens.
    world.shift_legitimacy(r, -killing_cost * static_cast<double>(killed) / (population_[r] / 1e5));
  }
}

void ProtestMovement::check_accounts(std::vector<std::string>& broken) const {
  for (std::size_t l = 0; l < lattices_.size(); ++l) {
    std::vector<std::string> own;
    lattices_[l]->check_accounts(own);
    for (auto& line : own) broken.push_back("the lattice of " + region_names_[l] + ": " + line);
  }
}

std::int64_t ProtestMovement::active_people() const {
  std::int64_t n = 0;
  for (const auto& l : lattices_) n += l->active_people();
  return n;
}

std::int64_t ProtestMovement::active_people_in(std::size_t region) const {
  const std::int64_t l = lattice_of_region_[region];
  return l < 0 ? 0 : lattices_[static_cast<std::size_t>(l)]->active_people();
}

std::int64_t ProtestMovement::active_people_near(std::size_t faction) const {
  std::int64_t n = 0;
  for (const auto& l : lattices_) n += l->active_people_near(faction);
  return n;
}

std::size_t ProtestMovement::busiest_region(sim::RandomStream& pick, std::size_t fallback) const {
  const auto total = static_cast<double>(active_people());
  if (total <= 0) return fallback;
  double x = sim::draw_uniform(pick, 0.0, total, "the people protesting");
  for (std::size_t l = 0; l < lattices_.size(); ++l)
    if ((x -= static_cast<double>(lattices_[l]->active_people())) <= 0) return region_of_[l];
  return region_of_.back();
}

void ProtestMovement::declare_series(sim::SeriesTable& series) const {
  const std::size_t regions = lattice_of_region_.size();
  const auto per_region = [&](const char* name, const char* long_name, const std::vector<std::int64_t>& values) {
    series.add_along("region", regions, name, long_name, "people",
                     [&values](std::size_t r) { return static_cast<double>(values[r]); });
  };
  series.add_along("region", regions, "active_protesters", "people protesting", "people",
                   [this](std::size_t r) { return static_cast<double>(active_people_in(r)); });
  per_region("protesters_killed", "protesters killed that day (security forces and gunmen)", killed_today_);
  per_region("protesters_wounded", "protesters wounded that day", wounded_today_);
  per_region("protesters_arrested", "protesters arrested that day", arrested_today_);
  series.add_along("region", regions, "mean_grievance", "mean grievance H(1 - L) of free protester groups", "1",
                   [this](std::size_t r) {
                     const std::int64_t l = lattice_of_region_[r];
                     return l < 0 ? 0.0 : lattices_[static_cast<std::size_t>(l)]->mean_grievance(world_->legitimacy(r));
                   });
}

void ProtestMovement::declare_lattices(sim::OutputSchema& schema) const {
  for (std::size_t l = 0; l < lattices_.size(); ++l) {
    const std::string& name = region_names_[l];
    schema.dimensions.push_back({"x_" + name, "lattice column in " + name, lattices_[l]->width(), {}});
    schema.dimensions.push_back({"y_" + name, "lattice row in " + name, lattices_[l]->height(), {}});
    schema.snapshots.push_back({"cell_state_" + name, "what stands on each cell of the " + name + " lattice", "1",
                                {"y_" + name, "x_" + name}, sim::StorageType::int8, cell_codes()});
  }
}

void ProtestMovement::snapshot(std::vector<sim::VariableData>& out) const {
  for (const auto& l : lattices_) out.emplace_back(l->cell_states());
}

std::size_t ProtestMovement::lattice_cells() const {
  std::size_t n = 0;
  for (const auto& l : lattices_) n += static_cast<std::size_t>(l->width()) * l->height();
  return n;
}

std::uint64_t ProtestMovement::field_agents() const {
  std::uint64_t n = 0;
  for (const auto& l : lattices_) n += l->protesters() + l->units();
  return n;
}

}  // namespace confsim::agents::conflict
