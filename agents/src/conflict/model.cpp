// The conflict model: regions and actors from the scenario, each actor a component of its kind, and
// the engine's phases driving them. Components decide serially by stage (sponsors, foreign forces,
// the government, armed groups, mediators) and in the scenario's order within a stage; the protest
// lattices act in parallel on the day's orders.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "armed_group.hpp"
#include "confsim/agents/conflict.hpp"
#include "foreign_force.hpp"
#include "government.hpp"
#include "mediator.hpp"
#include "params.hpp"
#include "protest_movement.hpp"
#include "sponsor.hpp"

namespace confsim::agents::conflict {
namespace {

// The actor kinds a scenario may declare, in the order the reference lists them.
const std::vector<ComponentKind>& library() {
  static const std::vector<ComponentKind> kinds = {Government::kind(), ArmedGroup::kind(), ProtestMovement::kind(),
                                                   ForeignForce::kind(), Sponsor::kind(), Mediator::kind()};
  return kinds;
}

const ComponentKind& kind_named(const std::string& name) {
  for (const auto& k : library())
    if (k.name == name) return k;
  throw std::logic_error("no actor kind '" + name + "'");
}

struct RegionParams {
  double population = 0;
  sim::Live legitimacy;
  double hardship = 0;
  bool capital = false;
};

const sim::ParamTable<RegionParams>& region_table() {
  using namespace params;
  static const auto bound = [] {
    sim::ParamTable<RegionParams> t;
    t.add(real("population", "people", 1, 1e10,
               "Inhabitants; a protest lattice holds population / scale.people_per_agent protester groups."),
          &RegionParams::population);
    t.add(share("legitimacy",
                "The government's legitimacy L there at the start; it then responds to what the actors do "
                "(events may set it).",
                true),
          &RegionParams::legitimacy);
    t.add(share("hardship",
                "Mean perceived hardship H of its inhabitants (each protester group draws H uniformly within the "
                "protest movement's hardship_spread of the mean)."),
          &RegionParams::hardship);
    t.add({.key = "capital",
           .type = sim::ValueType::boolean,
           .description = "Whether it holds the capital (where the government, media and parties sit; threats "
                          "and attacks on the government happen there). Exactly one region does.",
           .default_value = false,
           .default_reason = "one region of the scenario says it is the capital"},
          &RegionParams::capital);
    return t;
  }();
  return bound;
}

// The events vocabulary of a scenario's runs: what its actors can produce, its regions and the country.
struct Vocabulary {
  sim::EventCategories categories;
  std::vector<EventKind> kinds;
};

Vocabulary vocabulary_of(const sim::Scenario& s) {
  VocabularyBuilder v;
  for (const auto& e : s.entries("actors")) kind_named(e.kind).vocabulary(s, e, v);
  for (const auto& r : s.entries("regions")) v.region(r.name);
  v.region(s.word("country.name"));
  return {v.build(s), v.kinds()};
}

bool is_identifier(const std::string& name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::vector<sim::Diagnostic> cross_check(const sim::Scenario& s) {
  std::vector<sim::Diagnostic> problems;
  const auto& regions = s.entries("regions");
  std::size_t capitals = 0;
  for (const auto& r : regions) capitals += s.flag("regions." + r.name + ".capital") ? 1 : 0;
  if (capitals != 1)
    problems.push_back({regions.empty() ? sim::SourceLocation{s.file(), 0, 0, ""} : regions.front().where, "regions",
                        "exactly one region must say capital: true, found " + std::to_string(capitals)});
  for (const auto& e : s.entries("actors")) {
    const ComponentKind& kind = kind_named(e.kind);
    if (kind.check)
      for (auto& d : kind.check(s, e)) problems.push_back(std::move(d));
  }
  for (const auto& p : s.parameters())
    if (p.spec && p.spec->type == sim::ValueType::text &&
        (p.path.rfind("actors.", 0) == 0 || p.path == "country.name") && !is_identifier(std::get<std::string>(p.value)))
      problems.push_back({p.where, p.path,
                          "'" + std::get<std::string>(p.value) +
                              "' names something in events: expected lower-case letters, digits and _"});
  if (!problems.empty()) return problems;
  // Names in events are unique: an actor, a derived name (security forces, front groups) or a
  // region may not take another's name.
  VocabularyBuilder names;
  for (const auto& e : s.entries("actors")) kind_named(e.kind).vocabulary(s, e, names);
  for (auto& d : check_event_data(s, names)) problems.push_back(std::move(d));
  for (const auto& clash : names.clashes())
    problems.push_back({s.file().empty() ? sim::SourceLocation{} : sim::SourceLocation{s.file(), 0, 0, ""}, "actors",
                        "two actors would be called '" + clash +
                            "' in events (an actor, the name a government gives its security forces, or a front "
                            "group): give each its own name"});
  for (const auto& r : regions)
    if (r.name == s.word("country.name"))
      problems.push_back({s.parameter("country.name").where, "country.name",
                          "the country and a region are both called '" + r.name + "': give the country its own name"});
  for (const auto& r : regions) {
    const double agents = s.real("regions." + r.name + ".population") / s.real("scale.people_per_agent");
    constexpr double kMaxGroupsPerRegion = 1 << 29;
    if (agents > kMaxGroupsPerRegion)
      problems.push_back({s.parameter("regions." + r.name + ".population").where, "regions." + r.name + ".population",
                          "the protest lattice would need " + std::to_string(agents) +
                              " groups; raise scale.people_per_agent"});
  }
  return problems;
}

// 42 bytes a lattice cell at the peak: docs/performance.md measures 1.49 GiB for 38.2 million cells
// and 2.22 GiB for 57.2 million.
double peak_memory_bytes(const sim::Scenario& s) {
  constexpr double kPeakBytesPerCell = 42;
  double cells = 0;
  for (const auto& a : s.entries("actors"))
    if (a.kind == "protest_movement")
      for (const auto& [region, side] : ProtestMovement::lattice_sides(s, a)) cells += side * side;
  return kPeakBytesPerCell * cells;
}

sim::ModelSchema build_schema() {
  sim::ModelSchema s;
  s.name = "conflict";
  s.description =
      "A conflict declared as data: regions, and actors each of a kind from the library below — a government "
      "with its security forces, armed groups (insiders or insurgents, with front groups), a protest movement "
      "on a lattice per region, foreign forces, sponsors, mediators — related by name (a group's sponsor, a "
      "force's host). Each day actors decide serially (sponsors, foreign forces, the government, armed groups, "
      "mediators, in the scenario's order within each), then protester groups act in parallel. Scheduled events "
      "change conditions, or record actions (a strike, an election) that actors react to. "
      "docs/conflict-model.md gives every rule.";
  s.sections.push_back({"scale",
                        "How many people one agent stands for.",
                        {params::real("people_per_agent", "people", 1, 1e7,
                                      "People per protester group and per security unit; casualties and arrests "
                                      "are drawn per person, so expected counts do not depend on the scale.")}});
  s.sections.push_back({"country",
                        "The country as a whole.",
                        {params::label("name", "How events name the whole country (national events).")}});
  for (const auto& k : library())
    for (const auto& section : k.shared_sections) s.sections.push_back(section);
  s.sections.push_back(event_data_section());
  sim::CollectionSpec regions{"regions", "The regions of the scenario, each with its population, legitimacy and hardship.", {}, 1};
  regions.kinds.push_back({"region", "A region.", region_table().specs()});
  s.collections.push_back(regions);
  sim::CollectionSpec actors{"actors", "The actors of the scenario, each of a kind.", {}, 1};
  for (const auto& k : library())
    actors.kinds.push_back({k.name, k.description, k.params, k.min_count, k.max_count});
  s.collections.push_back(actors);
  s.cross_check = cross_check;
  s.event_vocabulary = [](const sim::Scenario& scenario) { return vocabulary_of(scenario).categories; };
  s.peak_memory_bytes = peak_memory_bytes;
  s.memory_parameter = "scale.people_per_agent";
  return s;
}

class ConflictModel final : public sim::Model {
 public:
  ConflictModel(const sim::Scenario& s, std::uint64_t seed) : vocabulary_(vocabulary_of(s)) {
    std::vector<Region> regions;
    for (const auto& e : s.entries("regions")) {
      RegionParams p;
      region_table().read(s, "regions." + e.name, p);
      regions.push_back({e.name, p.population, p.legitimacy, p.hardship, p.capital});
    }
    world_ = std::make_unique<World>(std::move(regions), vocabulary_.categories, vocabulary_.kinds, seed);
    // Declared actors in stage order, the scenario's order within a stage; then each stage's dependents.
    struct Slot {
      int stage;
      bool dependent;
      std::size_t order;
      std::unique_ptr<Component> component;
    };
    std::vector<Slot> slots;
    for (const auto& e : s.entries("actors")) {
      const ComponentKind& kind = kind_named(e.kind);
      slots.push_back({kind.stage, false, slots.size(), kind.make(s, e)});
    }
    const std::size_t declared = slots.size();
    for (std::size_t i = 0; i < declared; ++i)
      for (auto& d : slots[i].component->dependents()) slots.push_back({slots[i].stage, true, slots.size(), std::move(d)});
    std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
      return std::tie(a.stage, a.dependent, a.order) < std::tie(b.stage, b.dependent, b.order);
    });
    std::vector<Component*> order;
    for (auto& slot : slots) {
      order.push_back(slot.component.get());
      components_.push_back(std::move(slot.component));
    }
    world_->set_components(order);
    for (auto& c : components_) c->connect(*world_);
    for (const auto& k : library())
      for (const auto& e : s.entries("actors"))
        if (e.kind == k.name && k.kind_series) {
          kinds_with_series_.push_back(&k);
          break;
        }
  }

