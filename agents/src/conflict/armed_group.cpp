#include "armed_group.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "confsim/sim/distributions.hpp"
#include "foreign_force.hpp"
#include "government.hpp"
#include "params.hpp"
#include "protest_movement.hpp"
#include "sponsor.hpp"

namespace confsim::agents::conflict {
namespace {

// Fixed modelling choices, each an assumption with its reason (docs/conflict-model.md lists them).
namespace assumed {
constexpr double kCapacityCap = 1.5;        // funding beyond 150% of a group's normal adds nothing
constexpr double kRocketFloor = 0.2;        // rockets stay in use with few bases (an embassy, an airport: 002)
constexpr double kIedFloor = 0.1;           // convoys are on the roads before consolidation too
constexpr double kDroneFloor = 0.02;        // drones are rare where attribution does not matter
constexpr double kEmbassyShare = 0.3;       // rockets and drones aimed at an embassy in reach rather than a base
constexpr double kExtraDeathsMean = 0.5;    // a fatal attack on a foreign force kills 1 + Poisson(0.5)
constexpr double kIntimidationFloor = 0.1;  // media and offices are attacked a little without pressure
constexpr double kAssassinationShare = 0.5;      // activists killed rather than abducted
constexpr double kOfficeAttackersExtraMean = 2;  // 003: "arrested some of the attackers": 1 + Poisson(2)
constexpr double kRaidBlameKept = 0.5;           // a raid answers half of the foreign blame on its target
constexpr double kFrontExtraMilitancy = 0.2;     // 002: "more enraged than the previous groups"
// Insurgents (004: rural areas; the documents give no counts).
constexpr double kInsurgentOnSecurityForces = 0.6, kInsurgentOnCivilians = 0.2, kInsurgentOnArmedGroups = 0.2;
constexpr double kInsurgentKilledMean = 1.5, kInsurgentWoundedMean = 2.0;
constexpr double kReprisalExtraKilledMean = 3.0;  // 003: eight members of a family near Balad: 1 + Poisson(3)
}  // namespace assumed

namespace role {
constexpr const char* foreign_forces = "foreign_forces";
constexpr const char* government = "government";
constexpr const char* leader = "leader";
constexpr const char* security_forces = "security_forces";
constexpr const char* media = "media";
constexpr const char* party_offices = "party_offices";
constexpr const char* activists = "activists";
constexpr const char* protesters = "protesters";
constexpr const char* civilians = "civilians";
constexpr const char* armed_groups = "armed_groups";
}  // namespace role

const sim::ParamTable<ArmedGroupParams>& table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<ArmedGroupParams> t;
    using P = ArmedGroupParams;
    t.add(people("fighters", "Fighters at the start."), &P::fighters);
    t.add(flag("on_state_payroll", "Whether the state pays its fighters (formal status shields it from raids)."),
          &P::on_state_payroll);
    t.add(real("seats", "seats", 0, 10000, "Seats its political wing holds in parliament (events may change them).",
               true),
          &P::seats);
    t.add(reference("sponsor", "actors", {"sponsor"}, "The sponsor that funds and directs it (none: no sponsor).", true),
          &P::sponsor);
    t.add(share("alignment", "How far its sponsor directs and funds it (0: not at all, 1: fully)."), &P::alignment);
    t.add(share("foreign_hostility", "How far it sets out to attack foreign forces (0: never, 1: as a goal)."),
          &P::foreign_hostility);
    t.add(share("militancy", "Readiness to use violence against foreign forces, the state and its critics."),
          &P::militancy);
    t.add(share("anti_protest", "Readiness of its gunmen to fire on protesters gathered at its offices."),
          &P::anti_protest);
    t.add(share("crackdown_participation",
                "For a group on the state's payroll: chance a day that its gunmen join the state's live fire on "
                "protesters near its positions, at a full lethal share and full readiness to fire (events may "
                "change it, e.g. when its commander joins the government).",
                true),
          &P::crackdown_participation);
    t.add({.key = "stance",
           .type = sim::ValueType::choice,
           .description = "insider: it works on or near the state's payroll, can be raided and protected; "
                          "insurgent: it fights the state as a whole from its operating regions, is never "
                          "protected, and lives on its own revenue.",
           .choices = {"insider", "insurgent"}},
          &P::stance);
    t.add(reference("home_region", "regions", {}, "Where its offices and main bases are (raids and its gunmen act there)."),
          &P::home_region);
    t.add({.key = "offices",
           .type = sim::ValueType::integer,
           .description = "Positions of its gunmen on its home region's protest lattice (offices, checkpoints), "
                          "each on a cell drawn at random.",
           .min = 0,
           .max = 10000,
           .default_value = std::int64_t{1},
           .default_reason = "one office where its gunmen gather"},
          &P::offices);
    t.add(references("operating_regions", "regions",
                     "Where it can strike (none given: its home region only); attacks on foreign forces, convoys "
                     "and embassies happen only within reach."),
          &P::operating_regions);
    {
      auto targets = references("targets", "", "What it attacks; anything else it leaves alone.", false);
      targets.choices = ArmedGroup::target_roles();
      t.add(targets, &P::targets);
    }
    t.add(money("own_revenue_usd_per_year", "Its own income: extortion, smuggling, taxation of territory."),
          &P::own_revenue_usd_per_year);
    t.add(references("front_groups", "", "Names of the front groups it may found, in the order it founds them."),
          &P::front_groups);
    t.add({.key = "max_front_groups",
           .type = sim::ValueType::integer,
           .description = "Most front groups it may found (named ones first, then numbered NAME_front_K).",
           .min = 0,
           .max = 32,
           .default_value = std::int64_t{0},
           .default_reason = "no front groups unless the scenario gives it some"},
          &P::max_front_groups);
    return t;
  }();
  return bound;
}

