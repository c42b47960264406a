// The conflict model as a toolkit: a scenario of the smallest actor kind alone (the engine's stub),
// variants of the Iraq baseline that add a governorate and an armed group or remove the foreign
// force, the events vocabulary derived from what a scenario declares, and the defects of the
// earlier Iraq-only model, each held fixed by a test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "confsim/agents/conflict.hpp"
#include "confsim/agents/registry.hpp"
#include "support/run_files.hpp"

using namespace confsim;
using testing::MemoryRun;

namespace {

// Two regions and a mediator: the smallest conflict scenario, and the stub the engine's tests run.
const std::string kStub = R"(confsim: 1
name: stub
model: conflict
seed: 3
calendar: {start_date: 2020-01-01, ticks: 60}
scale: {people_per_agent: 1000, assumption: test}
country: {name: land, assumption: test}
regions:
  north: {population: 100000, legitimacy: 0.5, hardship: 0.5, capital: true, assumption: test}
  south: {population: 50000, legitimacy: 0.7, hardship: 0.4, assumption: test}
actors:
  envoy: {kind: mediator, appeal_rate: 0.5, legitimacy_gain: 0.01, assumption: test}
events:
  - name: a public appeal
    at: 2020-01-11
    record: {kind: appeal, actor: envoy, target: parties, region: south}
    assumption: test
  - name: the envoy leaves
    at: 2020-02-01
    set: {actors.envoy.appeal_rate: 0}
    assumption: test
)";

sim::ScenarioPtr from_text(const std::string& text, const std::vector<std::string>& overrides = {},
                           std::optional<std::int64_t> ticks = std::nullopt) {
  sim::LoadOptions options;
  options.overrides = overrides;
  options.ticks = ticks;
  return sim::load_scenario_text(text, testing::source_path("scenarios/iraq/test_variant.yaml"),
                                 agents::model_schemas(), options);
}

// The Iraq baseline changed by YAML (merged as `extends` does), at 1 agent per 5,000 people.
sim::ScenarioPtr iraq_variant(const std::string& changes, std::int64_t ticks,
                              std::vector<std::string> overrides = {}) {
  overrides.push_back("scale.people_per_agent=5000");
  return from_text("confsim: 1\nextends: baseline.yaml\n" + changes, overrides, ticks);
}

std::string name_of(const std::vector<std::string>& names, std::int32_t code) {
  return code >= 0 ? names.at(static_cast<std::size_t>(code)) : "none";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("the smallest conflict runs on the engine: a mediator alone", "[conflict][stub]") {
  const MemoryRun run = testing::run_in_memory(from_text(kStub), 3);
  const auto& v = run.schema.events;
  CHECK(v.kinds == std::vector<std::string>{"appeal"});
  CHECK(v.acled_event_types == std::vector<std::string>{"Strategic developments"});
  CHECK(v.regions == std::vector<std::string>{"north", "south", "land"});
  // The scheduled appeal is recorded on its day, before the envoy's own.
  const auto day10 = std::find_if(run.events.begin(), run.events.end(), [](const auto& e) { return e.tick == 10; });
  REQUIRE(day10 != run.events.end());
  CHECK(name_of(v.regions, day10->region) == "south");
  // Appeals stop once the envoy leaves, and the series counts the envoy's own.
  std::int64_t own = 0, after = 0;
  for (const auto& e : run.events) {
    own += e.tick != 10 || &e != &*day10;
    after += e.tick > 31;
  }
  CHECK(after == 0);
  const auto& appeals = run.series.at("envoy_appeals");
  CHECK(appeals.back() == static_cast<double>(own));
  CHECK(own > 5);  // 0.5 a day for 30 days
  // Appeals restore legitimacy: it never falls below where it started.
  const auto& legitimacy = run.series.at("legitimacy");  // tick-major, 2 regions
  CHECK(legitimacy[2 * 40] >= 0.5);
  CHECK(legitimacy[2 * 40] > legitimacy[0]);
}

TEST_CASE("a variant of Iraq adds a governorate and an armed group, and the run shows them",
          "[conflict][extends]") {
  const auto s = iraq_variant(R"(regions:
  diyala:
    population: {value: 1600000, assumption: test}
    legitimacy: {value: 0.7, assumption: test}
    hardship: {value: 0.6, assumption: test}
actors:
  saraya_al_salam:
    kind: armed_group
    fighters: 5000
    on_state_payroll: true
    seats: 10
    sponsor: irgc
    alignment: 0.5
    foreign_hostility: 1.0
    militancy: 1.0
    anti_protest: 1.0
    crackdown_participation: 0.0
    stance: insider
    home_region: diyala
    operating_regions: [diyala, baghdad, anbar]
    targets: [foreign_forces, activists, protesters]
    own_revenue_usd_per_year: 0
    assumption: test
)",
                              200);
  const MemoryRun run = testing::run_in_memory(s, 1);
  const auto& v = run.schema.events;
  CHECK(v.regions.size() == 12);  // ten governorates, diyala, and the country
  CHECK(name_of(v.regions, 10) == "diyala");
  const auto faction = std::find_if(run.schema.dimensions.begin(), run.schema.dimensions.end(),
                                    [](const auto& d) { return d.name == "faction"; });
  REQUIRE(faction != run.schema.dimensions.end());
  CHECK(std::count(faction->labels.begin(), faction->labels.end(), "saraya_al_salam") == 1);
  // Its people protest on a lattice of their own, and the group acts.
  const auto& active = run.series.at("active_protesters");  // tick-major, 11 regions
  double in_diyala = 0;
  for (std::size_t t = 0; t < active.size() / 11; ++t) in_diyala += active[t * 11 + 10];
  CHECK(in_diyala > 0);
  std::int64_t by_group = 0;
  for (const auto& e : run.events) by_group += name_of(v.actors, e.actor) == "saraya_al_salam";
  INFO("events by the new group: " << by_group);
  CHECK(by_group > 0);
}

