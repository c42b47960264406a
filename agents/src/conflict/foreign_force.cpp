#include "foreign_force.hpp"

#include <algorithm>
#include <numeric>

#include "armed_group.hpp"
#include "confsim/sim/distributions.hpp"
#include "government.hpp"
#include "params.hpp"

namespace confsim::agents::conflict {
namespace {

// Fixed modelling choices, each an assumption with its reason (docs/conflict-model.md lists them).
namespace assumed {
constexpr double kHostDeathsPressureFactor = 2;  // a strike that kills host nationals weighs twice on withdrawal pressure
constexpr double kCollateralExtraMean = 2;       // collateral kills 1 + Poisson(2) host personnel
constexpr std::size_t kRecentDays = 30;          // the attacks that speed base closures
}  // namespace assumed

const sim::ParamTable<ForeignForceParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<ForeignForceParams> t;
    using P = ForeignForceParams;
    t.add(reference("host", "actors", {"government"}, "The government of the country it is stationed in."), &P::host);
    t.add(label("target_label",
                "How events name what belongs to it: LABEL_forces, LABEL_embassy, LABEL_convoy, and the series "
                "attacks_on_LABEL."),
          &P::target_label);
    t.add(people("troops", "Troops at the start."), &P::troops);
    t.add(real("troop_target", "people", 0, 1e9, "Troop level its government intends (a drawdown lowers it).", true),
          &P::troop_target);
    t.add(share("drawdown_signal", "How strongly it has signalled leaving (0: staying, 1: leaving).", true),
          &P::drawdown_signal);
    t.add(share("pressure_on_host",
                "How hard its government presses the host to act against the groups attacking it.", true),
          &P::pressure_on_host);
    t.add(real("withdrawal_per_day", "people per day", 0, 1e6, "Troops withdrawn a day while above the target."),
          &P::withdrawal_per_day);
    {
      auto bases = real("bases", "bases", 0, 1000, "Bases at the start in each region it holds any.");
      bases.keyed_by = "regions";
      t.add(bases, &P::bases);
    }
    t.add(real("min_bases", "bases", 0, 1000, "Bases its consolidation plan keeps in all."), &P::min_bases);
    t.add(rate("base_closure_rate", "Base closures a day at full withdrawal pressure."), &P::base_closure_rate);
    t.add(gain("attack_sensitivity", "How much each attack on it in the last 30 days speeds base closures."),
          &P::attack_sensitivity);
    t.add(share("personnel_death_probability", "Chance that an attack on its forces or embassy kills personnel."),
          &P::personnel_death_probability);
    t.add(share("retaliation_probability", "Chance of a retaliation strike after an attack killed its personnel."),
          &P::retaliation_probability);
    t.add(share("collateral_probability", "Chance that a retaliation strike also kills host security personnel."),
          &P::collateral_probability);
    t.add(people("strike_fighters_killed", "Mean fighters a retaliation strike kills."), &P::strike_fighters_killed);
    t.add(share("strike_withdrawal_pressure", "Host pressure for its withdrawal added by a strike on the host's soil."),
          &P::strike_withdrawal_pressure);
    t.add(days("withdrawal_pressure_half_life_days", "Half-life of the host's pressure for its withdrawal."),
          &P::withdrawal_pressure_half_life);
    t.add(share("collateral_legitimacy_cost",
                "Host government legitimacy lost everywhere when one of its strikes kills host personnel."),
          &P::collateral_legitimacy_cost);
    t.add(reference("embassy_region", "regions", {}, "Where its embassy stands (none: no embassy to attack).", true),
          &P::embassy_region);
    t.add(references("supply_routes", "regions",
                     "Regions its supply convoys cross (none: no convoys to attack); bombs on them are placed there."),
          &P::supply_routes);
    t.add({.key = "convoy_bystander",
           .type = sim::ValueType::text,
           .description = "The target class of other convoys on its routes that bombs meant for it hit (none: only "
                          "its own).",
           .optional = true},
          &P::convoy_bystander);
    t.add(share("convoy_bystander_share", "Share of bombs on its routes that hit those other convoys."),
          &P::convoy_bystander_share);
    t.add(share("convoy_host_death_probability",
                "Chance that a bomb on its convoys kills a host national driving or guarding them."),
          &P::convoy_host_death_probability);
    return t;
  }();
  return bound;
}

}  // namespace

