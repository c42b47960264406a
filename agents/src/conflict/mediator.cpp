#include "mediator.hpp"

#include "confsim/sim/distributions.hpp"
#include "params.hpp"

namespace confsim::agents::conflict {
namespace {

// Every parameter once: its key, type, range and meaning, bound to the member it fills.
const sim::ParamTable<MediatorParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<MediatorParams> t;
    t.add(references("regions", "regions", "Where its appeals are heard (none given: every region)."),
          &MediatorParams::regions);
    t.add(real("appeal_rate", "per day", 0, 1000, "Appeals for calm a day (events may start or end its mission).",
               true),
          &MediatorParams::appeal_rate);
    t.add(share("legitimacy_gain", "Government legitimacy an appeal restores in the region where it is made."),
          &MediatorParams::legitimacy_gain);
    return t;
  }();
  return bound;
}

constexpr const char* kAudience = "parties";  // whom an appeal addresses: the parties to the conflict

}  // namespace

ComponentKind Mediator::kind() {
  ComponentKind k;
  k.name = "mediator";
  k.description =
      "A mediator who appeals for calm (any number): Poisson(appeal_rate) appeals a day, each in one of its "
      "regions drawn at random, restoring legitimacy_gain of the government's legitimacy there (an `appeal` "
      "event).";
  k.stage = 4;
  k.params = table().specs();
  k.vocabulary = [](const sim::Scenario&, const sim::Entry& e, VocabularyBuilder& v) {
    v.actor(e.name, ActorType::external_other);
    v.target(kAudience, ActorType::civilians, true);
    v.kind(EventKind::appeal);
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<Mediator>(s, e); };
  return k;
}

Mediator::Mediator(const sim::Scenario& scenario, const sim::Entry& entry) : Component(entry.name) {
  table().read(scenario, "actors." + entry.name, p_);
}

void Mediator::initialise(World& world, const sim::LiveParameters& live) {
  table().bind(live, "actors." + name(), p_);
  for (std::size_t r = 0; r < world.regions().size(); ++r)
    if (p_.regions.empty() || std::find(p_.regions.begin(), p_.regions.end(), world.regions()[r].name) != p_.regions.end())
      regions_.push_back(r);
}

void Mediator::decide(World& world) {
  // Its own streams for today: whether and how often it speaks, and where.
  sim::RandomStream act = world.stream(stream_key(), sim::Purpose::faction_action);
  sim::RandomStream where = world.stream(stream_key(), sim::Purpose::faction_target);
  const std::int64_t appeals = sim::draw_poisson(act, p_.appeal_rate, "appeal_rate");
  for (std::int64_t k = 0; k < appeals; ++k) {
    const std::size_t r =
        regions_[static_cast<std::size_t>(sim::draw_integer(where, 0, static_cast<std::int64_t>(regions_.size()) - 1))];
    world.shift_legitimacy(r, p_.legitimacy_gain);
    world.emit(EventKind::appeal, world.actor(name()), world.target(kAudience), static_cast<std::int32_t>(r));
    ++appeals_;
  }
}

void Mediator::declare_series(sim::SeriesTable& series) const {
  series.add_scalar(name() + "_appeals", "appeals for calm by " + name() + " so far", "1",
                    [this] { return static_cast<double>(appeals_); });
}

}  // namespace confsim::agents::conflict