const sim::ParamTable<ArmedGroupRules>& rules_table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<ArmedGroupRules> t;
    using R = ArmedGroupRules;
    t.add(rate("foreign_attack_rate",
               "Attacks on one foreign force a day by a fully militant, fully hostile group at full capacity."),
          &R::foreign_attack_rate);
    t.add(gain("directive_gain", "How much a sponsor's directive, once received, multiplies its groups' attacks."),
          &R::directive_gain);
    t.add(gain("revenge_gain", "How much fresh revenge (for strikes on it or its sponsor) multiplies attacks.", 1000),
          &R::revenge_gain);
    t.add(days("revenge_half_life_days", "Half-life of revenge."), &R::revenge_half_life);
    t.add(gain("drawdown_emboldenment", "Attack multiplier from a foreign force's signalled drawdown."),
          &R::drawdown_emboldenment);
    t.add(gain("squeeze_retaliation_gain", "Attack multiplier from state pressure on a group's interests."),
          &R::squeeze_retaliation_gain);
    t.add(share("raid_disruption", "Share of a group's capacity lost right after a raid on it."), &R::raid_disruption);
    t.add(days("disruption_half_life_days", "Half-life of the disruption a raid causes."), &R::disruption_half_life);
    t.add(gain("drone_attribution_weight", "How strongly deterrence pushes attacks towards drones."),
          &R::drone_attribution_weight);
    t.add(gain("convoy_exposure_gain", "How strongly base consolidation exposes supply convoys to bombs."),
          &R::convoy_exposure_gain);
    t.add(rate("media_attack_rate", "Attacks on critical media a day by a fully militant group under full pressure."),
          &R::media_attack_rate);
    t.add(rate("party_office_attack_rate", "Attacks on party offices a day, same scale."), &R::party_office_attack_rate);
    t.add(rate("activist_attack_rate", "Assassinations or abductions of activists a day per unit of protest."),
          &R::activist_attack_rate);
    t.add(rate("protest_fire_rate", "Chance a day that its gunmen fire on protesters gathered at its offices."),
          &R::protest_fire_rate);
    t.add(share("gunfire_kill_probability", "Chance that one person in a group under its gunmen's fire is killed."),
          &R::gunfire_kill_probability);
    t.add(real("office_reach_people", "people", 1, 1e8,
               "People living around a position of a group's gunmen who are within their fire if they protest; "
               "the radius on the lattice follows from the scale and density, so casualties do not depend on "
               "scale.people_per_agent."),
          &R::office_reach_people);
    t.add(rate("threat_rate",
               "Threats a day by a fully militant group while the state holds its members (and per unit of "
               "grievance against the government's head)."),
          &R::threat_rate);
    t.add(gain("threat_learning", "How much each past release under threat multiplies later threats."),
          &R::threat_learning);
    t.add(rate("front_group_rate", "Front groups a day founded by an aligned group whose sponsor's coordination broke."),
          &R::front_group_rate);
    t.add(share("front_group_share", "Share of its parent's fighters and funding a new front group takes."),
          &R::front_group_share);
    t.add(share("front_attribution",
                "Share of a front group's attacks that its targets attribute to its parent (the rest to the "
                "front itself, which has no protection)."),
          &R::front_attribution);
    t.add(share("march_probability", "Chance that a group struck by a foreign force marches on its embassy."),
          &R::march_probability);
    t.add(gain("election_grievance_gain", "Grievance against the government's head per share of seats lost."),
          &R::election_grievance_gain);
    t.add(rate("leader_attack_rate", "Attacks on the government's head a day per unit of grievance against them."),
          &R::leader_attack_rate);
    t.add(days("grievance_half_life_days", "Half-life of grievance against the government's head."),
          &R::grievance_half_life);
    t.add(rate("insurgent_attack_rate", "An insurgent group's attacks a day at normal state capacity."),
          &R::insurgent_attack_rate);
    t.add(gain("insurgent_capacity_gain", "Insurgent attack multiplier per unit of lost state capacity."),
          &R::insurgent_capacity_gain);
    t.add(share("reprisal_probability",
                "Chance that a group whose patrol insurgents attacked takes revenge on civilians nearby."),
          &R::reprisal_probability);
    t.add(days("funding_response_days", "Time a group's funding takes to follow a change in its sources."),
          &R::funding_response_days);
    return t;
  }();
  return bound;
}

