#pragma once
// A foreign force stationed in the host country: troops moving towards the level its government
// intends, bases by region that close under withdrawal pressure, an embassy and supply routes that
// armed groups may attack, and a doctrine of retaliation when attacks kill its personnel. Its
// target classes are named after its `target_label`: LABEL_forces, LABEL_embassy, LABEL_convoy.
#include <deque>

#include "component.hpp"

namespace confsim::agents::conflict {

class ArmedGroup;
class Government;

struct ForeignForceParams {
  std::string host, target_label;
  double troops = 0;
  sim::Live troop_target, drawdown_signal, pressure_on_host;
  double withdrawal_per_day = 0;
  sim::KeyedValues bases;
  double min_bases = 0, base_closure_rate = 0, attack_sensitivity = 0;
  double personnel_death_probability = 0, retaliation_probability = 0, collateral_probability = 0;
  double strike_fighters_killed = 0, strike_withdrawal_pressure = 0, withdrawal_pressure_half_life = 1;
  double collateral_legitimacy_cost = 0;
  std::string embassy_region;
  sim::Names supply_routes;
  std::string convoy_bystander;
  double convoy_bystander_share = 0, convoy_host_death_probability = 0;
};

class ForeignForce final : public Component {
 public:
  static ComponentKind kind();
  ForeignForce(const sim::Scenario& scenario, const sim::Entry& entry);

  void initialise(World& world, const sim::LiveParameters& live) override;
  void react(World& world, const sim::EventRecord& action) override;
  void decide(World& world) override;
  void declare_series(sim::SeriesTable& series) const override;

  // ---- what armed groups see ----
  double troops() const { return troops_; }
  void check_accounts(std::vector<std::string>& broken) const override;
  double bases_in(std::size_t region) const { return bases_[region]; }
  double total_bases() const;
  double initial_bases() const { return initial_bases_; }
  double drawdown_signal() const { return p_.drawdown_signal; }
  // How hard its government presses the host to act against the groups attacking it.
  double pressure_on_host() const { return p_.pressure_on_host; }
  bool has_embassy() const { return embassy_region_ >= 0; }
  std::size_t embassy_region() const { return static_cast<std::size_t>(embassy_region_); }
  const std::vector<std::size_t>& supply_route_regions() const { return routes_; }
  double convoy_bystander_share() const { return p_.convoy_bystander.empty() ? 0.0 : p_.convoy_bystander_share; }
  double convoy_host_death_probability() const { return p_.convoy_host_death_probability; }
  double personnel_death_probability() const { return p_.personnel_death_probability; }
  double strike_withdrawal_pressure() const { return p_.strike_withdrawal_pressure; }
  std::int32_t forces_target() const { return forces_target_; }
  std::int32_t embassy_target() const { return embassy_target_; }
  std::int32_t convoy_target() const { return convoy_target_; }
  std::int32_t bystander_target() const { return bystander_target_; }
  static std::string forces_name(const std::string& label) { return label + "_forces"; }
  static std::string embassy_name(const std::string& label) { return label + "_embassy"; }
  static std::string convoy_name(const std::string& label) { return label + "_convoy"; }

  // ---- effects of others' decisions ----
  // An attack on its forces, embassy or convoys by a group (as attributed); deaths of its own
  // personnel call for retaliation.
  void attacked(const ArmedGroup& attributed_to, std::int64_t personnel_killed);
  // The host's political pressure for its withdrawal (a strike on the host's soil, a march).
  void add_withdrawal_pressure(double amount);

 private:
  void strike_on_host_soil(World& world, bool host_personnel_killed);

  ForeignForceParams p_;
  std::vector<double> bases_;
  double initial_bases_ = 0, troops_ = 0, withdrawal_pressure_ = 0;
  std::int64_t embassy_region_ = -1;
  std::vector<std::size_t> routes_;
  std::deque<std::int64_t> attacks_by_day_;  // the last 30 days
  std::int64_t attacks_today_ = 0;
  std::vector<std::int64_t> pending_deaths_;  // by the faction index of the group blamed
  std::vector<ArmedGroup*> groups_;
  Government* host_ = nullptr;
  std::int32_t forces_target_ = -1, embassy_target_ = -1, convoy_target_ = -1, bystander_target_ = -1;
  std::int32_t leadership_strike_ = -1;
};

}  // namespace confsim::agents::conflict
