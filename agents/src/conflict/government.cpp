#include "government.hpp"

#include <algorithm>
#include <cmath>

#include "armed_group.hpp"
#include "confsim/sim/distributions.hpp"
#include "foreign_force.hpp"
#include "params.hpp"
#include "protest_movement.hpp"

namespace confsim::agents::conflict {
namespace {

// Fixed modelling choices, each an assumption with its reason (docs/conflict-model.md lists them).
namespace assumed {
// Political protection: the "sacrificial lamb" (004) lacks payroll status, seats and force.
constexpr double kPayrollShield = 0.5;  // formal status shields half as much as a pivotal bloc of seats
constexpr double kSeatShield = 2.0;     // half the seats of the armed groups' parties shield fully
constexpr double kForceShield = 0.5;    // a large force shields half
constexpr double kForceScale = 5000;    // fighters at which the force shield is half its largest
constexpr double kAntiCorruptionExtraMean = 1;  // officials arrested at once: 1 + Poisson(1)
}  // namespace assumed

const sim::ParamTable<GovernmentParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<GovernmentParams> t;
    using P = GovernmentParams;
    t.add(label("leader", "The target class of its head (e.g. prime_minister, president)."), &P::leader);
    t.add(label("forces", "The actor name its security forces carry in events (e.g. security_forces)."), &P::forces);
    t.add(share("reform_intent", "Intent to rein in the armed groups and corruption (who governs sets it).", true),
          &P::reform_intent);
    t.add(share("bloc_dependence", "Dependence on parliamentary blocs aligned with the armed groups.", true),
          &P::bloc_dependence);
    t.add(share("repression_propensity", "Highest share of confrontations with protesters that use live fire.", true),
          &P::repression_propensity);
    t.add(share("mission_protection", "Protection of foreign missions and forces (deters attacks on them).", true),
          &P::mission_protection);
    t.add(share("funding_squeeze", "Policy of drying up armed groups' funding (0: none, 1: full).", true),
          &P::funding_squeeze);
    t.add(share("dialogue",
                "Dialogue with the groups' leaders (0: none, 1: full): it tempers their response to pressure "
                "and revenge, and replaces raids.",
                true),
          &P::dialogue);
    t.add(share("state_capacity", "Coordination of the security forces (1: normal; an epidemic lowers it).", true),
          &P::state_capacity);
    t.add(rate("raid_rate", "Raids a day at full reform intent when the pressure to act is saturated."),
          &P::raid_rate);
    t.add(real("raid_detainees_mean", "people", 0, 10000, "Mean members detained in a raid on a group's site."),
          &P::raid_detainees_mean);
    t.add(whole_days("raid_cooldown_days", "Days its forces need between two raids."), &P::raid_cooldown_days);
    t.add(days("raid_pressure_half_life_days", "Half-life of public and foreign pressure to act on a group."),
          &P::raid_pressure_half_life);
    t.add(gain("release_pressure_gain", "How strongly threats weigh on a release decision.", 1000),
          &P::release_pressure_gain);
    t.add(real("attack_weight", "deaths per attack", 0, 1000,
               "How many protester deaths one attack on a foreign force weighs as, at full pressure from that "
               "force's government, when choosing whom to raid."),
          &P::attack_weight);
    t.add(share("protection_weight", "How far political protection lowers a group's chance of being raided."),
          &P::protection_weight);
    t.add(share("raid_legitimacy_gain", "Legitimacy gained in a region when a raid answers killings there."),
          &P::raid_legitimacy_gain);
    t.add(share("release_legitimacy_cost", "Legitimacy lost everywhere when detainees are released under threat."),
          &P::release_legitimacy_cost);
    t.add(share("release_deterrence", "Share of its resolve to raid lost with each release under threat."),
          &P::release_deterrence);
    t.add(days("resolve_recovery_half_life_days", "Half-life over which that lost resolve returns."),
          &P::resolve_recovery_half_life);
    t.add(real("posture_half_saturation", "people", 0, 1e9,
               "People protesting at which the policing posture reaches half its highest lethality."),
          &P::posture_half_saturation);
    t.add(share("office_attack_arrest_probability", "Chance that attackers of a party office are arrested."),
          &P::office_attack_arrest_probability);
    t.add(rate("anti_corruption_rate", "Arrests a day of officials moving armed groups' money, at full squeeze."),
          &P::anti_corruption_rate);
    t.add(money("payroll_usd_per_year", "State funds paid to the armed groups on its payroll."),
          &P::payroll_usd_per_year);
    t.add(real("payroll_fighters", "people", 1, 1e9, "Fighters on that payroll, to turn it into pay per fighter."),
          &P::payroll_fighters);
    t.add(real("killing_legitimacy_cost", "per death per 100,000 people", 0, 100,
               "Legitimacy lost in a region for each protester killed there by its forces or gunmen it tolerates, "
               "per 100,000 inhabitants."),
          &P::killing_legitimacy_cost);
    t.add(share("legitimacy_recovery", "Share of the gap back to each region's baseline that legitimacy recovers a day."),
          &P::legitimacy_recovery);
    t.add(real("units_per_1000_people", "1", 0, 1000,
               "Security-unit agents per 1,000 protester agents on the protest lattices."),
          &P::units_per_1000_people);
    t.add(real("unit_vision", "cells", 1, 50, "Radius of a unit's window: where it can reach active protesters."),
          &P::unit_vision);
    t.add(real("repression_rate", "per day", 0, 100, "Protester groups a unit can confront per day."),
          &P::repression_rate);
    t.add(share("kill_probability", "Chance that one person in a group confronted with live fire is killed."),
          &P::kill_probability);
    t.add(share("wound_probability", "Chance that one person in a group under fire is wounded."),
          &P::wound_probability);
    t.add(share("arrest_share",
                "Share of non-lethal confrontations that end in arrests (the rest disperse); a crowd broken up "
                "with arrests stays home while its arrested members are held."),
          &P::arrest_share);
    t.add(share("arrest_probability", "Chance that one person in a group dispersed with arrests is arrested."),
          &P::arrest_probability);
    t.add(whole_days("jail_days", "Days an arrested protester is held."), &P::jail_days);
    return t;
  }();
  return bound;
}

}  // namespace