std::size_t draw_weighted(sim::RandomStream& stream, const std::vector<double>& weights, const char* quantity) {
  double total = 0;
  for (double w : weights) total += w;
  double x = sim::draw_uniform(stream, 0.0, total, quantity);
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (weights[i] > 0 && (x -= weights[i]) <= 0) return i;
  for (std::size_t i = weights.size(); i-- > 0;)
    if (weights[i] > 0) return i;
  return 0;
}

}  // namespace

const char* const ArmedGroupRules::kSection = "armed_group_rules";

ArmedGroupRules ArmedGroupRules::from(const sim::Scenario& scenario) {
  ArmedGroupRules r;
  rules_table().read(scenario, kSection, r);
  return r;
}

const std::vector<std::string>& ArmedGroup::target_roles() {
  static const std::vector<std::string> roles = {
      role::foreign_forces, role::government, role::leader,    role::security_forces, role::media,
      role::party_offices,  role::activists,  role::protesters, role::civilians,      role::armed_groups};
  return roles;
}

std::vector<std::string> ArmedGroup::front_slot_names(const std::string& group, const sim::Names& named,
                                                      std::int64_t slots) {
  std::vector<std::string> names;
  for (std::int64_t k = 0; k < slots; ++k)
    names.push_back(k < static_cast<std::int64_t>(named.size()) ? named[static_cast<std::size_t>(k)]
                                                                : group + "_front_" + std::to_string(k + 1));
  return names;
}

ComponentKind ArmedGroup::kind() {
  ComponentKind k;
  k.name = "armed_group";
  k.description =
      "An armed group (any number), insider or insurgent. Each day its funding follows its sources (state "
      "payroll, its sponsor's support shared by alignment and fighters, its own revenue); its capacity is funding "
      "and fighters relative to its start, less the disruption of a recent raid. An insider attacks each foreign "
      "force in reach at foreign_attack_rate · militancy · foreign_hostility · capacity, raised by its sponsor's "
      "directive, revenge, the force's drawdown signal and the state's pressure on its interests, lowered by "
      "deterrence; rockets go to bases in its operating regions, bombs to supply routes there, drones where "
      "being identified is costly. It intimidates media and party offices, its gunmen fire on protesters at its "
      "offices, it threatens the government while members are held and its head after an electoral loss, and, "
      "when its sponsor's coordination breaks, founds front groups. An insurgent attacks security forces, "
      "civilians and armed groups' patrols in its operating regions, more when state capacity falls.";
  k.stage = 3;
  k.params = table().specs();
  k.shared_sections = {{ArmedGroupRules::kSection, "What every armed group follows.", rules_table().specs(), true}};
  k.vocabulary = [](const sim::Scenario& s, const sim::Entry& e, VocabularyBuilder& v) {
    const std::string prefix = "actors." + e.name + ".";
    const bool insurgent = s.word(prefix + "stance") == "insurgent";
    // ACLED: rebels seek to overthrow the state; militias with political aims serve or pressure it.
    const ActorType type = insurgent ? ActorType::rebel_groups : ActorType::political_militias;
    v.actor(e.name, type);
    v.target(target_class::armed_group, ActorType::political_militias, true);
    const sim::Names& targets = s.names(prefix + "targets");
    const auto has = [&](const char* r) { return std::find(targets.begin(), targets.end(), r) != targets.end(); };
    if (has(role::foreign_forces)) {
      v.kind(EventKind::rocket_attack);
      v.kind(EventKind::ied_attack);
      v.kind(EventKind::drone_attack);
    }
    if (insurgent) {
      v.kind(EventKind::ied_attack);
      v.kind(EventKind::reprisal);
      v.target(target_class::civilians, ActorType::civilians, true);
    }
    if (has(role::media)) {
      v.kind(EventKind::media_attack);
      v.target(target_class::media, ActorType::civilians, true);
    }
    if (has(role::party_offices)) {
      v.kind(EventKind::party_office_attack);
      v.kind(EventKind::arrest);
      v.target(target_class::party_office, ActorType::civilians, true);
    }
    if (has(role::activists)) {
      v.kind(EventKind::assassination);
      v.kind(EventKind::abduction);
      v.target(target_class::activists, ActorType::civilians, true);
    }
    if (has(role::protesters)) v.target(target_class::protesters, ActorType::protesters, true);
    if (has(role::civilians)) v.target(target_class::civilians, ActorType::civilians, true);
    if (has(role::government) || has(role::leader)) v.kind(EventKind::threat);
    if (has(role::leader)) v.kind(EventKind::drone_attack);
    const std::int64_t slots = s.integer(prefix + "max_front_groups");
    if (slots > 0) v.kind(EventKind::front_group_formed);
    for (const auto& front :
         front_slot_names(e.name, s.has(prefix + "front_groups") ? s.names(prefix + "front_groups") : sim::Names{},
                          slots))
      v.actor(front, type, e.name);
  };
  k.check = [](const sim::Scenario& s, const sim::Entry& e) {
    std::vector<sim::Diagnostic> problems;
    const std::string prefix = "actors." + e.name + ".";
    if (!s.has(std::string(ArmedGroupRules::kSection) + ".foreign_attack_rate"))
      problems.push_back({e.where, ArmedGroupRules::kSection,
                          "'" + e.name + "' is an armed group: the scenario needs the section " +
                              ArmedGroupRules::kSection + " (the rules every armed group follows)"});
    if (s.has(prefix + "front_groups")) {
      const auto& named = s.names(prefix + "front_groups");
      if (static_cast<std::int64_t>(named.size()) > s.integer(prefix + "max_front_groups"))
        problems.push_back({s.parameter(prefix + "front_groups").where, prefix + "front_groups",
                            "names " + std::to_string(named.size()) + " front groups but max_front_groups is " +
                                std::to_string(s.integer(prefix + "max_front_groups"))});
    }
    if (s.has(prefix + "sponsor") != (s.real(prefix + "alignment") > 0) && s.real(prefix + "alignment") > 0)
      problems.push_back({s.parameter(prefix + "alignment").where, prefix + "alignment",
                          "alignment is above 0 but the group has no sponsor to align with"});
    return problems;
  };
  k.make = [](const sim::Scenario& s, const sim::Entry& e) { return std::make_unique<ArmedGroup>(s, e); };
  k.kind_series = [](sim::SeriesTable& series, const World& world) {
    declare_faction_series(series, world.all<ArmedGroup>());
  };
  return k;
}

