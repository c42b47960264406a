// The Iraq model's factions and how the engine's phases drive them. Factions decide serially in a
// fixed order (sponsor, coalition, government, armed groups) from keyed streams; the protest
// lattices act in parallel on the day's orders. docs/iraq.md gives every rule with its source.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "confsim/agents/iraq.hpp"
#include "confsim/sim/distributions.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/scenario.hpp"
#include "iraq_protest.hpp"

namespace confsim::agents::iraq {

// Fixed modelling choices the scenario does not expose: each is an assumption, with its reason.
// docs/iraq.md lists them; changing one changes every result recorded before.
namespace assumed {
// Political protection: the "sacrificial lamb" (004) lacks PMF status, seats and force.
constexpr double kPmfShield = 0.5;    // formal status shields half as much as a pivotal bloc of seats
constexpr double kSeatShield = 2.0;   // half the seats of militia-aligned parties shield fully
constexpr double kForceShield = 0.5;  // a large force shields half
constexpr double kForceScale = 5000;  // fighters at which the force shield is half its largest
constexpr double kCapacityCap = 1.5;  // funding beyond 150% of a group's normal adds nothing
// Choice of weapon and target among attacks on US interests.
constexpr double kRocketFloor = 0.2;        // rockets stay in use with few bases (the embassy, Erbil airport: 002)
constexpr double kIedFloor = 0.1;           // convoys are on the roads before consolidation too
constexpr double kDroneFloor = 0.02;        // drones are rare where attribution does not matter
constexpr double kEmbassyShare = 0.3;       // rockets and drones aimed at the embassy rather than a base
constexpr double kExtraUsDeathsMean = 0.5;  // a fatal attack kills 1 + Poisson(0.5)
constexpr double kConvoyIraqiDeathProbability =
    0.2;  // 000: the convoy bomb "killed one Iraqi security forces personnel"
// US strikes.
constexpr double kCollateralExtraMean = 2;        // collateral kills 1 + Poisson(2) (001: three in March)
constexpr double kIraqiDeathsPressureFactor = 2;  // a strike that kills Iraqis weighs twice on withdrawal pressure
// Intimidation, arrests and threats.
constexpr double kIntimidationFloor = 0.1;         // media and offices are attacked a little without pressure
constexpr double kAssassinationShare = 0.5;        // activists killed rather than abducted
constexpr double kOfficeAttackersExtraMean = 2;    // 003: "arrested some of the attackers": 1 + Poisson(2)
constexpr double kAntiCorruptionExtraMean = 1;     // officials arrested at once: 1 + Poisson(1)
constexpr double kRaidBlameKept = 0.5;             // a raid answers half of the US blame on its target
constexpr double kFrontGroupExtraMilitancy = 0.2;  // 002: "more enraged than the previous groups"
// The Islamic State (004: rural Sunni areas; the documents give no counts).
constexpr double kInsurgentOnSecurityForces = 0.6, kInsurgentOnCivilians = 0.2;  // the rest hit militia patrols
constexpr double kInsurgentKilledMean = 1.5, kInsurgentWoundedMean = 2.0;
constexpr double kReprisalExtraKilledMean = 3.0;  // 003: eight members of a family near Balad: 1 + Poisson(3)
}  // namespace assumed

double decay_per_tick(double half_life) { return std::exp2(-1.0 / half_life); }

double political_protection(bool pmf_member, double seats, double total_seats, double fighters,
                            double bloc_dependence) {
  // Formal PMF status, seats the government's majority needs, and the force a confrontation would
  // meet each shield a group; a fringe group with none of them is the "sacrificial lamb" (004).
  const double seat_share = total_seats > 0 ? seats / total_seats : 0.0;
  const double force = fighters / (fighters + assumed::kForceScale);
  return bloc_dependence * std::min(1.0, (pmf_member ? assumed::kPmfShield : 0.0) + assumed::kSeatShield * seat_share +
                                             assumed::kForceShield * force);
}

double release_probability(double threat_pressure, double bloc_dependence, double militia_strength) {
  return 1.0 - std::exp(-threat_pressure * bloc_dependence * militia_strength);
}

Parameters Parameters::from(const sim::Scenario& s) {
  Parameters p;
  const auto r = [&](const std::string& path) { return s.real(path); };
  p.people_per_agent = r("scale.people_per_agent");
  for (const auto& name : region_names()) {
    const std::string base = "regions." + name + ".";
    p.regions.push_back({r(base + "population"), r(base + "legitimacy"), r(base + "hardship")});
  }
  for (const auto& name : militia_names()) {
    const std::string base = "militias." + name + ".";
    const auto& regions = region_names();
    const auto home = std::find(regions.begin(), regions.end(), s.word(base + "home_region")) - regions.begin();
    p.militias.push_back({r(base + "fighters"), s.flag(base + "pmf_member"), r(base + "seats"),
                          r(base + "iran_alignment"), r(base + "militancy"), r(base + "anti_protest"),
                          s.flag(base + "insurgent"), static_cast<std::size_t>(home)});
  }
  p.max_front_groups = static_cast<std::size_t>(s.integer("militia_rules.max_front_groups"));
  p.protest_density = r("protest.density");
  p.protest_vision = r("protest.vision");
  p.threshold = r("protest.threshold");
  p.hardship_spread = r("protest.hardship_spread");
  p.arrest_constant = r("protest.arrest_constant");
  p.killing_legitimacy_cost = r("protest.killing_legitimacy_cost");
  p.legitimacy_recovery = r("protest.legitimacy_recovery");
  p.units_per_1000 = r("security_forces.units_per_1000_people");
  p.unit_vision = r("security_forces.vision");
  p.repression_rate = r("security_forces.repression_rate");
  p.kill_probability = r("security_forces.kill_probability");
  p.wound_probability = r("security_forces.wound_probability");
  p.arrest_share = r("security_forces.arrest_share");
  p.jail_days = s.integer("security_forces.jail_days");
  const auto m = [&](const char* key) { return r(std::string("militia_rules.") + key); };
  p.pmf_budget_per_year = m("pmf_budget_usd_per_year");
  p.pmf_fighters = m("pmf_fighters");
  p.us_attack_rate = m("us_attack_rate");
  p.directive_gain = m("directive_gain");
  p.revenge_gain = m("revenge_gain");
  p.revenge_half_life = m("revenge_half_life_days");
  p.drawdown_emboldenment = m("drawdown_emboldenment");
  p.squeeze_retaliation_gain = m("squeeze_retaliation_gain");
  p.raid_disruption = m("raid_disruption");
  p.disruption_half_life = m("disruption_half_life_days");
  p.drone_attribution_weight = m("drone_attribution_weight");
  p.convoy_exposure_gain = m("convoy_exposure_gain");
  p.un_target_share = m("un_target_share");
  p.media_attack_rate = m("media_attack_rate");
  p.party_office_attack_rate = m("party_office_attack_rate");
  p.activist_attack_rate = m("activist_attack_rate");
  p.protest_fire_rate = m("protest_fire_rate");
  p.gunfire_kill_probability = m("gunfire_kill_probability");
  p.office_reach = m("office_reach");
  p.threat_rate = m("threat_rate");
  p.threat_learning = m("threat_learning");
  p.front_group_rate = m("front_group_rate");
  p.front_group_share = m("front_group_share");
  p.march_probability = m("march_probability");
  p.election_grievance_gain = m("election_grievance_gain");
  p.pm_attack_rate = m("pm_attack_rate");
  p.grievance_half_life = m("grievance_half_life_days");
  p.insurgent_attack_rate = m("insurgent_attack_rate");
  p.insurgent_capacity_gain = m("insurgent_capacity_gain");
  p.reprisal_probability = m("reprisal_probability");
  p.funding_response_days = m("funding_response_days");
  const auto g = [&](const char* key) { return r(std::string("government.") + key); };
  p.raid_rate = g("raid_rate");
  p.raid_detainees_mean = g("raid_detainees_mean");
  p.raid_cooldown_days = s.integer("government.raid_cooldown_days");
  p.raid_pressure_half_life = g("raid_pressure_half_life_days");
  p.release_pressure_gain = g("release_pressure_gain");
  p.protection_weight = g("protection_weight");
  p.raid_legitimacy_gain = g("raid_legitimacy_gain");
  p.release_legitimacy_cost = g("release_legitimacy_cost");
  p.posture_half_saturation = g("posture_half_saturation");
  p.office_attack_arrest_probability = g("office_attack_arrest_probability");
  p.anti_corruption_rate = g("anti_corruption_rate");
  p.release_deterrence = g("release_deterrence");
  p.attack_weight = g("attack_weight");
  p.resolve_recovery_half_life = g("resolve_recovery_half_life_days");
  const auto c = [&](const char* key) { return r(std::string("coalition.") + key); };
  p.initial_troops = c("troops");
  p.initial_bases = c("bases");
  p.min_bases = c("min_bases");
  p.withdrawal_per_day = c("withdrawal_per_day");
  p.base_closure_rate = c("base_closure_rate");
  p.attack_sensitivity = c("attack_sensitivity");
  p.us_death_probability = c("us_death_probability");
  p.retaliation_probability = c("retaliation_probability");
  p.collateral_probability = c("collateral_probability");
  p.strike_fighters_killed = c("strike_fighters_killed");
  p.strike_withdrawal_pressure = c("strike_withdrawal_pressure");
  p.withdrawal_pressure_half_life = c("withdrawal_pressure_half_life_days");
  p.collateral_legitimacy_cost = c("collateral_legitimacy_cost");
  p.coordination_recovery_days = r("irgc.coordination_recovery_days");
  return p;
}

namespace {

using sim::Purpose;
using sim::RandomStream;
using sim::StreamOwner;

// The events table's vocabulary. Codes are indices into these lists.
enum Kind : std::int32_t {
  rocket_attack,
  ied_attack,
  drone_attack,
  media_attack,
  party_office_attack,
  assassination,
  abduction,
  protester_killed,
  raid,
  arrest,
  release,
  retaliation_strike,
  front_group_formed,
  base_closed,
  threat,
  march,
  leadership_strike
};
const std::vector<std::string> kKindNames = {
    "rocket_attack", "ied_attack",         "drone_attack",       "media_attack", "party_office_attack",
    "assassination", "abduction",          "protester_killed",   "raid",         "arrest",
    "release",       "retaliation_strike", "front_group_formed", "base_closed",  "threat",
    "march",         "leadership_strike"};
enum Target : std::int32_t {
  us_forces,
  us_embassy,
  us_convoy,
  un,
  government,
  prime_minister,
  security_forces,
  media,
  party_office,
  activists,
  protesters,
  militia,
  civilians,
  irgc_leadership
};
const std::vector<std::string> kTargetNames = {
    "us_forces", "us_embassy",   "us_convoy", "un",         "government", "prime_minister", "security_forces",
    "media",     "party_office", "activists", "protesters", "militia",    "civilians",      "irgc_leadership"};
// Actors: these, then one per faction.
enum FixedActor : std::int32_t { actor_government, actor_security_forces, actor_coalition, actor_irgc, kFixedActors };
const std::vector<std::string> kFixedActorNames = {"government", "security_forces", "coalition", "irgc"};

// Faction numbers for keyed streams.
constexpr std::uint64_t kCoalitionStream = 1001, kGovernmentStream = 1002;

struct Militia {
  std::string name;
  MilitiaParameters traits;
  bool alive = false;
  std::int64_t parent = -1;  // the group a front group split from
  double fighters = 0, funding = 0, reference_funding = 1, reference_fighters = 1;
  double protest_pressure = 0;   // public pressure for killings of protesters
  double us_blame = 0;           // attacks on US interests it is blamed for
  double interest_pressure = 0;  // state pressure on its money and assets
  double revenge = 0, disruption = 0, threat_pressure = 0, pm_grievance = 0;
  double detained = 0;
  double seats_seen = 0;  // seats at the last tick, to notice an electoral loss
  std::int64_t pending_us_deaths = 0;
};

class IraqModel final : public sim::Model {
 public:
  IraqModel(const sim::Scenario& scenario, std::uint64_t seed) : p_(Parameters::from(scenario)), seed_(seed) {
    for (std::size_t m = 0; m < p_.militias.size(); ++m) factions_.push_back({militia_names()[m], p_.militias[m]});
    for (std::size_t k = 0; k < p_.max_front_groups; ++k)
      factions_.push_back(
          {k < front_group_names().size() ? front_group_names()[k] : "front_group_" + std::to_string(k + 1), {}});
    std::uint64_t protester_ids = 0, unit_ids = 0;
    for (std::size_t r = 0; r < p_.regions.size(); ++r) {
      regions_.push_back(std::make_unique<RegionLattice>(r, p_, seed_, protester_ids, unit_ids, 1 + factions_.size()));
      protester_ids += regions_.back()->protesters();
      unit_ids += regions_.back()->protesters();  // an upper bound on units: ids never collide
    }
  }