TEST_CASE("a variant of Iraq without the foreign force has no foreign targets, series or attacks",
          "[conflict][extends]") {
  const std::string without = R"(actors:
  coalition: {omit: true}
events:
  - {name: Soleimani and al-Muhandis killed by a US strike, omit: true}
  - {name: strategic dialogue opens, omit: true}
  - {name: drawdown announced, omit: true}
)";
  const MemoryRun base = testing::run_in_memory(iraq_variant("", 400), 1);
  const MemoryRun run = testing::run_in_memory(iraq_variant(without, 400), 1);
  for (const auto& t : run.schema.events.targets) CHECK_FALSE(starts_with(t, "us_"));
  for (const auto& [name, values] : run.series) CHECK_FALSE(starts_with(name, "coalition"));
  CHECK(run.series.count("attacks_on_us") == 0);
  CHECK(base.series.count("coalition_troops") == 1);
  const auto attacks_with_rockets = [](const MemoryRun& r) {
    const auto& kinds = r.schema.events.kinds;
    std::int64_t n = 0;
    for (const auto& e : r.events) n += name_of(kinds, e.kind) == "rocket_attack";
    return n;
  };
  CHECK(attacks_with_rockets(base) > 10);
  CHECK(attacks_with_rockets(run) == 0);
  // Protest goes on: the lattices do not depend on the coalition.
  double protest = 0;
  for (double a : run.series.at("active_protesters")) protest += a;
  CHECK(protest > 0);
}

TEST_CASE("every event kind of a run maps to an ACLED event type and sub-event type", "[conflict][vocabulary]") {
  const MemoryRun run = testing::run_in_memory(iraq_variant("", 30), 1);
  const auto& v = run.schema.events;
  REQUIRE(v.kinds.size() == v.acled_event_types.size());
  REQUIRE(v.kinds.size() == v.acled_sub_event_types.size());
  const std::set<std::string> acled = {"Battles", "Protests", "Riots", "Explosions/Remote violence",
                                       "Violence against civilians", "Strategic developments"};
  for (std::size_t k = 0; k < v.kinds.size(); ++k) {
    INFO(v.kinds[k]);
    CHECK(acled.count(v.acled_event_types[k]) == 1);
    CHECK_FALSE(v.acled_sub_event_types[k].empty());
  }
  // What no Iraq actor produces is not in its vocabulary.
  CHECK(std::count(v.kinds.begin(), v.kinds.end(), "appeal") == 0);
}