ArmedGroup::ArmedGroup(const sim::Scenario& scenario, const sim::Entry& entry) : Component(entry.name) {
  table().read(scenario, "actors." + entry.name, p_);
  rules_ = ArmedGroupRules::from(scenario);
  if (p_.operating_regions.empty()) p_.operating_regions = {p_.home_region};
}

ArmedGroup::ArmedGroup(std::string name, ArmedGroup& parent)
    : Component(std::move(name)), p_(parent.p_), rules_(parent.rules_), parent_(&parent) {
  // A front group takes its parent's allegiance and reach, not its standing.
  p_.on_state_payroll = false;
  p_.seats = sim::Live(0.0);
  p_.militancy = std::min(1.0, parent.p_.militancy + assumed::kFrontExtraMilitancy);
  p_.own_revenue_usd_per_year = 0;
  p_.front_groups.clear();
  p_.max_front_groups = 0;
}

std::vector<std::unique_ptr<Component>> ArmedGroup::dependents() {
  std::vector<std::unique_ptr<Component>> out;
  for (const auto& name : front_slot_names(this->name(), p_.front_groups, p_.max_front_groups)) {
    auto front = std::make_unique<ArmedGroup>(name, *this);
    fronts_.push_back(front.get());
    out.push_back(std::move(front));
  }
  return out;
}

void ArmedGroup::connect(World& world) {
  all_groups_ = world.all<ArmedGroup>();
  for (std::size_t m = 0; m < all_groups_.size(); ++m)
    if (all_groups_[m] == this) faction_index_ = m;
  home_ = world.region(p_.home_region);
  operating_.clear();
  for (const auto& r : p_.operating_regions) operating_.push_back(world.region(r));
  forces_ = world.all<ForeignForce>();
  government_ = world.first<Government>();
  protest_ = world.first<ProtestMovement>();
  for (Sponsor* s : world.all<Sponsor>())
    if (s->name() == p_.sponsor) sponsor_ = s;
  blame_.assign(forces_.size(), 0.0);
}

void ArmedGroup::initialise(World& world, const sim::LiveParameters& live) {
  (void)world;
  if (is_front()) return;  // a slot: it comes alive when founded
  table().bind(live, "actors." + name(), p_);
  alive_ = true;
  fighters_ = fighters_at_start_ = p_.fighters;
  reference_fighters_ = std::max(1.0, p_.fighters);  // capacity is relative to it: never 0
  seats_seen_ = p_.seats;
}

void ArmedGroup::begin_run(World& world) {
  (void)world;
  // Sponsors share support by every group's fighters, so funding starts once all groups exist.
  if (alive_) funding_ = reference_funding_ = std::max(1.0, funding_sources());
}

bool ArmedGroup::attacks(const std::string& target_role) const {
  return std::find(p_.targets.begin(), p_.targets.end(), target_role) != p_.targets.end();
}

bool ArmedGroup::operates_in(std::size_t region) const {
  return std::find(operating_.begin(), operating_.end(), region) != operating_.end();
}