  std::size_t lattice_cells() const override {
    std::size_t n = 0;
    for (const auto& r : regions_) n += static_cast<std::size_t>(r->width()) * r->height();
    return n;
  }

  std::uint64_t field_agents() const override {
    std::uint64_t n = 0;
    for (const auto& r : regions_) n += r->protesters() + r->units();
    return n;
  }

  sim::OutputSchema output_schema() const override {
    sim::OutputSchema s;
    std::vector<std::string> faction_labels;
    for (const auto& f : factions_) faction_labels.push_back(f.name);
    s.dimensions = {{"region", "governorate", 0, region_names()}, {"faction", "armed group", 0, faction_labels}};
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      s.dimensions.push_back(
          {"x_" + region_names()[r], "lattice column in " + region_names()[r], regions_[r]->width(), {}});
      s.dimensions.push_back(
          {"y_" + region_names()[r], "lattice row in " + region_names()[r], regions_[r]->height(), {}});
    }
    const auto by_region = [](std::string name, std::string long_name, std::string units) {
      return sim::VariableSpec{std::move(name), std::move(long_name),      std::move(units),
                               {"region"},      sim::StorageType::float64, {}};
    };
    const auto by_faction = [](std::string name, std::string long_name, std::string units) {
      return sim::VariableSpec{std::move(name), std::move(long_name),      std::move(units),
                               {"faction"},     sim::StorageType::float64, {}};
    };
    const auto scalar = [](std::string name, std::string long_name, std::string units) {
      return sim::VariableSpec{
          std::move(name), std::move(long_name), std::move(units), {}, sim::StorageType::float64, {}};
    };
    s.series = {
        by_region("active_protesters", "people protesting", "people"),
        by_region("protesters_killed", "protesters killed that day (security forces and militias)", "people"),
        by_region("protesters_wounded", "protesters wounded that day", "people"),
        by_region("protesters_arrested", "protesters arrested that day", "people"),
        by_region("legitimacy", "government legitimacy L", "1"),
        by_region("mean_grievance", "mean grievance H(1 - L) of free protester groups", "1"),
        by_faction("fighters", "fighters not detained", "people"),
        by_faction("funding", "monthly funding", "USD per month"),
        by_faction("detained_members", "members held by the state", "people"),
        by_faction("faction_active", "1 while the group exists", "1"),
        scalar("national_legitimacy", "government legitimacy averaged over regions, weighted by population", "1"),
        scalar("coalition_troops", "US troops in Iraq", "people"),
        scalar("coalition_bases", "bases the coalition holds", "1"),
        scalar("active_militia_factions", "armed groups in existence, front groups included", "1"),
        scalar("attacks_on_us", "attacks on US interests that day", "1"),
        scalar("lethal_posture", "share of confrontations with protesters that use live fire", "1"),
        scalar("irgc_coordination", "coordination of aligned groups by the IRGC-QF", "1"),
        scalar("withdrawal_pressure", "Iraqi political pressure for US withdrawal", "1"),
    };
    const std::vector<std::pair<int, std::string>> codes = {
        {empty_cell, "empty"},  {quiet, "quiet"}, {protesting, "protesting"},
        {detained, "detained"}, {dead, "dead"},   {unit_cell, "security_unit"}};
    for (const auto& name : region_names())
      s.snapshots.push_back({"cell_state_" + name,
                             "what stands on each cell of the " + name + " lattice",
                             "1",
                             {"y_" + name, "x_" + name},
                             sim::StorageType::int8,
                             codes});
    s.events.kinds = kKindNames;
    s.events.actors = kFixedActorNames;
    s.events.actors.insert(s.events.actors.end(), faction_labels.begin(), faction_labels.end());
    s.events.targets = kTargetNames;
    s.events.regions = region_names();
    s.events.regions.push_back("iraq");
    return s;
  }

