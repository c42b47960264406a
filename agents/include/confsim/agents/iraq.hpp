#pragma once
// Iraq, October 2019 – November 2021: the government, militias (each its own faction, with front
// groups that split off during a run), the protest movement on regional lattices, and foreign
// forces (the US-led coalition and the IRGC-QF as sponsor). Scheduled events change conditions —
// who governs, what a policy is — never outcomes: every attack, raid, arrest, release, death and
// base closure comes from an agent's decision. docs/iraq.md describes the rules.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::agents::iraq {

// The governorates with a protest lattice, in output order.
inline const std::vector<std::string>& region_names() {
  static const std::vector<std::string> names = {"baghdad", "basra",  "dhi_qar", "maysan",     "najaf",
                                                 "karbala", "ninawa", "anbar",   "salahuddin", "erbil"};
  return names;
}

// The armed groups present at the start, in output order; front groups follow them.
inline const std::vector<std::string>& militia_names() {
  static const std::vector<std::string> names = {
      "kataib_hezbollah", "asaib_ahl_al_haq", "kataib_sayyid_al_shuhada", "badr", "thaer_allah", "islamic_state"};
  return names;
}

// Names given to front groups in the order they form: first those the documents name.
inline const std::vector<std::string>& front_group_names() {
  static const std::vector<std::string> names = {"rab_allah", "ashab_al_kahf", "osba_al_thaerin"};
  return names;
}

struct RegionParameters {
  double population = 0;  // people
  double legitimacy = 0;  // the government's legitimacy there at the start
  double hardship = 0;    // mean perceived hardship H
};

struct MilitiaParameters {
  double fighters = 0;
  bool pmf_member = false;      // on the state payroll of the Popular Mobilization Forces
  double seats = 0;             // seats its political wing holds in parliament (schedulable)
  double iran_alignment = 0;    // 0..1: how far the IRGC-QF directs and funds it
  double militancy = 0;         // 0..1: readiness to use violence against the US and the state
  double anti_protest = 0;      // 0..1: readiness of its gunmen to fire on protesters at its offices
  bool insurgent = false;       // fights the state as a whole (IS) rather than from inside it
  std::size_t home_region = 0;  // where its offices and main bases are
};

// Aggregate what the dynamics need; every value is read from the scenario (see the schema).
struct Parameters {
  double people_per_agent = 1000;
  std::vector<RegionParameters> regions;
  std::vector<MilitiaParameters> militias;
  std::size_t max_front_groups = 0;

  // protest movement (field agents)
  double protest_density = 0.7, protest_vision = 3, threshold = 0.1, hardship_spread = 0.3;
  double arrest_constant = 2.3, killing_legitimacy_cost = 0, legitimacy_recovery = 0;
  // security forces (field agents)
  double units_per_1000 = 0, unit_vision = 3, repression_rate = 0, kill_probability = 0, wound_probability = 0,
         arrest_share = 0;
  std::int64_t jail_days = 0;
  // militia behaviour
  double pmf_budget_per_year = 0, pmf_fighters = 0;
  double us_attack_rate = 0, directive_gain = 0, revenge_gain = 0, revenge_half_life = 0, drawdown_emboldenment = 0,
         squeeze_retaliation_gain = 0, raid_disruption = 0, disruption_half_life = 0, drone_attribution_weight = 0,
         convoy_exposure_gain = 0, un_target_share = 0, media_attack_rate = 0, party_office_attack_rate = 0,
         activist_attack_rate = 0, protest_fire_rate = 0, gunfire_kill_probability = 0, office_reach = 0,
         threat_rate = 0, threat_learning = 0, front_group_rate = 0, front_group_share = 0, march_probability = 0,
         election_grievance_gain = 0, pm_attack_rate = 0, grievance_half_life = 0, insurgent_attack_rate = 0,
         insurgent_capacity_gain = 0, reprisal_probability = 0, us_death_probability = 0, funding_response_days = 0;
  // government behaviour
  double raid_rate = 0, raid_detainees_mean = 0, raid_pressure_half_life = 0, release_pressure_gain = 0,
         protection_weight = 0, raid_legitimacy_gain = 0, release_legitimacy_cost = 0, posture_half_saturation = 0,
         office_attack_arrest_probability = 0, anti_corruption_rate = 0, release_deterrence = 0, attack_weight = 0,
         resolve_recovery_half_life = 0;
  std::int64_t raid_cooldown_days = 0;
  // coalition
  double initial_troops = 0, initial_bases = 0, min_bases = 0, withdrawal_per_day = 0, base_closure_rate = 0,
         attack_sensitivity = 0, retaliation_probability = 0, collateral_probability = 0, strike_fighters_killed = 0,
         strike_withdrawal_pressure = 0, withdrawal_pressure_half_life = 0, collateral_legitimacy_cost = 0;
  // sponsor
  double coordination_recovery_days = 0;

  static Parameters from(const sim::Scenario& scenario);
};

// The conditions scheduled events may change, by path (sim::LiveParameters holds their values).
struct Conditions {
  const double* reform_intent = nullptr;
  const double* bloc_dependence = nullptr;
  const double* repression_propensity = nullptr;
  const double* mission_protection = nullptr;
  const double* funding_squeeze = nullptr;
  const double* dialogue = nullptr;
  const double* us_pressure = nullptr;
  const double* state_capacity = nullptr;
  const double* assembly_cost = nullptr;
  const double* troop_target = nullptr;
  const double* drawdown_signal = nullptr;
  const double* leadership_intact = nullptr;
  const double* pressure_directive = nullptr;
  const double* irgc_support = nullptr;
  std::vector<const double*> seats;  // per original militia
};

// Rule of the protest lattice (Epstein's rule A with an assembly cost): active iff
// H(1 − L) − R·P > T + cost.
inline bool protests(double hardship, double legitimacy, double risk_aversion, double arrest_prob, double threshold,
                     double assembly_cost) {
  return hardship * (1 - legitimacy) - risk_aversion * arrest_prob > threshold + assembly_cost;
}

// How far a militia is shielded from a raid: PMF status and seats the government depends on.
double political_protection(bool pmf_member, double seats, double total_seats, double fighters, double bloc_dependence);

// The daily probability that the government releases a militia's detainees under its threats;
// militia_strength is the square of its political protection: a concession only strong groups extract.
double release_probability(double threat_pressure, double bloc_dependence, double militia_strength);

// A value that halves every half_life ticks: the factor one tick applies.
double decay_per_tick(double half_life);

const sim::ModelSchema& schema();
std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed);

}  // namespace confsim::agents::iraq