// Monthly income its sources provide today: state pay (cut by a funding squeeze), its sponsor's
// support shared by alignment and fighters, and its own revenue.
double ArmedGroup::funding_sources() const {
  double income = p_.own_revenue_usd_per_year / 12.0;
  if (p_.on_state_payroll && government_) income += government_->monthly_pay(fighters());
  if (sponsor_ && p_.alignment > 0) {
    double claims = 0;
    for (const ArmedGroup* g : all_groups_)
      if (g->alive() && g->sponsor_ == sponsor_) claims += g->p_.alignment * g->fighters();
    if (claims > 0) income += sponsor_->monthly_support() * p_.alignment * fighters() / claims;
  }
  return income;
}

double ArmedGroup::capacity() const {
  const double money = std::min(assumed::kCapacityCap, funding_ / reference_funding_);
  const double men = std::sqrt(std::max(0.0, fighters_) / reference_fighters_);
  return money * men * (1.0 - rules_.raid_disruption * disruption_);
}

std::size_t ArmedGroup::intimidation_region(const World& world) const {
  return operates_in(world.capital()) ? world.capital() : home_;
}

ArmedGroup& ArmedGroup::attributed(sim::RandomStream& pick) {
  // Front groups "could even be new names for the exact same group" (003): their targets see
  // through the name as often as front_attribution says.
  if (parent_ && sim::draw_bernoulli(pick, rules_.front_attribution, "front_attribution")) return *parent_;
  return *this;
}