  void initialise(const sim::LiveParameters& live) override {
    const auto at = [&](const std::string& path) { return &live.at(path); };
    c_.reform_intent = at("government.reform_intent");
    c_.bloc_dependence = at("government.bloc_dependence");
    c_.repression_propensity = at("government.repression_propensity");
    c_.mission_protection = at("government.mission_protection");
    c_.funding_squeeze = at("government.funding_squeeze");
    c_.dialogue = at("government.dialogue");
    c_.us_pressure = at("government.us_pressure");
    c_.state_capacity = at("government.state_capacity");
    c_.assembly_cost = at("protest.assembly_cost");
    c_.troop_target = at("coalition.troop_target");
    c_.drawdown_signal = at("coalition.drawdown_signal");
    c_.leadership_intact = at("irgc.leadership_intact");
    c_.pressure_directive = at("irgc.pressure_directive");
    c_.irgc_support = at("irgc.support_usd_per_year");
    for (const auto& name : militia_names()) c_.seats.push_back(at("militias." + name + ".seats"));
    for (const auto& name : region_names()) legitimacy_baseline_.push_back(at("regions." + name + ".legitimacy"));
    legitimacy_shock_.assign(regions_.size(), 0.0);
    leadership_seen_ = *c_.leadership_intact;

    for (std::size_t m = 0; m < militia_names().size(); ++m) {
      Militia& f = factions_[m];
      f.alive = true;
      f.fighters = f.reference_fighters = f.traits.fighters;
      f.seats_seen = *c_.seats[m];
    }
    for (std::size_t m = 0; m < militia_names().size(); ++m)
      factions_[m].funding = factions_[m].reference_funding = std::max(1.0, funding_sources(factions_[m]));
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      std::vector<std::size_t> here;
      for (std::size_t m = 0; m < militia_names().size(); ++m)
        if (p_.militias[m].home_region == r && p_.militias[m].anti_protest > 0) here.push_back(m);
      regions_[r]->place_offices(here);
    }
    troops_ = p_.initial_troops;
    bases_ = p_.initial_bases;
    orders_.militia_fires.assign(factions_.size(), false);
  }

