// The scenario language's open maps, on a model schema of the test's own (no real model): entries
#include <filesystem>
#include <fstream>

// named by the scenario, their kinds, references between them, keyed maps, variants that remove an
// entry, calibrated provenance and scheduled actions that record events.
#include <catch2/catch.hpp>

#include "confsim/sim/scenario.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

sim::ModelSchema make_schema() {
  using sim::ParamSpec;
  using sim::ValueType;
  sim::ModelSchema s;
  s.name = "towns";
  s.description = "Towns and the bands that roam them.";
  sim::CollectionSpec towns{"towns", "The towns.", {}, 1};
  towns.kinds.push_back({"town",
                         "A town.",
                         {{.key = "people", .type = ValueType::real, .min = 0, .max = 1e9},
                          {.key = "mood", .type = ValueType::real, .min = 0, .max = 1, .schedulable = true}}});
  s.collections.push_back(towns);
  sim::CollectionSpec actors{"actors", "The actors.", {}, 0};
  ParamSpec wells{.key = "wells", .type = ValueType::real, .min = 0, .max = 100, .keyed_by = "towns"};
  actors.kinds.push_back({"band",
                          "A band.",
                          {{.key = "home", .type = ValueType::name, .collection = "towns"},
                           {.key = "roams", .type = ValueType::names, .optional = true, .collection = "towns"},
                           {.key = "patron", .type = ValueType::name, .optional = true, .collection = "actors",
                            .of_kinds = {"patron"}},
                           wells}});
  actors.kinds.push_back({"patron", "A patron.", {{.key = "purse", .type = ValueType::real, .min = 0}}, 0, 1});
  s.collections.push_back(actors);
  s.event_vocabulary = [](const sim::Scenario& scenario) {
    sim::EventCategories v;
    v.kinds = {"raid", "feast"};
    for (const auto& a : scenario.entries("actors")) v.actors.push_back(a.name);
    v.targets = {"granary"};
    for (const auto& t : scenario.entries("towns")) v.regions.push_back(t.name);
    return v;
  };
  return s;
}

const sim::ModelSchema& schema() {
  static const sim::ModelSchema s = make_schema();
  return s;
}

const std::string kTowns = R"(confsim: 1
name: towns
model: towns
calendar: {ticks: 10}
towns:
  upton: {people: 100, mood: 0.5}
  downby:
    people: {value: 50, calibrated: "the census target"}
    mood: 0.2
actors:
  reavers:
    kind: band
    home: upton
    roams: [upton, downby]
    patron: duke
    wells: {upton: 2, downby: {value: 3, assumption: "a guess"}}
  duke: {kind: patron, purse: 10}
events:
  - name: a feast
    at: 3
    set: {towns.upton.mood: 0.9}
    record: {kind: feast, actor: duke, target: granary, region: upton, killed: 0}
    assumption: "test"
)";

sim::ScenarioPtr load(const std::string& text, const std::string& name = "towns.yaml") {
  return sim::load_scenario_text(text, name, {&schema()});
}