  std::size_t lattice_cells() const override {
    std::size_t n = 0;
    for (const auto& c : components_) n += c->lattice_cells();
    return n;
  }
  std::uint64_t field_agents() const override {
    std::uint64_t n = 0;
    for (const auto& c : components_) n += c->field_agents();
    return n;
  }

  void initialise(const sim::LiveParameters& live) override {
    World& w = *world_;
    w.bind(live);
    each_actor([&](Component& c) { c.initialise(w, live); });
    each_actor([&](Component& c) { c.begin_run(w); });
    // Series are declared once everything they read is sized.
    series_.add_along("region", w.regions().size(), "legitimacy", "government legitimacy L", "1",
                      [&w](std::size_t r) { return w.legitimacy(r); });
    series_.add_scalar("national_legitimacy", "government legitimacy averaged over regions, weighted by population",
                       "1", [&w] { return w.national_legitimacy(); });
    for (const ComponentKind* k : kinds_with_series_) k->kind_series(series_, w);
    for (const auto& c : components_) c->declare_series(series_);
  }

  sim::OutputSchema output_schema() const override {
    sim::OutputSchema s;
    std::vector<std::string> regions, factions;
    for (const auto& r : world_->regions()) regions.push_back(r.name);
    for (const ArmedGroup* g : world_->all<ArmedGroup>()) factions.push_back(g->name());
    s.dimensions = {{"region", "region", 0, regions}};
    if (!factions.empty()) s.dimensions.push_back({"faction", "armed group", 0, factions});
    for (const auto& c : components_) c->declare_lattices(s);
    s.series = series_.specs();
    s.events = vocabulary_.categories;
    return s;
  }

