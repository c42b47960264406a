// The scenario language of the Iraq model: every key, its range and meaning. No key has a built-in
// default: a scenario states each value with its source or the assumption behind it.
#include <cmath>
#include <limits>

#include "confsim/agents/iraq.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::agents::iraq {
namespace {

using sim::ParamSpec;
using sim::ValueType;

constexpr double kInf = std::numeric_limits<double>::infinity();

ParamSpec real(const char* key, const char* unit, double min, double max, std::string description,
               bool schedulable = false) {
  return {.key = key,
          .type = ValueType::real,
          .description = std::move(description),
          .unit = unit,
          .min = min,
          .max = max,
          .schedulable = schedulable};
}
ParamSpec share(const char* key, std::string description, bool schedulable = false) {
  return real(key, "1", 0, 1, std::move(description), schedulable);
}
ParamSpec rate(const char* key, std::string description) {
  return real(key, "per day", 0, 1000, std::move(description));
}
ParamSpec days(const char* key, std::string description) {
  return {.key = key,
          .type = ValueType::real,
          .description = std::move(description),
          .unit = "days",
          .min = 0,
          .max = 100000,
          .min_exclusive = true};
}
ParamSpec count(const char* key, std::string description, double max = 1e9) {
  return real(key, "people", 0, max, std::move(description));
}
ParamSpec flag(const char* key, std::string description) {
  return {.key = key, .type = ValueType::boolean, .description = std::move(description)};
}

std::vector<sim::SectionSpec> region_sections() {
  std::vector<sim::SectionSpec> out;
  for (const auto& r : region_names())
    out.push_back({"regions." + r,
                   "The governorate of " + r + " and its protest lattice.",
                   {real("population", "people", 1, 1e9,
                         "Inhabitants; the lattice holds population / "
                         "scale.people_per_agent protester agents."),
                    share("legitimacy",
                          "The government's legitimacy L there at the start; it then responds to what "
                          "the government and others do (events may set it).",
                          true),
                    share("hardship",
                          "Mean perceived hardship H of its inhabitants (each draws H uniformly within "
                          "protest.hardship_spread of the mean).")}});
  return out;
}

std::vector<sim::SectionSpec> militia_sections() {
  std::vector<sim::SectionSpec> out;
  for (const auto& m : militia_names())
    out.push_back(
        {"militias." + m,
         "The armed group " + m + ", a faction of its own.",
         {count("fighters", "Fighters at the start."),
          flag("pmf_member", "Whether it belongs to the Popular Mobilization Forces (state salaries, formal status)."),
          real("seats", "seats", 0, 329, "Seats its political wing holds in parliament (events may change them).",
               true),
          share("iran_alignment", "How far the IRGC-QF directs and funds it (0: not at all, 1: fully)."),
          share("militancy", "Readiness to use violence against the US and the Iraqi state."),
          share("anti_protest", "Readiness of its gunmen to fire on protesters gathered at its offices."),
          flag("insurgent",
               "Whether it fights the state as a whole (IS) rather than from inside it: it attacks "
               "security forces and civilians, not US interests, and is never protected."),
          {.key = "home_region",
           .type = ValueType::choice,
           .description = "The governorate of its offices and main bases (raids and its gunmen act there).",
           .choices = region_names()}}});
  return out;
}

sim::ModelSchema build_schema() {
  sim::ModelSchema s;
  s.name = "iraq_conflict";
  s.description =
      "Iraq, October 2019 – November 2021, on two levels. Factions decide once a day: the government "
      "(raids, arrests, releases under pressure, funding squeeze, anti-corruption arrests, a policing "
      "posture, protection of foreign missions), each militia (attacks on US interests, the state, media, "
      "party offices and activists; gunfire on protesters; threats; front groups), the US-led coalition "
      "(troops, bases, retaliation) and the IRGC-QF (coordination, directives, funding). Field agents act "
      "in parallel: protester groups on a lattice per governorate activate as in Epstein's rule A, "
      "H(1 − L) − R·P > T + assembly cost, among security units and militia offices that repress them. "
      "Scheduled events change conditions (who governs, policies, seats), never outcomes.";
  s.sections.push_back(
      {"scale",
       "How many people one agent stands for.",
       {real("people_per_agent", "people", 1, 1e7,
             "People per protester agent and per security-unit agent; casualties and arrests are drawn per "
             "person, so expected counts do not depend on the scale.")}});
  for (auto& r : region_sections()) s.sections.push_back(std::move(r));
  s.sections.push_back(
      {"protest",
       "The protest movement's field agents.",
       {share("density", "Share of each lattice's cells holding a protester agent (the lattice is sized to fit)."),
        real("vision", "cells", 1, 50,
             "Radius of a protester's (Euclidean) window for counting security and "
             "other protesters."),
        share("threshold", "Activation threshold T."),
        share("hardship_spread", "Half-width of the uniform spread of H around the region's mean."),
        real("arrest_constant", "1", 0, 100,
             "k in P = 1 − exp(−k·C/A), C security units and A active "
             "protesters in the window."),
        share("assembly_cost", "Extra cost of gathering added to T (curfews, epidemic lockdowns).", true),
        real("killing_legitimacy_cost", "per death per 100,000 people", 0, 100,
             "Legitimacy lost in a region for each protester killed there by security forces or militias the "
             "state tolerates, per 100,000 inhabitants."),
        share("legitimacy_recovery",
              "Share of the gap back to its starting value that legitimacy recovers each "
              "day.")}});
  s.sections.push_back(
      {"security_forces",
       "The state's security units on the protest lattices.",
       {real("units_per_1000_people", "1", 0, 1000, "Security-unit agents per 1,000 protester agents."),
        real("vision", "cells", 1, 50, "Radius of a unit's window: where it can reach active protesters."),
        real("repression_rate", "per day", 0, 100, "Protester groups a unit can confront per day."),
        share("kill_probability", "Chance that one person in a group confronted with live fire is killed."),
        share("wound_probability", "Chance that one person in a group confronted with live fire is wounded."),
        share("arrest_share", "Share of non-lethal confrontations that end in arrests (the rest disperse)."),
        {.key = "jail_days",
         .type = ValueType::integer,
         .description = "Days an arrested protester is held.",
         .unit = "days",
         .min = 0,
         .max = 100000}}});
  s.sections.push_back(
      {"government",
       "The prime minister's government and its security services.",
       {share("reform_intent", "Intent to rein in the militias and corruption (who governs sets it).", true),
        share("bloc_dependence", "Dependence on parliamentary blocs aligned with the militias.", true),
        share("repression_propensity", "Highest share of confrontations with protesters that use live fire.", true),
        share("mission_protection", "Protection of foreign missions and forces (deters attacks on them).", true),
        share("funding_squeeze", "Policy of drying up militia funding (0: none, 1: full).", true),
        share("dialogue",
              "Dialogue with the groups' leaders (0: none, 1: full): it tempers their response to "
              "pressure and revenge, and replaces raids.",
              true),
        share("us_pressure", "Pressure from Washington to act against the groups attacking US interests.", true),
        share("state_capacity", "Coordination of the security forces (1: normal; an epidemic lowers it).", true),
        rate("raid_rate", "Raids a day at full reform intent when a militia's pressure score is 1."),
        real("raid_detainees_mean", "people", 0, 10000, "Mean members detained in a raid on a militia site."),
        {.key = "raid_cooldown_days",
         .type = ValueType::integer,
         .description = "Days the counter-terrorism service needs between two raids.",
         .unit = "days",
         .min = 0,
         .max = 100000},
        days("raid_pressure_half_life_days", "Half-life of public and US pressure on a militia."),
        real("release_pressure_gain", "1", 0, 1000, "How strongly threats weigh on a release decision."),
        real("attack_weight", "deaths per attack", 0, 1000,
             "How many protester deaths one attack on US interests weighs as, at full US pressure, when the "
             "government chooses whom to raid."),
        share("protection_weight", "How far political protection lowers a militia's chance of being raided."),
        share("raid_legitimacy_gain", "Legitimacy gained in a region when a raid answers killings there."),
        share("release_legitimacy_cost", "Legitimacy lost everywhere when detainees are released under threat."),
        share("release_deterrence", "Share of the government's resolve to raid lost with each release under threat."),
        days("resolve_recovery_half_life_days", "Half-life over which that lost resolve returns."),
        real("posture_half_saturation", "people", 0, 1e9,
             "Active protesters at which the policing posture reaches "
             "half its highest lethality."),
        share("office_attack_arrest_probability", "Chance that attackers of a party office are arrested."),
        rate("anti_corruption_rate", "Anti-corruption arrests a day at full funding squeeze and reform intent.")}});
  s.sections.push_back(
      {"militia_rules",
       "What drives every armed group's decisions.",
       {real("pmf_budget_usd_per_year", "USD per year", 0, 1e12, "Federal funds for the PMF."),
        count("pmf_fighters", "Fighters on the PMF payroll, to turn the budget into pay per fighter."),
        {.key = "max_front_groups",
         .type = ValueType::integer,
         .description = "Most front groups that can form.",
         .min = 0,
         .max = 64},
        rate("us_attack_rate", "Attacks on US interests a day by a fully militant, fully capable group."),
        real("directive_gain", "1", 0, 100, "How much an IRGC-QF directive multiplies aligned groups' attacks."),
        real("revenge_gain", "1", 0, 1000, "How much fresh revenge (for strikes on them) multiplies attacks."),
        days("revenge_half_life_days", "Half-life of revenge."),
        real("drawdown_emboldenment", "1", 0, 100, "Attack multiplier from a signalled US drawdown."),
        real("squeeze_retaliation_gain", "1", 0, 100, "Attack multiplier from state pressure on a group's interests."),
        share("raid_disruption", "Share of a group's capacity lost right after a raid on it."),
        days("disruption_half_life_days", "Half-life of the disruption a raid causes."),
        real("drone_attribution_weight", "1", 0, 100, "How strongly deterrence pushes attacks towards drones."),
        real("convoy_exposure_gain", "1", 0, 100, "How strongly base consolidation exposes supply convoys to IEDs."),
        share("un_target_share", "Share of convoy IEDs that hit UN convoys rather than US supply convoys."),
        rate("media_attack_rate", "Attacks on critical media a day by a fully militant group under full pressure."),
        rate("party_office_attack_rate", "Attacks on party offices a day, same scale."),
        rate("activist_attack_rate", "Assassinations or abductions of activists a day per unit of protest."),
        rate("protest_fire_rate", "Chance a day that gunmen fire on protesters gathered at their offices."),
        share("gunfire_kill_probability", "Chance that one person in a group under militia fire is killed."),
        real("office_reach", "cells", 1, 50, "Radius around a militia's office within which its gunmen fire."),
        rate("threat_rate",
             "Threats a day by a fully militant group while the state holds its members (and per "
             "unit of grievance against the prime minister)."),
        real("threat_learning", "1", 0, 100, "How much each past release multiplies later threats."),
        rate("front_group_rate", "Front groups a day formed by a disrupted, aligned group."),
        share("front_group_share", "Share of the parent's fighters a new front group takes."),
        share("march_probability", "Chance that a group struck by the US marches on the Green Zone."),
        real("election_grievance_gain", "1", 0, 100, "Grievance against the prime minister per share of seats lost."),
        rate("pm_attack_rate", "Attacks on the prime minister a day per unit of grievance against him."),
        days("grievance_half_life_days", "Half-life of grievance against the prime minister."),
        rate("insurgent_attack_rate", "Insurgent attacks a day at normal state capacity."),
        real("insurgent_capacity_gain", "1", 0, 100, "Attack multiplier per unit of lost state capacity."),
        share("reprisal_probability", "Chance that a militia attacked by insurgents retaliates against civilians."),
        days("funding_response_days", "Time for a group's funding to follow a change in its sources.")}});
  for (auto& m : militia_sections()) s.sections.push_back(std::move(m));
  s.sections.push_back(
      {"coalition",
       "The US-led coalition.",
       {count("troops", "US troops at the start."), real("bases", "bases", 0, 100, "Bases at the start."),
        real("min_bases", "bases", 0, 100, "Bases the consolidation plan keeps."),
        real("troop_target", "people", 0, 1e9, "Troop level the US intends (a drawdown lowers it).", true),
        share("drawdown_signal", "How strongly the US has signalled leaving (0: staying, 1: leaving).", true),
        real("withdrawal_per_day", "people per day", 0, 1e6, "Troops withdrawn a day while above the target."),
        rate("base_closure_rate", "Base closures a day at full withdrawal pressure."),
        real("attack_sensitivity", "1", 0, 100,
             "How much each attack on US interests in the last 30 days "
             "speeds base closures."),
        share("us_death_probability", "Chance that an attack on US forces kills US personnel."),
        share("retaliation_probability", "Chance of a retaliation strike after attacks killed US personnel."),
        share("collateral_probability", "Chance that a retaliation strike also kills Iraqi security personnel."),
        count("strike_fighters_killed", "Mean militia fighters killed by a strike."),
        share("strike_withdrawal_pressure", "Withdrawal pressure added by a US strike on Iraqi soil."),
        days("withdrawal_pressure_half_life_days", "Half-life of withdrawal pressure."),
        share("collateral_legitimacy_cost",
              "Government legitimacy lost everywhere when a US strike kills Iraqi "
              "personnel.")}});
  s.sections.push_back(
      {"irgc",
       "Iran's IRGC-QF as sponsor of aligned groups.",
       {share("leadership_intact",
              "1 while its commanders in Iraq live; an event that kills them sets it lower, "
              "which breaks coordination.",
              true),
        days("coordination_recovery_days", "Time coordination takes to recover after its leaders are killed."),
        share("pressure_directive", "Directive to aligned groups to raise pressure on the US (0: none).", true),
        real("support_usd_per_year", "USD per year", 0, 1e12, "Support shared among aligned groups.", true)}});

  // 42 bytes a lattice cell at the peak: docs/performance.md measures 1.49 GiB for 38.2 million
  // cells and 2.22 GiB for 57.2 million.
  s.peak_memory_bytes = [](const sim::Scenario& scenario) {
    constexpr double kPeakBytesPerCell = 42;
    double cells = 0;
    for (const auto& r : region_names())
      cells += scenario.real("regions." + r + ".population") / scenario.real("scale.people_per_agent") /
               scenario.real("protest.density");
    return kPeakBytesPerCell * cells;
  };
  s.memory_parameter = "scale.people_per_agent";
  s.cross_check = [](const sim::Scenario& scenario) {
    std::vector<sim::Diagnostic> problems;
    const double scale = scenario.real("scale.people_per_agent");
    for (const auto& r : region_names()) {
      const std::string path = "regions." + r + ".population";
      const double agents = scenario.real(path) / scale / scenario.real("protest.density");
      constexpr double kMaxCellsPerRegion = 1 << 30;
      if (agents > kMaxCellsPerRegion)
        problems.push_back(
            {scenario.parameter(path).where, path,
             "the lattice would need " + std::to_string(agents) + " cells; raise scale.people_per_agent"});
    }
    if (scenario.real("coalition.min_bases") > scenario.real("coalition.bases"))
      problems.push_back({scenario.parameter("coalition.min_bases").where, "coalition.min_bases",
                          "min_bases exceeds coalition.bases"});
    return problems;
  };
  return s;
}

}  // namespace

const sim::ModelSchema& schema() {
  static const sim::ModelSchema s = build_schema();
  return s;
}

}  // namespace confsim::agents::iraq
