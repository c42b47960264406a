#pragma once
// A sponsor: a foreign state or network that funds and directs armed groups (those whose `sponsor`
// names it). Its commanders coordinate the groups; a strike that kills them breaks coordination,
// which then recovers, and its directives raise the groups' pressure on a target.
#include "component.hpp"

namespace confsim::agents::conflict {

class ArmedGroup;

struct SponsorParams {
  sim::Live support_usd_per_year;
  double coordination_recovery_days = 1;
  double decapitation_loss = 1;
  sim::Live pressure_directive;
};

class Sponsor final : public Component {
 public:
  static ComponentKind kind();
  Sponsor(const sim::Scenario& scenario, const sim::Entry& entry);

  void initialise(World& world, const sim::LiveParameters& live) override;
  void react(World& world, const sim::EventRecord& action) override;
  void decide(World& world) override;
  void declare_series(sim::SeriesTable& series) const override;

  // How well its commanders coordinate its groups (1: intact).
  double coordination() const { return coordination_; }
  // Support it can pass on this month, shared among its groups.
  double monthly_support() const { return p_.support_usd_per_year / 12.0 * coordination_; }
  double directive() const { return p_.pressure_directive; }
  static std::string leadership_target(const std::string& sponsor) { return sponsor + "_leadership"; }

 private:
  SponsorParams p_;
  double coordination_ = 1;
  std::int32_t leadership_target_ = 0, leadership_strike_ = -1;
  std::vector<ArmedGroup*> groups_;
};

}  // namespace confsim::agents::conflict