std::string error_of(const std::string& text) {
  return testing::input_error_of([&] { load(text); });
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("entries of a collection are named by the scenario and keep its order", "[unit][scenario][collections]") {
  const auto s = load(kTowns);
  REQUIRE(s->entries("towns").size() == 2);
  CHECK(s->entries("towns")[0].name == "upton");
  CHECK(s->entries("towns")[1].name == "downby");
  CHECK(s->entries("actors")[0].kind == "band");
  CHECK(s->entries("actors")[1].kind == "patron");
  CHECK(s->real("towns.downby.people") == 50);
  CHECK(s->parameter("towns.downby.people").provenance.kind == sim::Provenance::Kind::calibrated);
  CHECK(s->parameter("towns.downby.people").provenance.describe() == "calibrated: the census target");
  CHECK(s->word("actors.reavers.home") == "upton");
  CHECK(s->names("actors.reavers.roams") == sim::Names{"upton", "downby"});
  CHECK(s->word("actors.reavers.patron") == "duke");
  CHECK(s->entries("no_such_collection").empty());
}

TEST_CASE("a keyed map is one parameter per name, each with its provenance", "[unit][scenario][collections]") {
  const auto s = load(kTowns);
  const auto wells = s->keyed("actors.reavers.wells");
  REQUIRE(wells.size() == 2);
  CHECK(wells[0].first == "upton");
  CHECK(std::get<double>(wells[0].second->value) == 2);
  CHECK(wells[1].second->provenance.kind == sim::Provenance::Kind::assumption);
  CHECK(s->real("actors.reavers.wells.downby") == 3);
  // Overrides and sweeps reach an entry like any other parameter.
  const auto changed = sim::load_scenario_text(kTowns, "towns.yaml", {&schema()},
                                               {.overrides = {"actors.reavers.wells.upton=7"}});
  CHECK(changed->real("actors.reavers.wells.upton") == 7);
}

TEST_CASE("a scheduled action records its event and may change conditions too", "[unit][scenario][collections]") {
  const auto s = load(kTowns);
  REQUIRE(s->events().size() == 1);
  const auto& e = s->events()[0];
  CHECK(e.action == sim::ScheduledEvent::Action::set);
  REQUIRE(e.record.has_value());
  CHECK(e.record->kind == "feast");
  CHECK(e.record->actor == "duke");
  const auto only_record = load(with(kTowns, "    set: {towns.upton.mood: 0.9}\n", ""));
  CHECK(only_record->events()[0].action == sim::ScheduledEvent::Action::record_only);
}

TEST_CASE("collections report bad names, kinds, references and counts precisely", "[unit][scenario][collections][errors]") {
  CHECK_THAT(error_of(with(kTowns, "  upton: {people: 100, mood: 0.5}", "  Upton: {people: 100, mood: 0.5}")),
             Catch::Contains("towns.yaml:6:3") && Catch::Contains("'Upton' is not a usable name"));
  CHECK_THAT(error_of(with(kTowns, "    home: upton", "    home: uptown")),
             Catch::Contains("towns.yaml:13:11") && Catch::Contains("actors.reavers.home") &&
                 Catch::Contains("did you mean 'upton'?"));
  CHECK_THAT(error_of(with(kTowns, "    roams: [upton, downby]", "    roams: [upton, upton]")),
             Catch::Contains("'upton' is listed twice"));
  CHECK_THAT(error_of(with(kTowns, "    patron: duke", "    patron: reavers")),
             Catch::Contains("expected the name of a patron in actors, found 'reavers'"));
  CHECK_THAT(error_of(with(kTowns, "    kind: band", "    kind: bnad")),
             Catch::Contains("actors.reavers.kind") && Catch::Contains("did you mean 'band'?"));
  CHECK_THAT(error_of(with(kTowns, "  duke: {kind: patron, purse: 10}", "  duke: {kind: patron, purse: 10}\n  earl: "
                                                                         "{kind: patron, purse: 1}")),
             Catch::Contains("expected at most 1 of kind 'patron', found 2"));
  CHECK_THAT(error_of(with(kTowns, "    wells: {upton: 2,", "    wells: {uptn: 2,")),
             Catch::Contains("actors.reavers.wells.uptn") && Catch::Contains("did you mean 'upton'?"));
  CHECK_THAT(error_of(with(kTowns, "  duke: {kind: patron, purse: 10}", "  duke: {kind: patron, prse: 10}")),
             Catch::Contains("unknown key 'prse' in 'actors.duke'") && Catch::Contains("did you mean 'purse'?"));
  CHECK_THAT(error_of(with(kTowns, "towns:\n  upton: {people: 100, mood: 0.5}\n  downby:\n    people: {value: 50, "
                                   "calibrated: \"the census target\"}\n    mood: 0.2\n",
                           "towns: {}\n")),
             Catch::Contains("expected at least 1 entries, found 0"));
}

TEST_CASE("a scheduled action names only what the model's vocabulary has", "[unit][scenario][collections][errors]") {
  CHECK_THAT(error_of(with(kTowns, "kind: feast, actor: duke", "kind: feats, actor: duke")),
             Catch::Contains("events[a feast].record.kind") && Catch::Contains("did you mean 'feast'?"));
  CHECK_THAT(error_of(with(kTowns, "target: granary, region: upton", "target: granary, region: nowhere")),
             Catch::Contains("'nowhere' is not a region of this scenario's events"));
  CHECK_THAT(error_of(with(kTowns, "target: granary, region: upton, ", "target: granary, ")),
             Catch::Contains("missing required key 'region'"));
}

TEST_CASE("a variant removes an entry with omit and keeps the base's order", "[unit][scenario][collections][extends]") {
  const std::string dir = testing::temp_path("collections");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/base.yaml") << kTowns;
  const auto variant = [&](const std::string& changes) {
    return sim::load_scenario_text("confsim: 1\nextends: base.yaml\n" + changes, dir + "/variant.yaml", {&schema()});
  };
  const auto added = variant("towns:\n  midhurst: {people: 5, mood: 0.1}\n  upton: {people: 120}\n");
  std::vector<std::string> names;
  for (const auto& t : added->entries("towns")) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"upton", "downby", "midhurst"});
  CHECK(added->real("towns.upton.people") == 120);
  CHECK(added->real("towns.upton.mood") == 0.5);
  const auto removed = variant("towns:\n  downby: {omit: true}\nactors:\n  reavers:\n    roams: [upton]\n"
                               "    wells: {downby: {omit: true}}\n");
  REQUIRE(removed->entries("towns").size() == 1);
  CHECK(removed->entries("towns")[0].name == "upton");
  CHECK_THAT(testing::input_error_of([&] { variant("towns:\n  nowhere: {omit: true}\n"); }),
             Catch::Contains("variant.yaml:4:3") && Catch::Contains("omit names nothing of the base scenario"));
  // A reference to a removed entry is an error where the reference stands.
  CHECK_THAT(testing::input_error_of([&] { variant("towns:\n  downby: {omit: true}\n"); }),
             Catch::Contains("actors.reavers.roams") && Catch::Contains("found 'downby'"));
}