ComponentKind Government::kind() {
  ComponentKind k;
  k.name = "government";
  k.description =
      "The government and its security forces (at most one; successive cabinets are scheduled changes of its "
      "policies). Each day: the policing posture (lethal share = repression_propensity · A/(A + "
      "posture_half_saturation), A the people protesting); a raid, with hazard raid_rate · reform_intent · (1 − "
      "dialogue) · resolve · state_capacity · S/(1 + S), on the group with the highest score (S their sum; equal "
      "scores drawn among): "
      "protesters its gunmen killed plus attack_weight · pressure of each foreign force · attacks on it blamed on "
      "the group, times (1 − protection_weight · protection) and (1 − disruption); releases of members held "
      "since an earlier day, with probability 1 − exp(−release_pressure_gain · threats · bloc_dependence · "
      "protection²); anti-corruption arrests under a funding squeeze.";
  k.stage = 2;
  k.max_count = 1;
  k.params = table().specs();
  k.vocabulary = [](const sim::Scenario& s, const sim::Entry& e, VocabularyBuilder& v) {
    const std::string prefix = "actors." + e.name + ".";
    v.actor(e.name, ActorType::state_forces);
    v.actor(s.word(prefix + "forces"), ActorType::state_forces);
    v.target(e.name, ActorType::state_forces);
    v.target(s.word(prefix + "leader"), ActorType::state_forces);
    v.target(s.word(prefix + "forces"), ActorType::state_forces);
    v.target(target_class::armed_group, ActorType::political_militias, true);
    for (EventKind kind : {EventKind::raid, EventKind::arrest, EventKind::release, EventKind::election}) v.kind(kind);
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<Government>(s, e); };
  return k;
}