  void react_to_action(const sim::EventRecord& action) override {
    each_actor([&](Component& c) { c.react(*world_, action); });
  }
  void decide_factions(std::int64_t tick) override {
    world_->start_day(tick);
    each_actor([&](Component& c) { c.decide(*world_); });
  }
  void act_field_agents(std::int64_t) override {
    each_actor([&](Component& c) { c.act_field_agents(*world_); });
  }
  void resolve(std::int64_t) override {
    each_actor([&](Component& c) { c.resolve(*world_); });
  }
  void remove_share(const std::string& population, double, std::int64_t) override {
    throw std::logic_error("the conflict model has no population '" + population + "' to remove");
  }
  void observe(std::vector<double>& out) const override { series_.observe(out); }
  void take_events(std::vector<sim::EventRecord>& out) override { world_->take_events(out); }
  void snapshot(std::vector<sim::VariableData>& out) const override {
    out.clear();
    for (const auto& c : components_) c->snapshot(out);
  }
  void statics(std::vector<sim::VariableData>& out) const override { out.clear(); }
  std::vector<std::string> broken_invariants() const override {
    std::vector<std::string> broken;
    for (const auto& c : components_) {
      std::vector<std::string> own;
      c->check_accounts(own);
      for (auto& line : own) broken.push_back("actors." + c->name() + ": " + line);
    }
    return broken;
  }

 private:
  // Runs a step for every actor in order; a number an actor cannot use is reported with its name.
  template <class Step>
  void each_actor(Step&& step) {
    for (auto& c : components_) try {
        step(*c);
      } catch (sim::NumericError& e) {
        e.add_context("actors." + c->name());
        throw;
      }
  }

  Vocabulary vocabulary_;
  std::unique_ptr<World> world_;
  std::vector<std::unique_ptr<Component>> components_;  // in the order they decide
  std::vector<const ComponentKind*> kinds_with_series_;
  sim::SeriesTable series_;
};

}  // namespace

const sim::ModelSchema& schema() {
  static const sim::ModelSchema s = build_schema();
  return s;
}

std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed) {
  return std::make_unique<ConflictModel>(scenario, seed);
}

}  // namespace confsim::agents::conflict