  void decide_factions(std::int64_t tick) override {
    tick_ = tick;
    attacks_on_us_today_ = 0;
    sponsor_decides();
    coalition_decides();
    government_decides();
    for (std::size_t m = 0; m < factions_.size(); ++m)
      if (factions_[m].alive) militia_decides(m);
    attacks_on_us_.push_back(attacks_on_us_today_);
  }

  void act_field_agents(std::int64_t tick) override {
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      FieldOrders orders = orders_;
      orders.legitimacy = legitimacy(r);
      orders.assembly_cost = *c_.assembly_cost;
      regions_[r]->act(tick, orders);
    }
  }

  void resolve(std::int64_t) override {
    killed_today_.assign(regions_.size(), 0);
    wounded_today_.assign(regions_.size(), 0);
    arrested_today_.assign(regions_.size(), 0);
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      const Casualties day = regions_[r]->resolve();
      std::int64_t killed = 0;
      for (std::size_t a = 0; a < day.killed.size(); ++a) {
        killed += day.killed[a];
        killed_today_[r] += day.killed[a];
        wounded_today_[r] += day.wounded[a];
        arrested_today_[r] += day.arrested[a];
        const std::int32_t actor = a == 0 ? actor_security_forces : static_cast<std::int32_t>(kFixedActors + a - 1);
        if (day.killed[a] + day.wounded[a] > 0)
          emit(protester_killed, actor, protesters, r, day.killed[a], day.wounded[a], 0);
        if (day.arrested[a] > 0) emit(arrest, actor, protesters, r, 0, 0, day.arrested[a]);
        if (a > 0) factions_[a - 1].protest_pressure += static_cast<double>(day.killed[a]);
      }
      // Every killing the state commits or tolerates costs it legitimacy where it happens.
      legitimacy_shock_[r] -=
          p_.killing_legitimacy_cost * static_cast<double>(killed) / (p_.regions[r].population / 1e5);
    }
    const double keep = 1.0 - p_.legitimacy_recovery;
    for (auto& shock : legitimacy_shock_) shock *= keep;
  }

  void remove_share(const std::string& population, double, std::int64_t) override {
    throw std::logic_error("the Iraq model has no population '" + population + "' to remove");
  }

  void observe(std::vector<double>& series) const override {
    series.clear();
    for (const auto& r : regions_) series.push_back(static_cast<double>(r->active_people()));
    const auto per_region = [&](const std::vector<std::int64_t>& v) {
      for (std::size_t r = 0; r < regions_.size(); ++r) series.push_back(v.empty() ? 0.0 : static_cast<double>(v[r]));
    };
    per_region(killed_today_);
    per_region(wounded_today_);
    per_region(arrested_today_);
    for (std::size_t r = 0; r < regions_.size(); ++r) series.push_back(legitimacy(r));
    for (std::size_t r = 0; r < regions_.size(); ++r) series.push_back(regions_[r]->mean_grievance(legitimacy(r)));
    for (const auto& f : factions_) series.push_back(f.alive ? f.fighters : 0.0);
    for (const auto& f : factions_) series.push_back(f.alive ? f.funding : 0.0);
    for (const auto& f : factions_) series.push_back(f.detained);
    for (const auto& f : factions_) series.push_back(f.alive ? 1.0 : 0.0);
    double weighted = 0, people = 0;
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      weighted += legitimacy(r) * p_.regions[r].population;
      people += p_.regions[r].population;
    }
    series.push_back(weighted / people);
    series.push_back(troops_);
    series.push_back(bases_);
    series.push_back(static_cast<double>(
        std::count_if(factions_.begin(), factions_.end(), [](const Militia& f) { return f.alive; })));
    series.push_back(static_cast<double>(attacks_on_us_today_));
    series.push_back(orders_.lethal_share);
    series.push_back(coordination_);
    series.push_back(withdrawal_pressure_);
  }

  void take_events(std::vector<sim::EventRecord>& out) override {
    out.insert(out.end(), events_.begin(), events_.end());
    events_.clear();
  }

  void snapshot(std::vector<sim::VariableData>& out) const override {
    out.clear();
    for (const auto& r : regions_) out.emplace_back(r->cell_states());
  }

  void statics(std::vector<sim::VariableData>& out) const override { out.clear(); }

 private:
  // ---- helpers ----
  RandomStream stream(std::uint64_t faction, Purpose purpose) const {
    return RandomStream(seed_, StreamOwner::faction, faction, static_cast<std::uint64_t>(tick_), purpose);
  }

  double legitimacy(std::size_t r) const {
    return std::clamp(*legitimacy_baseline_[r] + legitimacy_shock_[r], 0.0, 1.0);
  }

  void shift_legitimacy_everywhere(double delta) {
    for (auto& shock : legitimacy_shock_) shock += delta;
  }

  void emit(Kind kind, std::int32_t actor, Target target, std::size_t region, std::int64_t killed, std::int64_t wounded,
            std::int64_t arrested, std::int32_t acted_on = sim::kNoActor) {
    events_.push_back(
        {tick_, kind, actor, target, static_cast<std::int32_t>(region), killed, wounded, arrested, acted_on});
  }
  const std::size_t kNational = region_names().size();  // index of "iraq" in the region categories
  std::int32_t actor_of(std::size_t m) const { return static_cast<std::int32_t>(kFixedActors + m); }
  std::size_t region_index(const char* name) const {
    const auto& names = region_names();
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  }

  double total_seats() const {
    double total = 0;
    for (std::size_t m = 0; m < militia_names().size(); ++m) total += *c_.seats[m];
    return total;
  }

  double seats_of(std::size_t m) const { return m < c_.seats.size() ? *c_.seats[m] : 0.0; }

  // Monthly income a group's sources provide today: PMF pay (cut by a funding squeeze) and IRGC-QF
  // support shared by alignment and scaled by coordination.
  double funding_sources(const Militia& f) const {
    const double pay = f.traits.pmf_member ? p_.pmf_budget_per_year / 12.0 / p_.pmf_fighters * f.fighters : 0.0;
    const double squeeze = *c_.funding_squeeze * *c_.reform_intent;
    double alignment_total = 0;
    for (const auto& g : factions_)
      if (g.alive) alignment_total += g.traits.iran_alignment * g.fighters;
    const double support = alignment_total > 0 ? *c_.irgc_support / 12.0 * coordination_ * f.traits.iran_alignment *
                                                     f.fighters / alignment_total
                                               : 0.0;
    return pay * (1.0 - squeeze) + support;
  }

  double capacity(const Militia& f) const {
    const double money = std::min(assumed::kCapacityCap, f.funding / f.reference_funding);
    const double men = std::sqrt(std::max(0.0, f.fighters) / f.reference_fighters);
    return money * men * (1.0 - p_.raid_disruption * f.disruption);
  }

  // ---- the IRGC-QF ----
  void sponsor_decides() {
    const double leadership = *c_.leadership_intact;
    if (leadership < leadership_seen_) {
      // Its commanders were killed: coordination breaks, aligned groups seek revenge, and the strike
      // on Iraqi soil (it also killed a PMF commander) feeds Iraqi pressure for US withdrawal.
      const double loss = leadership_seen_ - leadership;
      coordination_ = std::max(0.0, coordination_ - loss);
      for (auto& f : factions_)
        if (f.alive) f.revenge += loss * f.traits.iran_alignment;
      withdrawal_pressure_ = std::min(
          1.0, withdrawal_pressure_ + loss * p_.strike_withdrawal_pressure * assumed::kIraqiDeathsPressureFactor);
      shift_legitimacy_everywhere(-p_.collateral_legitimacy_cost * loss);
    }
    leadership_seen_ = leadership;
    coordination_ += (1.0 - coordination_) / p_.coordination_recovery_days;
  }

  // ---- the coalition ----
  void coalition_decides() {
    RandomStream draw = stream(kCoalitionStream, Purpose::faction_action);
    if (troops_ > *c_.troop_target) troops_ = std::max(*c_.troop_target, troops_ - p_.withdrawal_per_day);
    std::int64_t recent_attacks = 0;
    for (std::size_t k = attacks_on_us_.size() >= 30 ? attacks_on_us_.size() - 30 : 0; k < attacks_on_us_.size(); ++k)
      recent_attacks += attacks_on_us_[k];
    const double closure = p_.base_closure_rate * withdrawal_pressure_ *
                           (1.0 + p_.attack_sensitivity * static_cast<double>(recent_attacks));
    if (bases_ > p_.min_bases && sim::draw_bernoulli(draw, std::min(1.0, closure))) {
      bases_ -= 1;
      emit(base_closed, actor_coalition, us_forces, kNational, 0, 0, 0);
    }
    withdrawal_pressure_ *= decay_per_tick(p_.withdrawal_pressure_half_life);
    for (std::size_t m = 0; m < factions_.size(); ++m) {
      Militia& f = factions_[m];
      if (f.pending_us_deaths == 0) continue;
      f.pending_us_deaths = 0;
      if (!sim::draw_bernoulli(draw, p_.retaliation_probability)) continue;
      // The US blames the parent of a front group ("new names for the exact same group").
      const std::size_t struck = f.parent >= 0 ? static_cast<std::size_t>(f.parent) : m;
      Militia& g = factions_[struck];
      const auto fighters_killed = std::min<std::int64_t>(static_cast<std::int64_t>(g.fighters),
                                                          sim::draw_poisson(draw, p_.strike_fighters_killed));
      std::int64_t iraqi_personnel = 0;
      if (sim::draw_bernoulli(draw, p_.collateral_probability)) {
        iraqi_personnel = 1 + sim::draw_poisson(draw, assumed::kCollateralExtraMean);
        shift_legitimacy_everywhere(-p_.collateral_legitimacy_cost);
      }
      g.fighters -= static_cast<double>(fighters_killed);
      g.revenge += 1.0;
      withdrawal_pressure_ =
          std::min(1.0, withdrawal_pressure_ + p_.strike_withdrawal_pressure *
                                                   (iraqi_personnel > 0 ? assumed::kIraqiDeathsPressureFactor : 1.0));
      emit(retaliation_strike, actor_coalition, militia, g.traits.home_region, fighters_killed + iraqi_personnel, 0, 0,
           actor_of(struck));
      if (sim::draw_bernoulli(draw, p_.march_probability)) {
        // The march presses the government to promise expulsion unless it protects the embassy.
        emit(march, actor_of(struck), us_embassy, region_index("baghdad"), 0, 0, 0);
        withdrawal_pressure_ =
            std::min(1.0, withdrawal_pressure_ + p_.strike_withdrawal_pressure * (1.0 - *c_.mission_protection));
      }
    }
  }

  // ---- the government ----
  void government_decides() {
    RandomStream draw = stream(kGovernmentStream, Purpose::faction_action);
    std::int64_t active = 0;
    for (const auto& r : regions_) active += r->active_people();
    orders_.lethal_share = *c_.repression_propensity * static_cast<double>(active) /
                           (static_cast<double>(active) + p_.posture_half_saturation);

    const double reform = *c_.reform_intent, dependence = *c_.bloc_dependence, seats_total = total_seats();
    const double fade = decay_per_tick(p_.raid_pressure_half_life);
    // Pressure to act on each group: its killings of protesters and, weighed by US pressure, its
    // attacks on US interests; political protection shields it.
    std::vector<double> score(factions_.size(), 0.0);
    double total_score = 0;
    for (std::size_t m = 0; m < factions_.size(); ++m) {
      Militia& f = factions_[m];
      f.protest_pressure *= fade;
      f.us_blame *= fade;
      if (!f.alive || f.traits.insurgent) continue;
      const double protection =
          political_protection(f.traits.pmf_member, seats_of(m), seats_total, f.fighters, dependence);
      // A group still reeling from a raid has been answered for now.
      score[m] = (f.protest_pressure + p_.attack_weight * *c_.us_pressure * f.us_blame) *
                 (1.0 - p_.protection_weight * protection) * (1.0 - f.disruption);
      total_score += score[m];
    }
    ++days_since_raid_;
    raid_resolve_ += (1.0 - raid_resolve_) * (1.0 - decay_per_tick(p_.resolve_recovery_half_life));
    // Pressure saturates: beyond a point more incidents do not make a raid more likely.
    const double raid_hazard = p_.raid_rate * reform * (1.0 - *c_.dialogue) * raid_resolve_ * *c_.state_capacity *
                               total_score / (1.0 + total_score);
    if (days_since_raid_ > p_.raid_cooldown_days && total_score > 0 &&
        sim::draw_bernoulli(draw, 1.0 - std::exp(-raid_hazard))) {
      // A deliberate operation goes after the most pressing case (ties: the first listed).
      conduct_raid(static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin()), draw);
    }

    // Releases: threats weigh on a government that depends on the blocs; strong groups get theirs.
    for (std::size_t m = 0; m < factions_.size(); ++m) {
      Militia& f = factions_[m];
      f.threat_pressure *= fade;
      if (f.detained <= 0) continue;
      const std::size_t backer = f.parent >= 0 ? static_cast<std::size_t>(f.parent) : m;
      const Militia& b = factions_[backer];
      const double strength = political_protection(b.traits.pmf_member, seats_of(backer), seats_total, b.fighters, 1.0);
      if (sim::draw_bernoulli(draw, release_probability(p_.release_pressure_gain * f.threat_pressure, dependence,
                                                        strength * strength))) {
        const auto released = static_cast<std::int64_t>(f.detained);
        f.fighters += f.detained;
        f.detained = 0;
        f.threat_pressure = 0;
        ++releases_under_pressure_;
        raid_resolve_ *= 1.0 - p_.release_deterrence;  // the climb-down makes the next raid harder to order
        shift_legitimacy_everywhere(-p_.release_legitimacy_cost);
        emit(release, actor_government, militia, f.traits.home_region, 0, 0, released, actor_of(m));
      }
    }

    // Anti-corruption arrests of officials who move militia money: pressure on the groups' interests.
    const double arrests = p_.anti_corruption_rate * *c_.funding_squeeze * reform;
    if (sim::draw_bernoulli(draw, std::min(1.0, arrests))) {
      std::vector<double> weight;
      double total = 0;
      for (const auto& f : factions_) {
        weight.push_back(f.alive && !f.traits.insurgent ? f.traits.iran_alignment * f.fighters : 0.0);
        total += weight.back();
      }
      if (total > 0) {
        double pick = sim::draw_uniform(draw, 0.0, total);
        for (std::size_t m = 0; m < factions_.size(); ++m) {
          if (weight[m] <= 0) continue;
          if ((pick -= weight[m]) <= 0) {
            factions_[m].interest_pressure += 1.0;
            emit(arrest, actor_government, militia, region_index("baghdad"), 0, 0,
                 1 + sim::draw_poisson(draw, assumed::kAntiCorruptionExtraMean), actor_of(m));
            break;
          }
        }
      }
    }
  }

  void conduct_raid(std::size_t m, RandomStream& draw) {
    Militia& f = factions_[m];
    const auto caught = std::min<std::int64_t>(static_cast<std::int64_t>(f.fighters),
                                               1 + sim::draw_poisson(draw, std::max(0.0, p_.raid_detainees_mean - 1)));
    f.fighters -= static_cast<double>(caught);
    f.detained += static_cast<double>(caught);
    f.disruption = 1.0;
    f.interest_pressure += 1.0;  // the state came close to its military interests
    // A raid that answers killings of protesters wins back trust where they happened.
    if (f.protest_pressure > 0) legitimacy_shock_[f.traits.home_region] += p_.raid_legitimacy_gain;
    f.protest_pressure = 0;
    f.us_blame *= assumed::kRaidBlameKept;
    days_since_raid_ = 0;
    emit(raid, actor_government, militia, f.traits.home_region, 0, 0, caught, actor_of(m));
  }

  // ---- armed groups ----
  void militia_decides(std::size_t m) {
    Militia& f = factions_[m];
    RandomStream act = stream(m, Purpose::faction_action);
    RandomStream pick = stream(m, Purpose::faction_target);
    RandomStream outcome = stream(m, Purpose::faction_outcome);
    // Funding follows its sources with a lag; decays of memories.
    f.funding += (funding_sources(f) - f.funding) / p_.funding_response_days;
    f.revenge *= decay_per_tick(p_.revenge_half_life);
    f.disruption *= decay_per_tick(p_.disruption_half_life);
    f.interest_pressure *= decay_per_tick(p_.raid_pressure_half_life);
    f.pm_grievance *= decay_per_tick(p_.grievance_half_life);
    if (m < c_.seats.size()) {
      const double seats = *c_.seats[m];
      if (seats < f.seats_seen && f.seats_seen > 0)
        f.pm_grievance += p_.election_grievance_gain * (f.seats_seen - seats) / f.seats_seen;
      f.seats_seen = seats;
    }
    const double cap = capacity(f);
    if (f.traits.insurgent) return insurgent_decides(m, cap, act, pick, outcome);

    const double militancy = f.traits.militancy, alignment = f.traits.iran_alignment;
    const double deterrence = std::min(1.0, *c_.mission_protection * *c_.reform_intent + f.disruption);
    // Pressure on its money and assets, as the group feels it: dialogue with its leaders tempers it.
    const double squeeze =
        std::min(1.0, *c_.funding_squeeze * *c_.reform_intent * alignment + f.interest_pressure) * (1.0 - *c_.dialogue);

    // Attacks on US interests.
    const double us_rate = p_.us_attack_rate * militancy * alignment * cap *
                           (1.0 + p_.directive_gain * *c_.pressure_directive * coordination_) *
                           (1.0 + p_.revenge_gain * f.revenge * (1.0 - *c_.dialogue)) *
                           (1.0 + p_.drawdown_emboldenment * *c_.drawdown_signal) *
                           (1.0 + p_.squeeze_retaliation_gain * squeeze) * (1.0 - 0.5 * deterrence);
    const std::int64_t us_attacks = sim::draw_poisson(act, us_rate);
    for (std::int64_t k = 0; k < us_attacks; ++k) attack_us(m, deterrence, pick, outcome);

    // Intimidation of critics when the state comes close to its interests ("rockets or propaganda").
    const double intimidation = militancy * (assumed::kIntimidationFloor + squeeze) * cap;
    if (sim::draw_bernoulli(act, std::min(1.0, p_.media_attack_rate * intimidation)))
      emit(media_attack, actor_of(m), media, region_index("baghdad"), 0, 0, 0);
    if (sim::draw_bernoulli(act, std::min(1.0, p_.party_office_attack_rate * intimidation))) {
      emit(party_office_attack, actor_of(m), party_office, region_index("baghdad"), 0, 0, 0);
      if (sim::draw_bernoulli(outcome, p_.office_attack_arrest_probability * *c_.reform_intent)) {
        const std::int64_t held = 1 + sim::draw_poisson(outcome, assumed::kOfficeAttackersExtraMean);
        f.detained += static_cast<double>(held);
        f.fighters = std::max(0.0, f.fighters - static_cast<double>(held));
        emit(arrest, actor_security_forces, militia, region_index("baghdad"), 0, 0, held, actor_of(m));
      }
    }

    // Gunmen at its offices fire on protesters there; its members kill or abduct activists.
    double near = 0;
    for (const auto& r : regions_) near += static_cast<double>(r->active_people_near(m));
    const double fire_rate = p_.protest_fire_rate * f.traits.anti_protest * (1.0 - p_.raid_disruption * f.disruption);
    const bool fires = near > 0 && sim::draw_bernoulli(act, std::min(1.0, fire_rate));
    orders_.militia_fires[m] = fires;
    std::int64_t active = 0;
    for (const auto& r : regions_) active += r->active_people();
    const double activist_rate = p_.activist_attack_rate * f.traits.anti_protest * militancy *
                                 static_cast<double>(active) /
                                 (static_cast<double>(active) + p_.posture_half_saturation);
    if (sim::draw_bernoulli(act, std::min(1.0, activist_rate))) {
      const bool killing = sim::draw_bernoulli(pick, assumed::kAssassinationShare);
      emit(killing ? assassination : abduction, actor_of(m), activists, busiest_region(pick), killing ? 1 : 0, 0, 0);
    }

    // Threats: for detained members (more after releases were won), and against a prime minister
    // blamed for an electoral loss.
    const double holding = f.detained > 0 ? 1.0 + p_.threat_learning * releases_under_pressure_ : 0.0;
    const double threats = p_.threat_rate * militancy * (holding + f.pm_grievance);
    if (sim::draw_bernoulli(act, std::min(1.0, threats))) {
      const bool against_pm =
          f.pm_grievance > 0 && sim::draw_bernoulli(pick, f.pm_grievance / (f.pm_grievance + holding));
      if (!against_pm) f.threat_pressure += 1.0;
      emit(threat, actor_of(m), against_pm ? prime_minister : government, region_index("baghdad"), 0, 0, 0);
    }
    const double pm_rate = p_.pm_attack_rate * f.pm_grievance * militancy * cap;
    if (sim::draw_bernoulli(act, std::min(1.0, pm_rate))) {
      emit(drone_attack, actor_of(m), prime_minister, region_index("baghdad"), 0, 0, 0);
      f.pm_grievance = 0;
    }

    // Front groups: a disrupted network re-forms under deniable names.
    if (f.parent < 0 && next_front_ < factions_.size()) {
      const double rate = p_.front_group_rate * militancy * alignment * (1.0 - coordination_);
      if (sim::draw_bernoulli(act, std::min(1.0, rate))) form_front_group(m);
    }
  }

  std::size_t busiest_region(RandomStream& pick) const {
    double total = 0;
    for (const auto& r : regions_) total += static_cast<double>(r->active_people());
    if (total <= 0) return region_index("baghdad");
    double x = sim::draw_uniform(pick, 0.0, total);
    for (std::size_t r = 0; r < regions_.size(); ++r)
      if ((x -= static_cast<double>(regions_[r]->active_people())) <= 0) return r;
    return regions_.size() - 1;
  }

  void attack_us(std::size_t m, double deterrence, RandomStream& pick, RandomStream& outcome) {
    Militia& f = factions_[m];
    // Weapon by availability of targets and attribution risk: rockets at bases, IEDs at convoys that
    // consolidation puts on the roads, drones when being identified is costly.
    const double base_share = p_.initial_bases > 0 ? bases_ / p_.initial_bases : 0.0;
    const double w_rocket = assumed::kRocketFloor + base_share;
    const double w_ied = assumed::kIedFloor + p_.convoy_exposure_gain * (1.0 - base_share);
    const double w_drone = assumed::kDroneFloor + p_.drone_attribution_weight * deterrence;
    const double x = sim::draw_uniform(pick, 0.0, w_rocket + w_ied + w_drone);
    Kind kind = x < w_rocket ? rocket_attack : (x < w_rocket + w_ied ? ied_attack : drone_attack);
    Target target = us_forces;
    std::size_t region = f.traits.home_region;
    if (kind == ied_attack) {
      target = sim::draw_bernoulli(pick, p_.un_target_share) ? un : us_convoy;
    } else if (sim::draw_bernoulli(pick, assumed::kEmbassyShare)) {
      target = us_embassy;
      region = region_index("baghdad");
    }
    std::int64_t killed = 0;
    if (target == us_forces || target == us_embassy) {
      if (sim::draw_bernoulli(outcome, p_.us_death_probability)) {
        killed = 1 + sim::draw_poisson(outcome, assumed::kExtraUsDeathsMean);
        f.pending_us_deaths += killed;
      }
    } else if (sim::draw_bernoulli(outcome, assumed::kConvoyIraqiDeathProbability)) {
      killed = 1;  // convoys are driven and guarded by Iraqis
    }
    // Front groups "could even be new names for the exact same group" (003): the parent is blamed.
    factions_[f.parent >= 0 ? static_cast<std::size_t>(f.parent) : m].us_blame += 1.0;
    ++attacks_on_us_today_;
    emit(kind, actor_of(m), target, region, killed, 0, 0);
  }

  void insurgent_decides(std::size_t m, double cap, RandomStream& act, RandomStream& pick, RandomStream& outcome) {
    const double rate =
        p_.insurgent_attack_rate * cap * (1.0 + p_.insurgent_capacity_gain * (1.0 - *c_.state_capacity));
    static const char* const kRuralSunni[] = {"anbar", "ninawa", "salahuddin"};
    const std::int64_t attacks = sim::draw_poisson(act, rate);
    for (std::int64_t k = 0; k < attacks; ++k) {
      const std::size_t region = region_index(kRuralSunni[sim::draw_integer(pick, 0, 2)]);
      const double x = sim::draw_uniform(pick, 0.0, 1.0);
      const Target target = x < assumed::kInsurgentOnSecurityForces                                    ? security_forces
                            : x < assumed::kInsurgentOnSecurityForces + assumed::kInsurgentOnCivilians ? civilians
                                                                                                       : militia;
      emit(ied_attack, actor_of(m), target, region, sim::draw_poisson(outcome, assumed::kInsurgentKilledMean),
           sim::draw_poisson(outcome, assumed::kInsurgentWoundedMean), 0);
      if (target == militia && sim::draw_bernoulli(outcome, p_.reprisal_probability)) reprisal(region, pick, outcome);
    }
  }

  // A militia patrol was attacked: a group present takes revenge on the Sunni civilians nearby.
  void reprisal(std::size_t region, RandomStream& pick, RandomStream& outcome) {
    std::vector<double> weight;
    double total = 0;
    for (const auto& f : factions_) {
      weight.push_back(f.alive && f.traits.pmf_member ? f.traits.militancy * f.traits.anti_protest : 0.0);
      total += weight.back();
    }
    if (total <= 0) return;
    double x = sim::draw_uniform(pick, 0.0, total);
    for (std::size_t m = 0; m < factions_.size(); ++m) {
      if (weight[m] <= 0) continue;
      if ((x -= weight[m]) <= 0) {
        emit(abduction, actor_of(m), civilians, region,
             1 + sim::draw_poisson(outcome, assumed::kReprisalExtraKilledMean), 0, 0);
        return;
      }
    }
  }

  void form_front_group(std::size_t parent) {
    Militia& p = factions_[parent];
    Militia& g = factions_[next_front_];
    g.traits = p.traits;
    g.traits.pmf_member = false;
    g.traits.seats = 0;
    g.traits.militancy = std::min(1.0, p.traits.militancy + assumed::kFrontGroupExtraMilitancy);
    g.alive = true;
    g.parent = static_cast<std::int64_t>(parent);
    g.fighters = g.reference_fighters = std::max(1.0, std::round(p.fighters * p_.front_group_share));
    p.fighters -= g.fighters;
    g.funding = g.reference_funding = std::max(1.0, p.funding * p_.front_group_share);
    p.funding -= g.funding;
    emit(front_group_formed, actor_of(parent), militia, p.traits.home_region, 0, 0, 0, actor_of(next_front_));
    ++next_front_;
  }

  Parameters p_;
  std::uint64_t seed_;
  Conditions c_;
  std::vector<Militia> factions_;
  std::vector<std::unique_ptr<RegionLattice>> regions_;
  std::vector<const double*> legitimacy_baseline_;
  std::vector<double> legitimacy_shock_;
  FieldOrders orders_;
  std::vector<sim::EventRecord> events_;
  std::vector<std::int64_t> killed_today_, wounded_today_, arrested_today_;
  std::vector<std::int64_t> attacks_on_us_;
  std::int64_t attacks_on_us_today_ = 0;
  std::int64_t tick_ = 0;
  double troops_ = 0, bases_ = 0, coordination_ = 1.0, withdrawal_pressure_ = 0, leadership_seen_ = 1.0;
  std::int64_t days_since_raid_ = 0;
  double raid_resolve_ = 1.0;  // falls after each release under pressure, then recovers
  double releases_under_pressure_ = 0;
  std::size_t next_front_ = militia_names().size();  // the next free front-group slot
};

}  // namespace

std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed) {
  return std::make_unique<IraqModel>(scenario, seed);
}

}  // namespace confsim::agents::iraq