ComponentKind ForeignForce::kind() {
  ComponentKind k;
  k.name = "foreign_force";
  k.description =
      "A foreign force stationed in the host country (any number). Troops move towards troop_target; a base "
      "closes with probability base_closure_rate · withdrawal pressure · (1 + attack_sensitivity · attacks in "
      "the last 30 days), in a region drawn in proportion to its bases, until min_bases remain. When attacks "
      "kill its personnel it retaliates against the group it blames; each strike on the host's soil (scheduled "
      "or decided) raises the host's pressure for its withdrawal, twice as much when it kills host nationals, "
      "and then costs the host government legitimacy.";
  k.stage = 1;
  k.params = table().specs();
  k.vocabulary = [](const sim::Scenario& s, const sim::Entry& e, VocabularyBuilder& v) {
    const std::string prefix = "actors." + e.name + ".";
    const std::string label = s.word(prefix + "target_label");
    v.actor(e.name, ActorType::external_other);
    v.target(forces_name(label), ActorType::external_other);
    if (s.has(prefix + "embassy_region")) v.target(embassy_name(label), ActorType::external_other);
    if (s.has(prefix + "supply_routes") && !s.names(prefix + "supply_routes").empty()) {
      v.target(convoy_name(label), ActorType::external_other);
      if (s.has(prefix + "convoy_bystander")) v.target(s.word(prefix + "convoy_bystander"), ActorType::external_other);
    }
    v.target(target_class::armed_group, ActorType::political_militias, true);
    for (EventKind kind : {EventKind::rocket_attack, EventKind::ied_attack, EventKind::drone_attack,
                           EventKind::retaliation_strike, EventKind::base_closed, EventKind::march})
      v.kind(kind);
  };
  k.check = [](const sim::Scenario& s, const sim::Entry& e) {
    std::vector<sim::Diagnostic> problems;
    const std::string prefix = "actors." + e.name + ".";
    double bases = 0;
    for (const auto& [region, p] : s.keyed(prefix + "bases")) bases += std::get<double>(p->value);
    if (s.real(prefix + "min_bases") > bases)
      problems.push_back({s.parameter(prefix + "min_bases").where, prefix + "min_bases",
                          "min_bases exceeds the bases it holds at the start (" + std::to_string(bases) + ")"});
    return problems;
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<ForeignForce>(s, e); };
  return k;
}

ForeignForce::ForeignForce(const sim::Scenario& scenario, const sim::Entry& entry) : Component(entry.name) {
  table().read(scenario, "actors." + entry.name, p_);
}

void ForeignForce::initialise(World& world, const sim::LiveParameters& live) {
  table().bind(live, "actors." + name(), p_);
  bases_.assign(world.regions().size(), 0.0);
  for (const auto& [region, count] : p_.bases) bases_[world.region(region)] = count;
  initial_bases_ = total_bases();
  troops_ = p_.troops;
  if (!p_.embassy_region.empty()) embassy_region_ = static_cast<std::int64_t>(world.region(p_.embassy_region));
  for (const auto& r : p_.supply_routes) routes_.push_back(world.region(r));
  forces_target_ = world.target(forces_name(p_.target_label));
  if (has_embassy()) embassy_target_ = world.target(embassy_name(p_.target_label));
  if (!routes_.empty()) convoy_target_ = world.target(convoy_name(p_.target_label));
  if (!routes_.empty() && !p_.convoy_bystander.empty()) bystander_target_ = world.target(p_.convoy_bystander);
  leadership_strike_ = world.kind_code(EventKind::leadership_strike);
  groups_ = world.all<ArmedGroup>();
  pending_deaths_.assign(groups_.size(), 0);
  for (Government* g : world.all<Government>())
    if (g->name() == p_.host) host_ = g;
}

double ForeignForce::total_bases() const { return std::accumulate(bases_.begin(), bases_.end(), 0.0); }

void ForeignForce::attacked(const ArmedGroup& attributed_to, std::int64_t personnel_killed) {
  ++attacks_today_;
  pending_deaths_[attributed_to.faction_index()] += personnel_killed;
}

void ForeignForce::add_withdrawal_pressure(double amount) {
  withdrawal_pressure_ = std::min(1.0, withdrawal_pressure_ + amount);
}

void ForeignForce::strike_on_host_soil(World& world, bool host_personnel_killed) {
  add_withdrawal_pressure(p_.strike_withdrawal_pressure *
                          (host_personnel_killed ? assumed::kHostDeathsPressureFactor : 1.0));
  if (host_personnel_killed) world.shift_legitimacy_everywhere(-p_.collateral_legitimacy_cost);
}