TEST_CASE("an actor's random draws do not depend on which other actors a scenario declares",
          "[conflict][reproducibility]") {
  // The insurgent's attacks depend on its own streams, funding and the state's capacity only: with
  // or without the mediator, which changes legitimacy and protest, they are the same events.
  const auto sudan = [](const std::string& changes) {
    return sim::load_scenario_text("confsim: 1\nextends: baseline.yaml\n" + changes,
                                   testing::source_path("scenarios/sudan/test_variant.yaml"),
                                   agents::model_schemas(), {.overrides = {"scale.people_per_agent=5000"}, .ticks = 300});
  };
  const auto insurgent_attacks = [](const MemoryRun& r) {
    std::vector<std::tuple<std::int64_t, std::int32_t, std::int64_t>> out;
    for (const auto& e : r.events)
      if (name_of(r.schema.events.actors, e.actor) == "slm_aw" && name_of(r.schema.events.kinds, e.kind) == "ied_attack")
        out.emplace_back(e.tick, e.region, e.killed);
    return out;
  };
  const auto with = insurgent_attacks(testing::run_in_memory(sudan(""), 2));
  const auto without = insurgent_attacks(testing::run_in_memory(
      sudan("actors:\n  african_union: {omit: true}\nevents:\n"
            "  - name: African Union and Ethiopian mediation\n    at: 2019-06-10\n"
            "    set: {actors.government.repression_propensity: 0.4, actors.rsf.crackdown_participation: 0.0}\n"
            "    assumption: test\n"
            "  - name: Hamdok's transitional cabinet\n    at: 2019-08-21\n"
            "    set: {actors.government.repression_propensity: 0.1}\n    assumption: test\n"),
      2));
  CHECK(with.size() > 5);
  CHECK(with == without);
}

// ---- the earlier model's defects, held fixed ----

TEST_CASE("an insurgent on its own revenue keeps attacking through the whole period", "[conflict][defects]") {
  const MemoryRun run = testing::run_in_memory(iraq_variant("", 791), 4);
  std::vector<std::int64_t> per_quarter(9, 0);
  for (const auto& e : run.events)
    if (name_of(run.schema.events.actors, e.actor) == "islamic_state")
      ++per_quarter[static_cast<std::size_t>(std::min<std::int64_t>(e.tick / 90, 8))];
  INFO("insurgent attacks per 90 days: " << per_quarter[0] << " … " << per_quarter[7]);
  for (std::size_t q = 0; q < 8; ++q) CHECK(per_quarter[q] >= 10);  // 0.4 a day: about 36 a quarter
}

TEST_CASE("attacks on a foreign force happen where it has bases, routes or its embassy, within reach",
          "[conflict][defects]") {
  const auto s = iraq_variant("", 500);
  const MemoryRun run = testing::run_in_memory(s, 2);
  const auto& v = run.schema.events;
  // Where each group operates, and where the coalition can be hit.
  std::map<std::string, std::set<std::string>> reach;
  for (const auto& a : s->entries("actors"))
    if (a.kind == "armed_group")
      for (const auto& r : s->names("actors." + a.name + ".operating_regions")) reach[a.name].insert(r);
  std::set<std::string> bases, routes;
  for (const auto& [region, p] : s->keyed("actors.coalition.bases")) bases.insert(region);
  for (const auto& r : s->names("actors.coalition.supply_routes")) routes.insert(r);
  std::int64_t seen = 0;
  for (const auto& e : run.events) {
    const std::string target = name_of(v.targets, e.target), region = name_of(v.regions, e.region);
    if (!starts_with(target, "us_") && target != "un") continue;
    ++seen;
    // Declared groups strike only where they operate (front groups inherit their parent's reach).
    const std::string group = name_of(v.actors, e.actor);
    if (reach.count(group)) CHECK(reach.at(group).count(region) == 1);
    INFO(name_of(v.kinds, e.kind) << " by " << name_of(v.actors, e.actor) << " on " << target << " in " << region);
    if (target == "us_forces") CHECK(bases.count(region) == 1);
    if (target == "us_embassy") CHECK(region == "baghdad");
    if (target == "us_convoy" || target == "un") CHECK(routes.count(region) == 1);
  }
  CHECK(seen > 20);
}

TEST_CASE("front groups are founded by the group whose fronts they are", "[conflict][defects]") {
  const auto s = iraq_variant("", 500);
  const MemoryRun run = testing::run_in_memory(s, 5);
  const auto& v = run.schema.events;
  const auto& names = s->names("actors.kataib_hezbollah.front_groups");
  std::int64_t formed = 0;
  for (const auto& e : run.events) {
    if (name_of(v.kinds, e.kind) != "front_group_formed") continue;
    ++formed;
    const std::string parent = name_of(v.actors, e.actor), front = name_of(v.actors, e.target_actor);
    INFO(parent << " founded " << front);
    const bool named = std::find(names.begin(), names.end(), front) != names.end();
    CHECK((named ? parent == "kataib_hezbollah" : starts_with(front, parent + "_front_")));
  }
  CHECK(formed >= 2);
}

