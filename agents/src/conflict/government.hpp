#pragma once
// The government and its security forces. Its policies are conditions scheduled events set (a new
// cabinet, a funding squeeze, a dialogue); its decisions are the day's policing posture, raids on
// armed groups chosen by the pressure to act on each weighed against its political protection,
// releases of detainees under threat, and arrests of officials who move the groups' money. It holds
// the payroll some armed groups draw on, and the rules of its security units on the protest
// lattices. Its security forces act under the name `forces`; its head under the name `leader`.
#include "component.hpp"

namespace confsim::agents::conflict {

class ArmedGroup;
class ProtestMovement;
class ForeignForce;

struct GovernmentParams {
  std::string leader, forces;
  sim::Live reform_intent, bloc_dependence, repression_propensity, mission_protection, funding_squeeze, dialogue,
      state_capacity;
  double raid_rate = 0, raid_detainees_mean = 0, raid_pressure_half_life = 1, release_pressure_gain = 0,
         attack_weight = 0, protection_weight = 0, raid_legitimacy_gain = 0, release_legitimacy_cost = 0,
         release_deterrence = 0, resolve_recovery_half_life = 1, posture_half_saturation = 0,
         office_attack_arrest_probability = 0, anti_corruption_rate = 0;
  std::int64_t raid_cooldown_days = 0;
  double payroll_usd_per_year = 0, payroll_fighters = 1;
  double killing_legitimacy_cost = 0, legitimacy_recovery = 0;
  // its security units on the protest lattices
  double units_per_1000_people = 0, unit_vision = 1, repression_rate = 0, kill_probability = 0,
         wound_probability = 0, arrest_share = 0, arrest_probability = 0;
  std::int64_t jail_days = 0;
};

class Government final : public Component {
 public:
  static ComponentKind kind();
  Government(const sim::Scenario& scenario, const sim::Entry& entry);

  void initialise(World& world, const sim::LiveParameters& live) override;
  void decide(World& world) override;
  void resolve(World& world) override;
  void declare_series(sim::SeriesTable& series) const override;

  const GovernmentParams& params() const { return p_; }
  // Share of today's confrontations with protesters that use live fire.
  double lethal_share() const { return lethal_share_; }
  // How far `active` people protesting push the posture towards its highest: A/(A + H), H the
  // half-saturation; 0 when nobody protests, also when H is 0.
  double protest_saturation(double active) const;
  // Deterrence of attacks on foreign missions: protection ordered by a government that means it.
  double mission_deterrence() const { return p_.mission_protection * p_.reform_intent; }
  // The squeeze on armed groups' money as the groups feel it.
  double squeeze() const { return p_.funding_squeeze * p_.reform_intent; }
  // Monthly pay for a group of this many fighters on its payroll, after the squeeze.
  double monthly_pay(double fighters) const;
  double releases_under_pressure() const { return releases_under_pressure_; }
  std::int32_t forces_actor() const { return forces_actor_; }
  std::int32_t government_target() const { return government_target_; }
  std::int32_t leader_target() const { return leader_target_; }
  // Security forces arrest attackers of a party office, as far as the government means it.
  double office_attack_arrest_probability() const { return p_.office_attack_arrest_probability * p_.reform_intent; }
  // How far a group is shielded from a raid: formal status on the payroll, the seats the government
  // needs, and the force a confrontation would meet.
  double protection(const ArmedGroup& group, double bloc_dependence) const;

 private:
  void conduct_raid(World& world, ArmedGroup& group, sim::RandomStream& draw);
  void anti_corruption_arrests(World& world, sim::RandomStream& draw);

  GovernmentParams p_;
  std::vector<ArmedGroup*> groups_;
  std::vector<ForeignForce*> forces_;
  ProtestMovement* protest_ = nullptr;
  std::int32_t forces_actor_ = 0, government_target_ = 0, leader_target_ = 0;
  double lethal_share_ = 0;
  std::int64_t days_since_raid_ = 0;
  double raid_resolve_ = 1.0;  // falls after each release under pressure, then recovers
  double releases_under_pressure_ = 0;
};

}  // namespace confsim::agents::conflict