void ForeignForce::react(World& world, const sim::EventRecord& action) {
  // A scheduled strike of its own (a leadership strike) weighs as any strike on the host's soil.
  if (action.kind == leadership_strike_ && action.actor == world.actor(name()))
    strike_on_host_soil(world, action.killed > 0);
}

void ForeignForce::decide(World& world) {
  sim::RandomStream draw = world.stream(stream_key(), sim::Purpose::faction_action);
  sim::RandomStream where = world.stream(stream_key(), sim::Purpose::faction_target);
  attacks_by_day_.push_back(attacks_today_);
  if (attacks_by_day_.size() > assumed::kRecentDays) attacks_by_day_.pop_front();
  attacks_today_ = 0;
  if (troops_ > p_.troop_target) troops_ = std::max(static_cast<double>(p_.troop_target), troops_ - p_.withdrawal_per_day);
  const double recent = static_cast<double>(std::accumulate(attacks_by_day_.begin(), attacks_by_day_.end(), std::int64_t{0}));
  const double closure = p_.base_closure_rate * withdrawal_pressure_ * (1.0 + p_.attack_sensitivity * recent);
  const double bases = total_bases();
  if (bases - 1 >= p_.min_bases && sim::draw_bernoulli_capped(draw, closure, "the base closure rate")) {
    double pick = sim::draw_uniform(where, 0.0, bases, "the bases held");
    for (std::size_t r = 0; r < bases_.size(); ++r) {
      if (bases_[r] <= 0 || (pick -= bases_[r]) > 0) continue;
      bases_[r] -= 1;
      world.emit(EventKind::base_closed, world.actor(name()), forces_target_, static_cast<std::int32_t>(r));
      break;
    }
  }
  withdrawal_pressure_ *= decay_per_tick(p_.withdrawal_pressure_half_life);
  for (std::size_t m = 0; m < groups_.size(); ++m) {
    if (pending_deaths_[m] == 0) continue;
    pending_deaths_[m] = 0;
    if (!sim::draw_bernoulli(draw, p_.retaliation_probability, "retaliation_probability")) continue;
    ArmedGroup& g = *groups_[m];
    const auto fighters_killed =
        std::min<std::int64_t>(static_cast<std::int64_t>(g.fighters()),
                               sim::draw_poisson(draw, p_.strike_fighters_killed, "strike_fighters_killed"));
    std::int64_t host_personnel = 0;
    if (sim::draw_bernoulli(draw, p_.collateral_probability, "collateral_probability"))
      host_personnel = 1 + sim::draw_poisson(draw, assumed::kCollateralExtraMean, "host personnel killed");
    world.emit(EventKind::retaliation_strike, world.actor(name()), world.target(target_class::armed_group),
               static_cast<std::int32_t>(g.home_region()), fighters_killed + host_personnel, 0, 0,
               world.actor(g.name()));
    strike_on_host_soil(world, host_personnel > 0);
    g.struck(world, *this, fighters_killed);
  }
}

void ForeignForce::check_accounts(std::vector<std::string>& broken) const {
  if (!(troops_ >= 0)) broken.push_back("troops are " + std::to_string(troops_));
  for (double b : bases_)
    if (!(b >= 0)) broken.push_back("a region holds " + std::to_string(b) + " bases");
  if (total_bases() > initial_bases_) broken.push_back("it holds more bases than it started with");
}

void ForeignForce::declare_series(sim::SeriesTable& series) const {
  series.add_scalar(name() + "_troops", "troops of " + name() + " in the country", "people", [this] { return troops_; });
  series.add_scalar(name() + "_bases", "bases " + name() + " holds", "1", [this] { return total_bases(); });
  series.add_along("region", bases_.size(), name() + "_bases_by_region", "bases " + name() + " holds in each region",
                   "1", [this](std::size_t r) { return bases_[r]; });
  series.add_scalar("attacks_on_" + p_.target_label, "attacks on " + name() + "'s forces, embassy and convoys that day",
                    "1", [this] { return static_cast<double>(attacks_today_); });
  series.add_scalar(name() + "_withdrawal_pressure", "the host's political pressure for the withdrawal of " + name(),
                    "1", [this] { return withdrawal_pressure_; });
}

}  // namespace confsim::agents::conflict