TEST_CASE("detainees are never released on the day of their raid, and the strike is recorded", "[conflict][defects]") {
  const MemoryRun run = testing::run_in_memory(
      iraq_variant("", 700, {"actors.government.release_pressure_gain=5", "armed_group_rules.threat_rate=1"}), 3);
  const auto& v = run.schema.events;
  std::map<std::pair<std::int64_t, std::int32_t>, int> raided;
  std::int64_t releases = 0;
  for (const auto& e : run.events)
    if (name_of(v.kinds, e.kind) == "raid") raided[{e.tick, e.target_actor}] = 1;
  for (const auto& e : run.events)
    if (name_of(v.kinds, e.kind) == "release") {
      ++releases;
      CHECK(raided.count({e.tick, e.target_actor}) == 0);
    }
  CHECK(releases >= 3);
  // The leadership strike of 3 January 2020 (tick 94) is an event, and the sponsor's coordination
  // falls to nothing that day.
  const auto strike = std::find_if(run.events.begin(), run.events.end(),
                                   [&](const auto& e) { return name_of(v.kinds, e.kind) == "leadership_strike"; });
  REQUIRE(strike != run.events.end());
  CHECK(strike->tick == 94);
  CHECK(name_of(v.actors, strike->actor) == "coalition");
  CHECK(name_of(v.targets, strike->target) == "irgc_leadership");
  CHECK(strike->killed == 2);
  CHECK(run.series.at("irgc_coordination")[93] == 1.0);
  CHECK(run.series.at("irgc_coordination")[94] < 0.01);
}

TEST_CASE("two sponsors fund their own groups, and a sponsor's directives are events", "[conflict][extends]") {
  const auto s = iraq_variant(R"(actors:
  second_sponsor:
    kind: sponsor
    support_usd_per_year: 1.0e9
    coordination_recovery_days: 100
    decapitation_loss: 1.0
    pressure_directive: 0.0
    assumption: test
  thaer_allah:
    sponsor: second_sponsor
)",
                              450);
  const MemoryRun two = testing::run_in_memory(s, 1);
  const MemoryRun one = testing::run_in_memory(iraq_variant("", 450), 1);
  const auto& v = two.schema.events;
  CHECK(std::count(v.targets.begin(), v.targets.end(), "second_sponsor_leadership") == 1);
  CHECK(two.series.count("second_sponsor_coordination") == 1);
  // Thaer Allah (faction 4) now draws on a sponsor of its own with ten times the IRGC-QF's budget.
  const std::size_t factions = two.series.at("fighters").size() / 451, thaer_allah = 4;
  CHECK(two.series.at("funding")[200 * factions + thaer_allah] > 2 * one.series.at("funding")[200 * factions + thaer_allah]);
  // The IRGC-QF's pre-election directive reaches its groups as events in the autumn of 2020.
  std::int64_t directives = 0;
  for (const auto& e : two.events)
    if (name_of(v.kinds, e.kind) == "directive") {
      ++directives;
      CHECK(name_of(v.actors, e.actor) == "irgc");
      CHECK(name_of(v.actors, e.target_actor) != "thaer_allah");
    }
  CHECK(directives >= 3);
}

TEST_CASE("a lattice is sized for the gunmen's reach, the memory estimate counts it, and one too large to index "
          "is refused",
          "[conflict][limits]") {
  // A reach of about 30 cells at 5,000 people a group: the small governorates' lattices are padded
  // to a window across, beyond what their people fill.
  const auto scenario = iraq_variant("", 1, {"armed_group_rules.office_reach_people=1e7"});
  const auto model = agents::make_model(*scenario, 1);
  double filled = 0;
  for (const auto& r : scenario->entries("regions"))
    filled += scenario->real("regions." + r.name + ".population") / 5000 /
              scenario->real("actors.tishreen_movement.density");
  CHECK(static_cast<double>(model->lattice_cells()) > 1.5 * filled);
  const auto& schema = agents::conflict::schema();
  CHECK(schema.peak_memory_bytes(*scenario) == Approx(42.0 * static_cast<double>(model->lattice_cells())));

  try {
    iraq_variant("", 1, {"actors.tishreen_movement.density=1e-9"});
    FAIL("a lattice of more cells than 32 bits index was accepted");
  } catch (const sim::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().front().key_path == "actors.tishreen_movement.density");
    CHECK_THAT(e.diagnostics().front().message, Catch::Contains("more than the 4294967295 a lattice can index"));
  }
}
