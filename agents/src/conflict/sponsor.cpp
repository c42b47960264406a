#include "sponsor.hpp"

#include <algorithm>

#include "armed_group.hpp"
#include "confsim/sim/distributions.hpp"
#include "params.hpp"

namespace confsim::agents::conflict {
namespace {

const sim::ParamTable<SponsorParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<SponsorParams> t;
    t.add(money("support_usd_per_year", "Support it shares among its groups (by alignment and fighters).", true),
          &SponsorParams::support_usd_per_year);
    t.add(days("coordination_recovery_days",
               "Time its coordination of the groups takes to recover after its commanders are killed."),
          &SponsorParams::coordination_recovery_days);
    t.add(share("decapitation_loss", "Share of its coordination lost when a strike kills its commanders."),
          &SponsorParams::decapitation_loss);
    t.add(share("pressure_directive",
                "Its directive to its groups to raise pressure on foreign forces (0: none); events set it "
                "around outside political dates.",
                true),
          &SponsorParams::pressure_directive);
    return t;
  }();
  return bound;
}

}  // namespace

ComponentKind Sponsor::kind() {
  ComponentKind k;
  k.name = "sponsor";
  k.description =
      "A foreign state or network that funds and directs the armed groups whose `sponsor` names it. A scheduled "
      "`leadership_strike` on its leadership (target NAME_leadership) breaks its coordination, which recovers "
      "over coordination_recovery_days; while a directive stands it passes it to each group with probability "
      "equal to its coordination (a `directive` event), and a group that has it attacks foreign forces more.";
  k.stage = 0;
  k.params = table().specs();
  k.vocabulary = [](const sim::Scenario&, const sim::Entry& e, VocabularyBuilder& v) {
    v.actor(e.name, ActorType::external_other);
    v.target(leadership_target(e.name), ActorType::external_other);
    v.target(target_class::armed_group, ActorType::political_militias, true);
    v.kind(EventKind::directive);
    v.kind(EventKind::leadership_strike);
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<Sponsor>(s, e); };
  return k;
}

Sponsor::Sponsor(const sim::Scenario& scenario, const sim::Entry& entry) : Component(entry.name) {
  table().read(scenario, "actors." + entry.name, p_);
}

void Sponsor::initialise(World& world, const sim::LiveParameters& live) {
  table().bind(live, "actors." + name(), p_);
  leadership_target_ = world.target(leadership_target(name()));
  leadership_strike_ = world.kind_code(EventKind::leadership_strike);
  for (ArmedGroup* g : world.all<ArmedGroup>())
    if (g->sponsor() == name()) groups_.push_back(g);
}

void Sponsor::react(World& world, const sim::EventRecord& action) {
  (void)world;
  if (action.kind != leadership_strike_ || action.target != leadership_target_) return;
  // Its commanders were killed: coordination breaks and its groups seek revenge.
  coordination_ = std::max(0.0, coordination_ - p_.decapitation_loss);
  for (ArmedGroup* g : groups_)
    if (g->alive()) g->seek_revenge(p_.decapitation_loss * g->alignment());
}

void Sponsor::decide(World& world) {
  // Within a day when the recovery time is shorter than a day (a larger step would overshoot).
  coordination_ += (1.0 - coordination_) * std::min(1.0, 1.0 / p_.coordination_recovery_days);
  // A standing directive reaches each group as far as the network is coordinated.
  sim::RandomStream draw = world.stream(stream_key(), sim::Purpose::faction_action);
  const bool standing = p_.pressure_directive > 0;
  for (ArmedGroup* g : groups_) {
    if (!g->alive()) continue;
    if (!standing) {
      g->receive_directive(false);
      continue;
    }
    if (g->has_directive() || !sim::draw_bernoulli(draw, coordination_, "its coordination")) continue;
    g->receive_directive(true);
    world.emit(EventKind::directive, world.actor(name()), world.target(target_class::armed_group),
               static_cast<std::int32_t>(g->home_region()), 0, 0, 0, world.actor(g->name()));
  }
}

void Sponsor::declare_series(sim::SeriesTable& series) const {
  series.add_scalar(name() + "_coordination", "coordination of its armed groups by " + name(), "1",
                    [this] { return coordination_; });
}

}  // namespace confsim::agents::conflict