void ArmedGroup::decide(World& world) {
  fires_ = false;
  if (!alive_) return;
  sim::RandomStream act = world.stream(stream_key(), sim::Purpose::faction_action);
  sim::RandomStream pick = world.stream(stream_key(), sim::Purpose::faction_target);
  sim::RandomStream outcome = world.stream(stream_key(), sim::Purpose::faction_outcome);
  // Funding follows its sources with a lag; memories fade.
  // Within a day when the response time is shorter than a day (a larger step would overshoot).
  funding_ += (funding_sources() - funding_) * std::min(1.0, 1.0 / rules_.funding_response_days);
  const double pressure_fade = government_ ? decay_per_tick(government_->params().raid_pressure_half_life) : 1.0;
  revenge_ *= decay_per_tick(rules_.revenge_half_life);
  disruption_ *= decay_per_tick(rules_.disruption_half_life);
  interest_pressure_ *= pressure_fade;
  protest_pressure_ *= pressure_fade;
  threat_pressure_ *= pressure_fade;
  for (auto& b : blame_) b *= pressure_fade;
  leader_grievance_ *= decay_per_tick(rules_.grievance_half_life);
  const double seats = p_.seats;
  if (seats < seats_seen_ && seats_seen_ > 0)
    leader_grievance_ += rules_.election_grievance_gain * (seats_seen_ - seats) / seats_seen_;
  seats_seen_ = seats;
  const double cap = capacity();
  if (insurgent()) return decide_as_insurgent(world, cap, act, pick, outcome);

  const Government* gov = government_;
  const double dialogue = gov ? static_cast<double>(gov->params().dialogue) : 0.0;
  const double deterrence = std::min(1.0, (gov ? gov->mission_deterrence() : 0.0) + disruption_);
  // Pressure on its money and assets, as the group feels it: dialogue with its leaders tempers it.
  const double squeeze =
      std::min(1.0, (gov ? gov->squeeze() : 0.0) * p_.alignment + interest_pressure_) * (1.0 - dialogue);

  if (attacks(role::foreign_forces))
    for (std::size_t f = 0; f < forces_.size(); ++f) {
      ForeignForce& force = *forces_[f];
      const double directive = sponsor_ && directive_ ? sponsor_->directive() : 0.0;
      const double rate = rules_.foreign_attack_rate * p_.militancy * p_.foreign_hostility * cap *
                          (1.0 + rules_.directive_gain * directive) *
                          (1.0 + rules_.revenge_gain * revenge_ * (1.0 - dialogue)) *
                          (1.0 + rules_.drawdown_emboldenment * force.drawdown_signal()) *
                          (1.0 + rules_.squeeze_retaliation_gain * squeeze) * (1.0 - 0.5 * deterrence);
      const std::int64_t n = sim::draw_poisson(act, rate, "attacks a day on a foreign force");
      for (std::int64_t k = 0; k < n; ++k) attack_foreign_force(world, force, f, deterrence, pick, outcome);
    }

  // Intimidation of critics when the state comes close to its interests ("rockets or propaganda").
  const double intimidation = p_.militancy * (assumed::kIntimidationFloor + squeeze) * cap;
  const auto here = static_cast<std::int32_t>(intimidation_region(world));
  if (attacks(role::media) && sim::draw_bernoulli_capped(act, rules_.media_attack_rate * intimidation, "the media attack rate"))
    world.emit(EventKind::media_attack, world.actor(name()), world.target(target_class::media), here);
  if (attacks(role::party_offices) &&
      sim::draw_bernoulli_capped(act, rules_.party_office_attack_rate * intimidation, "the party office attack rate")) {
    world.emit(EventKind::party_office_attack, world.actor(name()), world.target(target_class::party_office), here);
    if (gov && sim::draw_bernoulli(outcome, gov->office_attack_arrest_probability(), "office_attack_arrest_probability")) {
      const auto held = std::min<std::int64_t>(
          static_cast<std::int64_t>(fighters_),
          1 + sim::draw_poisson(outcome, assumed::kOfficeAttackersExtraMean, "attackers arrested"));
      fighters_ -= static_cast<double>(held);
      detained_ += static_cast<double>(held);
      detained_since_ = world.tick();
      world.emit(EventKind::arrest, gov->forces_actor(), world.target(target_class::armed_group), here, 0, 0, held,
                 world.actor(name()));
    }
  }

  // Its gunmen fire on protesters at its offices; its members kill or abduct activists.
  // On its own initiative, or, for a paramilitary on the state's payroll, as part of the state's
  // crackdown when the government orders live fire.
  if (attacks(role::protesters) && protest_ && protest_->active_people_near(faction_index_) > 0) {
    const double own = std::min(
        1.0, rules_.protest_fire_rate * p_.anti_protest * (1.0 - rules_.raid_disruption * disruption_));
    const double joined = p_.on_state_payroll && gov
                              ? p_.crackdown_participation * gov->lethal_share() * p_.anti_protest
                              : 0.0;
    fires_ = sim::draw_bernoulli(act, 1.0 - (1.0 - own) * (1.0 - joined), "the chance that its gunmen fire today");
  }
  if (attacks(role::activists) && protest_ && gov) {
    const auto active = static_cast<double>(protest_->active_people());
    const double rate =
        rules_.activist_attack_rate * p_.anti_protest * p_.militancy * gov->protest_saturation(active);
    if (sim::draw_bernoulli_capped(act, rate, "the activist attack rate")) {
      const bool killing = sim::draw_bernoulli(pick, assumed::kAssassinationShare, "the assassination share");
      const std::size_t region = protest_->busiest_region(pick, world.capital());
      world.emit(killing ? EventKind::assassination : EventKind::abduction, world.actor(name()),
                 world.target(target_class::activists), static_cast<std::int32_t>(region), killing ? 1 : 0);
    }
  }

  // Threats: for detained members (more after releases were won), and against a head of government
  // blamed for an electoral loss.
  if (gov && (attacks(role::government) || attacks(role::leader))) {
    const double holding = detained_ > 0 && attacks(role::government)
                               ? 1.0 + rules_.threat_learning * gov->releases_under_pressure()
                               : 0.0;
    const double grievance = attacks(role::leader) ? leader_grievance_ : 0.0;
    const double threats = rules_.threat_rate * p_.militancy * (holding + grievance);
    if (sim::draw_bernoulli_capped(act, threats, "the threat rate")) {
      const bool against_leader =
          grievance > 0 && sim::draw_bernoulli(pick, grievance / (grievance + holding), "the share of threats against the head");
      if (!against_leader) threat_pressure_ += 1.0;
      world.emit(EventKind::threat, world.actor(name()), against_leader ? gov->leader_target() : gov->government_target(),
                 static_cast<std::int32_t>(world.capital()));
    }
    const double leader_rate = rules_.leader_attack_rate * grievance * p_.militancy * cap;
    if (attacks(role::leader) && sim::draw_bernoulli_capped(act, leader_rate, "the leader attack rate")) {
      world.emit(EventKind::drone_attack, world.actor(name()), gov->leader_target(),
                 static_cast<std::int32_t>(world.capital()));
      leader_grievance_ = 0;
    }
  }

  // Front groups: a network whose coordination broke re-forms under deniable names.
  if (sponsor_ && std::any_of(fronts_.begin(), fronts_.end(), [](const ArmedGroup* g) { return !g->alive(); })) {
    const double rate = rules_.front_group_rate * p_.militancy * p_.alignment * (1.0 - sponsor_->coordination());
    if (sim::draw_bernoulli_capped(act, rate, "the front group rate")) found_front_group(world);
  }
}