Government::Government(const sim::Scenario& scenario, const sim::Entry& entry) : Component(entry.name) {
  table().read(scenario, "actors." + entry.name, p_);
}

void Government::initialise(World& world, const sim::LiveParameters& live) {
  table().bind(live, "actors." + name(), p_);
  groups_ = world.all<ArmedGroup>();
  forces_ = world.all<ForeignForce>();
  protest_ = world.first<ProtestMovement>();
  forces_actor_ = world.actor(p_.forces);
  government_target_ = world.target(name());
  leader_target_ = world.target(p_.leader);
}

double Government::monthly_pay(double fighters) const {
  return p_.payroll_usd_per_year / 12.0 / p_.payroll_fighters * fighters * (1.0 - squeeze());
}

double Government::protection(const ArmedGroup& group, double bloc_dependence) const {
  double total_seats = 0;
  for (const ArmedGroup* g : groups_) total_seats += g->seats();
  const double seat_share = total_seats > 0 ? group.seats() / total_seats : 0.0;
  const double force = group.fighters() / (group.fighters() + assumed::kForceScale);
  return bloc_dependence * std::min(1.0, (group.on_state_payroll() ? assumed::kPayrollShield : 0.0) +
                                             assumed::kSeatShield * seat_share + assumed::kForceShield * force);
}

double Government::protest_saturation(double active) const {
  return active > 0 ? active / (active + p_.posture_half_saturation) : 0.0;
}

void Government::decide(World& world) {
  sim::RandomStream draw = world.stream(stream_key(), sim::Purpose::faction_action);
  sim::RandomStream pick = world.stream(stream_key(), sim::Purpose::faction_target);
  sim::RandomStream outcome = world.stream(stream_key(), sim::Purpose::faction_outcome);
  const double active = protest_ ? static_cast<double>(protest_->active_people()) : 0.0;
  lethal_share_ = p_.repression_propensity * protest_saturation(active);

  // The pressure to act on each group: its killings of protesters and, weighed by each foreign
  // force's pressure, its attacks on that force; political protection shields it, and a group still
  // reeling from a raid has been answered for now.
  std::vector<double> score(groups_.size(), 0.0);
  double total_score = 0;
  for (std::size_t m = 0; m < groups_.size(); ++m) {
    const ArmedGroup& g = *groups_[m];
    if (!g.alive() || g.insurgent()) continue;
    double foreign = 0;
    for (std::size_t f = 0; f < forces_.size(); ++f) foreign += forces_[f]->pressure_on_host() * g.blame(f);
    score[m] = (g.protest_pressure() + p_.attack_weight * foreign) *
               (1.0 - p_.protection_weight * protection(g, p_.bloc_dependence)) * (1.0 - g.disruption());
    total_score += score[m];
  }
  ++days_since_raid_;
  raid_resolve_ += (1.0 - raid_resolve_) * (1.0 - decay_per_tick(p_.resolve_recovery_half_life));
  // Pressure saturates: beyond a point more incidents do not make a raid more likely.
  const double raid_hazard = p_.raid_rate * p_.reform_intent * (1.0 - p_.dialogue) * raid_resolve_ *
                             p_.state_capacity * total_score / (1.0 + total_score);
  if (days_since_raid_ > p_.raid_cooldown_days && total_score > 0 &&
      sim::draw_bernoulli(draw, 1.0 - std::exp(-raid_hazard), "the chance of a raid today")) {
    // A deliberate operation goes after the most pressing case; equal cases are drawn among.
    const double top = *std::max_element(score.begin(), score.end());
    std::vector<std::size_t> most_pressing;
    for (std::size_t m = 0; m < groups_.size(); ++m)
      if (score[m] == top) most_pressing.push_back(m);
    const auto chosen = most_pressing[static_cast<std::size_t>(
        sim::draw_integer(pick, 0, static_cast<std::int64_t>(most_pressing.size()) - 1))];
    conduct_raid(world, *groups_[chosen], outcome);
  }

  // Releases: threats weigh on a government that depends on the blocs; strong groups get theirs.
  // Members detained today are not released today.
  for (ArmedGroup* g : groups_) {
    if (g->detained() <= 0 || g->detained_since() >= world.tick()) continue;
    const ArmedGroup& backer = g->backer();
    const double strength = protection(backer, 1.0);
    const double p = 1.0 - std::exp(-p_.release_pressure_gain * g->threat_pressure() * p_.bloc_dependence *
                                    strength * strength);
    if (!sim::draw_bernoulli(draw, p, "the chance of a release under pressure")) continue;
    const std::int64_t released = g->release();
    ++releases_under_pressure_;
    raid_resolve_ *= 1.0 - p_.release_deterrence;  // the climb-down makes the next raid harder to order
    world.shift_legitimacy_everywhere(-p_.release_legitimacy_cost);
    world.emit(EventKind::release, world.actor(name()), world.target(target_class::armed_group),
               static_cast<std::int32_t>(g->home_region()), 0, 0, released, world.actor(g->name()));
  }
  anti_corruption_arrests(world, draw);
}

