#pragma once
// An armed group: fighters, funding (state payroll, its sponsor's support, its own revenue) and the
// capacity they give, its political wing's seats, and a stance towards the state — an insider on
// or near the payroll who attacks foreign forces, critics and protesters from within, or an
// insurgent who fights the state as a whole. Which targets it attacks, where it operates and which
// front groups it may found are data. Front groups are armed groups too, in slots that open when
// their parent founds them.
#include "component.hpp"

namespace confsim::agents::conflict {

class ForeignForce;
class Government;
class ProtestMovement;
class Sponsor;

// What every armed group follows (the scenario's armed_group_rules section).
struct ArmedGroupRules {
  double foreign_attack_rate = 0, directive_gain = 0, revenge_gain = 0, revenge_half_life = 1,
         drawdown_emboldenment = 0, squeeze_retaliation_gain = 0, raid_disruption = 0, disruption_half_life = 1,
         drone_attribution_weight = 0, convoy_exposure_gain = 0, media_attack_rate = 0, party_office_attack_rate = 0,
         activist_attack_rate = 0, protest_fire_rate = 0, gunfire_kill_probability = 0, office_reach_people = 1,
         threat_rate = 0, threat_learning = 0, front_group_rate = 0, front_group_share = 0, front_attribution = 1,
         march_probability = 0, election_grievance_gain = 0, leader_attack_rate = 0, grievance_half_life = 1,
         insurgent_attack_rate = 0, insurgent_capacity_gain = 0, reprisal_probability = 0,
         funding_response_days = 1;
  static const char* const kSection;  // "armed_group_rules"
  static ArmedGroupRules from(const sim::Scenario& scenario);
};

struct ArmedGroupParams {
  double fighters = 0;
  bool on_state_payroll = false;
  sim::Live seats;
  std::string sponsor;
  double alignment = 0, foreign_hostility = 0, militancy = 0, anti_protest = 0;
  sim::Live crackdown_participation;
  std::string stance = "insider";
  std::string home_region;
  sim::Names operating_regions, targets;
  double own_revenue_usd_per_year = 0;
  sim::Names front_groups;
  std::int64_t max_front_groups = 0;
  std::int64_t offices = 1;
};

class ArmedGroup final : public Component {
 public:
  static ComponentKind kind();
  ArmedGroup(const sim::Scenario& scenario, const sim::Entry& entry);
  // A front group's slot: it exists once its parent founds it.
  ArmedGroup(std::string name, ArmedGroup& parent);

  std::vector<std::unique_ptr<Component>> dependents() override;
  void connect(World& world) override;
  void initialise(World& world, const sim::LiveParameters& live) override;
  void begin_run(World& world) override;
  void decide(World& world) override;
  // Its members are conserved: those free, held, killed and gone to its front groups add up to those
  // it started with (or, for a front group, took from its parent).
  void check_accounts(std::vector<std::string>& broken) const override;

  // The names of a group's front-group slots: those the scenario gives, then numbered ones.
  static std::vector<std::string> front_slot_names(const std::string& group, const sim::Names& named,
                                                   std::int64_t slots);
  static void declare_faction_series(sim::SeriesTable& series, const std::vector<ArmedGroup*>& groups);

  // ---- what others see ----
  bool alive() const { return alive_; }
  bool insurgent() const { return p_.stance == "insurgent"; }
  bool is_front() const { return parent_ != nullptr; }
  // The group whose standing protects it: its parent for a front group.
  const ArmedGroup& backer() const { return parent_ ? *parent_ : *this; }
  std::size_t faction_index() const { return faction_index_; }
  double fighters() const { return alive_ ? fighters_ : 0.0; }
  double funding() const { return alive_ ? funding_ : 0.0; }
  double detained() const { return detained_; }
  std::int64_t detained_since() const { return detained_since_; }
  double seats() const { return p_.seats; }
  bool on_state_payroll() const { return p_.on_state_payroll; }
  double alignment() const { return p_.alignment; }
  double anti_protest() const { return p_.anti_protest; }
  std::int64_t offices() const { return p_.offices; }
  const std::string& sponsor() const { return p_.sponsor; }
  std::size_t home_region() const { return home_; }
  bool attacks(const std::string& target_role) const;
  double protest_pressure() const { return protest_pressure_; }
  double blame(std::size_t force) const { return blame_[force]; }
  double disruption() const { return disruption_; }
  double threat_pressure() const { return threat_pressure_; }
  bool has_directive() const { return directive_; }
  // Whether its gunmen fire on protesters gathered at its offices today.
  bool fires_today() const { return fires_; }

  // ---- effects of others' decisions ----
  void raided(std::int64_t tick, std::int64_t caught);
  std::int64_t release();  // its detained members go free; returns how many
  void struck(World& world, ForeignForce& by, std::int64_t fighters_killed);
  void seek_revenge(double amount) { revenge_ += amount; }
  void receive_directive(bool received) { directive_ = received; }
  void add_interest_pressure(double amount) { interest_pressure_ += amount; }
  void protesters_killed(std::int64_t killed) { protest_pressure_ += static_cast<double>(killed); }

  // The target roles a group may attack (ArmedGroupParams::targets).
  static const std::vector<std::string>& target_roles();

 private:
  double funding_sources() const;
  double capacity() const;
  void decide_as_insurgent(World& world, double capacity, sim::RandomStream& act, sim::RandomStream& pick,
                           sim::RandomStream& outcome);
  void attack_foreign_force(World& world, ForeignForce& force, std::size_t force_index, double deterrence,
                            sim::RandomStream& pick, sim::RandomStream& outcome);
  void reprisal(World& world, std::size_t region, sim::RandomStream& pick, sim::RandomStream& outcome);
  void found_front_group(World& world);
  ArmedGroup& attributed(sim::RandomStream& pick);
  std::size_t intimidation_region(const World& world) const;
  bool operates_in(std::size_t region) const;

  ArmedGroupParams p_;
  ArmedGroupRules rules_;
  ArmedGroup* parent_ = nullptr;
  std::vector<ArmedGroup*> fronts_;  // its slots, in order
  std::size_t faction_index_ = 0, home_ = 0;
  std::vector<std::size_t> operating_;
  std::vector<ForeignForce*> forces_;
  std::vector<ArmedGroup*> all_groups_;
  Government* government_ = nullptr;
  ProtestMovement* protest_ = nullptr;
  Sponsor* sponsor_ = nullptr;
  bool alive_ = false, directive_ = false, fires_ = false;
  double fighters_ = 0, funding_ = 0, reference_funding_ = 1, reference_fighters_ = 1;
  double protest_pressure_ = 0, interest_pressure_ = 0, revenge_ = 0, disruption_ = 0, threat_pressure_ = 0;
  double leader_grievance_ = 0, detained_ = 0, seats_seen_ = 0;
  double fighters_at_start_ = 0, fighters_killed_ = 0, fighters_to_fronts_ = 0;
  std::int64_t detained_since_ = 0;
  std::vector<double> blame_;  // attacks on each foreign force blamed on it
};

}  // namespace confsim::agents::conflict