void ArmedGroup::attack_foreign_force(World& world, ForeignForce& force, std::size_t force_index, double deterrence,
                                      sim::RandomStream& pick, sim::RandomStream& outcome) {
  // What is within its reach: bases in its operating regions, the embassy, convoys on its roads.
  double bases_in_reach = 0;
  for (std::size_t r : operating_) bases_in_reach += force.bases_in(r);
  const bool embassy_in_reach = force.has_embassy() && operates_in(force.embassy_region());
  std::vector<std::size_t> roads;
  if (force.troops() > 0)
    for (std::size_t r : force.supply_route_regions())
      if (operates_in(r)) roads.push_back(r);
  // Weapon by availability of targets and attribution risk: rockets at bases, bombs at the convoys
  // that consolidation puts on the roads, drones when being identified is costly.
  const double base_share = force.initial_bases() > 0 ? force.total_bases() / force.initial_bases() : 0.0;
  const bool aimable = bases_in_reach > 0 || embassy_in_reach;
  const double w_rocket = aimable ? assumed::kRocketFloor + base_share : 0.0;
  const double w_ied = roads.empty() ? 0.0 : assumed::kIedFloor + rules_.convoy_exposure_gain * (1.0 - base_share);
  const double w_drone = aimable ? assumed::kDroneFloor + rules_.drone_attribution_weight * deterrence : 0.0;
  if (w_rocket + w_ied + w_drone <= 0) return;  // nothing of the force within reach
  const double x = sim::draw_uniform(pick, 0.0, w_rocket + w_ied + w_drone, "the weights of the weapons");
  const EventKind kind = x < w_rocket ? EventKind::rocket_attack
                                      : (x < w_rocket + w_ied ? EventKind::ied_attack : EventKind::drone_attack);
  ArmedGroup& blamed = attributed(pick);
  if (kind == EventKind::ied_attack) {
    const std::size_t region =
        roads[static_cast<std::size_t>(sim::draw_integer(pick, 0, static_cast<std::int64_t>(roads.size()) - 1))];
    const bool bystander = sim::draw_bernoulli(pick, force.convoy_bystander_share(), "convoy_bystander_share");
    // Convoys are driven and guarded by host nationals.
    const std::int64_t killed =
        sim::draw_bernoulli(outcome, force.convoy_host_death_probability(), "convoy_host_death_probability") ? 1 : 0;
    world.emit(kind, world.actor(name()), bystander ? force.bystander_target() : force.convoy_target(),
               static_cast<std::int32_t>(region), killed);
    if (bystander) return;
    blamed.blame_[force_index] += 1.0;
    force.attacked(blamed, 0);
    return;
  }
  std::size_t region = 0;
  std::int32_t target = force.forces_target();
  if (embassy_in_reach && (bases_in_reach <= 0 || sim::draw_bernoulli(pick, assumed::kEmbassyShare, "the embassy share"))) {
    region = force.embassy_region();
    target = force.embassy_target();
  } else {
    std::vector<double> weights;
    for (std::size_t r : operating_) weights.push_back(force.bases_in(r));
    region = operating_[draw_weighted(pick, weights, "the bases in its operating regions")];
  }
  std::int64_t killed = 0;
  if (sim::draw_bernoulli(outcome, force.personnel_death_probability(), "personnel_death_probability"))
    killed = 1 + sim::draw_poisson(outcome, assumed::kExtraDeathsMean, "further deaths");
  world.emit(kind, world.actor(name()), target, static_cast<std::int32_t>(region), killed);
  blamed.blame_[force_index] += 1.0;
  force.attacked(blamed, killed);
}

void ArmedGroup::decide_as_insurgent(World& world, double cap, sim::RandomStream& act, sim::RandomStream& pick,
                                     sim::RandomStream& outcome) {
  const double capacity_lost = government_ ? 1.0 - government_->params().state_capacity : 0.0;
  const double rate = rules_.insurgent_attack_rate * cap * (1.0 + rules_.insurgent_capacity_gain * capacity_lost);
  std::vector<double> mix;
  std::vector<std::int32_t> target;
  const auto consider = [&](const char* r, double share, const std::string& target_name) {
    if (!attacks(r) || !world.has_target(target_name)) return;
    mix.push_back(share);
    target.push_back(world.target(target_name));
  };
  if (government_) consider(role::security_forces, assumed::kInsurgentOnSecurityForces, government_->params().forces);
  consider(role::civilians, assumed::kInsurgentOnCivilians, target_class::civilians);
  consider(role::armed_groups, assumed::kInsurgentOnArmedGroups, target_class::armed_group);
  if (mix.empty()) return;
  const std::int64_t attacks_today = sim::draw_poisson(act, rate, "the insurgent attack rate");
  for (std::int64_t k = 0; k < attacks_today; ++k) {
    const std::size_t region = operating_[static_cast<std::size_t>(
        sim::draw_integer(pick, 0, static_cast<std::int64_t>(operating_.size()) - 1))];
    const std::size_t which = draw_weighted(pick, mix, "the insurgent target mix");
    world.emit(EventKind::ied_attack, world.actor(name()), target[which], static_cast<std::int32_t>(region),
               sim::draw_poisson(outcome, assumed::kInsurgentKilledMean, "people killed"),
               sim::draw_poisson(outcome, assumed::kInsurgentWoundedMean, "people wounded"));
    if (target[which] == world.target(target_class::armed_group) &&
        sim::draw_bernoulli(outcome, rules_.reprisal_probability, "reprisal_probability"))
      reprisal(world, region, pick, outcome);
  }
}