void Government::conduct_raid(World& world, ArmedGroup& group, sim::RandomStream& draw) {
  const auto caught = std::min<std::int64_t>(
      static_cast<std::int64_t>(group.fighters()),
      1 + sim::draw_poisson(draw, std::max(0.0, p_.raid_detainees_mean - 1), "raid_detainees_mean - 1"));
  // A raid that answers killings of protesters wins back trust where they happened.
  if (group.protest_pressure() > 0)
    world.shift_legitimacy(group.home_region(), p_.raid_legitimacy_gain);
  group.raided(world.tick(), caught);
  days_since_raid_ = 0;
  world.emit(EventKind::raid, world.actor(name()), world.target(target_class::armed_group),
             static_cast<std::int32_t>(group.home_region()), 0, 0, caught, world.actor(group.name()));
}

// Arrests of officials who move armed groups' money: pressure on the groups' interests.
void Government::anti_corruption_arrests(World& world, sim::RandomStream& draw) {
  const double rate = p_.anti_corruption_rate * p_.funding_squeeze * p_.reform_intent;
  if (!sim::draw_bernoulli_capped(draw, rate, "the anti-corruption arrest rate")) return;
  std::vector<double> weight;
  double total = 0;
  for (const ArmedGroup* g : groups_) {
    weight.push_back(g->alive() && !g->insurgent() ? g->alignment() * g->fighters() : 0.0);
    total += weight.back();
  }
  if (total <= 0) return;
  double x = sim::draw_uniform(draw, 0.0, total, "the weight of the armed groups' interests");
  for (std::size_t m = 0; m < groups_.size(); ++m) {
    if (weight[m] <= 0 || (x -= weight[m]) > 0) continue;
    groups_[m]->add_interest_pressure(1.0);
    world.emit(EventKind::arrest, world.actor(name()), world.target(target_class::armed_group),
               static_cast<std::int32_t>(world.capital()), 0, 0,
               1 + sim::draw_poisson(draw, assumed::kAntiCorruptionExtraMean, "officials arrested"), world.actor(groups_[m]->name()));
    return;
  }
}

void Government::resolve(World& world) { world.fade_legitimacy_shocks(p_.legitimacy_recovery); }

void Government::declare_series(sim::SeriesTable& series) const {
  series.add_scalar("lethal_posture", "share of confrontations with protesters that use live fire", "1",
                    [this] { return lethal_share_; });
}

}  // namespace confsim::agents::conflict