// A patrol was attacked: a group present takes revenge on the civilians nearby.
void ArmedGroup::reprisal(World& world, std::size_t region, sim::RandomStream& pick, sim::RandomStream& outcome) {
  std::vector<double> weight;
  for (const ArmedGroup* g : all_groups_)
    weight.push_back(g->alive() && !g->insurgent() && g->on_state_payroll() && g->operates_in(region)
                         ? g->p_.militancy * g->p_.anti_protest
                         : 0.0);
  if (std::all_of(weight.begin(), weight.end(), [](double w) { return w <= 0; })) return;
  const ArmedGroup& avenger = *all_groups_[draw_weighted(pick, weight, "the groups that may take revenge")];
  world.emit(EventKind::reprisal, world.actor(avenger.name()), world.target(target_class::civilians),
             static_cast<std::int32_t>(region), 1 + sim::draw_poisson(outcome, assumed::kReprisalExtraKilledMean, "people killed"));
}

void ArmedGroup::found_front_group(World& world) {
  ArmedGroup* slot = nullptr;
  for (ArmedGroup* g : fronts_)
    if (!g->alive()) {
      slot = g;
      break;
    }
  ArmedGroup& g = *slot;
  g.alive_ = true;
  // The front's fighters come out of its parent's (none when the parent has none left).
  g.fighters_ = g.fighters_at_start_ = std::min(fighters_, std::round(fighters_ * rules_.front_group_share));
  g.reference_fighters_ = std::max(1.0, g.fighters_);
  fighters_ -= g.fighters_;
  fighters_to_fronts_ += g.fighters_;
  g.funding_ = g.reference_funding_ = std::max(1.0, funding_ * rules_.front_group_share);
  funding_ -= std::min(funding_, g.funding_);
  world.emit(EventKind::front_group_formed, world.actor(name()), world.target(target_class::armed_group),
             static_cast<std::int32_t>(home_), 0, 0, 0, world.actor(g.name()));
}

void ArmedGroup::raided(std::int64_t tick, std::int64_t caught) {
  fighters_ -= static_cast<double>(caught);
  detained_ += static_cast<double>(caught);
  detained_since_ = tick;
  disruption_ = 1.0;
  interest_pressure_ += 1.0;  // the state came close to its military interests
  protest_pressure_ = 0;
  for (auto& b : blame_) b *= assumed::kRaidBlameKept;
}

std::int64_t ArmedGroup::release() {
  const auto released = static_cast<std::int64_t>(detained_);
  fighters_ += detained_;
  detained_ = 0;
  threat_pressure_ = 0;
  return released;
}

void ArmedGroup::struck(World& world, ForeignForce& by, std::int64_t fighters_killed) {
  const double killed = std::min(fighters_, static_cast<double>(fighters_killed));
  fighters_ -= killed;
  fighters_killed_ += killed;
  revenge_ += 1.0;
  // The struck group may march on the striker's embassy, pressing the host to promise expulsion
  // unless it protects foreign missions.
  // Its own stream for reactions: a purpose none of its daily decisions use.
  sim::RandomStream draw = world.stream(stream_key(), sim::Purpose::faction_reaction);
  if (by.has_embassy() && sim::draw_bernoulli(draw, rules_.march_probability, "march_probability")) {
    world.emit(EventKind::march, world.actor(name()), by.embassy_target(), static_cast<std::int32_t>(by.embassy_region()));
    const double protection = government_ ? static_cast<double>(government_->params().mission_protection) : 0.0;
    by.add_withdrawal_pressure(by.strike_withdrawal_pressure() * (1.0 - protection));
  }
}

void ArmedGroup::check_accounts(std::vector<std::string>& broken) const {
  if (!alive_) return;
  const double accounted = fighters_ + detained_ + fighters_killed_ + fighters_to_fronts_;
  if (std::abs(accounted - fighters_at_start_) > 1e-9 * std::max(1.0, fighters_at_start_))
    broken.push_back("fighters free, held, killed and gone to front groups add up to " + std::to_string(accounted) +
                     ", not the " + std::to_string(fighters_at_start_) + " it started with");
  if (!(fighters_ >= 0 && detained_ >= 0)) broken.push_back("a negative count of fighters or of members held");
  if (!(funding_ >= 0 && std::isfinite(funding_))) broken.push_back("funding is " + std::to_string(funding_));
}

void ArmedGroup::declare_faction_series(sim::SeriesTable& series, const std::vector<ArmedGroup*>& groups) {
  const std::size_t n = groups.size();
  series.add_along("faction", n, "fighters", "fighters not detained", "people",
                   [groups](std::size_t m) { return groups[m]->fighters(); });
  series.add_along("faction", n, "funding", "monthly funding", "USD per month",
                   [groups](std::size_t m) { return groups[m]->funding(); });
  series.add_along("faction", n, "detained_members", "members held by the state", "people",
                   [groups](std::size_t m) { return groups[m]->detained(); });
  series.add_along("faction", n, "faction_active", "1 while the group exists", "1",
                   [groups](std::size_t m) { return groups[m]->alive() ? 1.0 : 0.0; });
  series.add_scalar("active_militia_factions", "armed groups in existence, front groups included", "1", [groups] {
    return static_cast<double>(std::count_if(groups.begin(), groups.end(), [](const ArmedGroup* g) { return g->alive(); }));
  });
}

}  // namespace confsim::agents::conflict
