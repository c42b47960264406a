// The Iraq scenario's files as data: nested sections and events that change several conditions,
// variants that extend the baseline, the event catalog, and the calibration targets.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "confsim/agents/registry.hpp"
#include "confsim/output/targets.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

const std::string kBaseline = "scenarios/iraq/baseline.yaml";

sim::ScenarioPtr variant(const std::string& text) {
  return sim::load_scenario_text(text, testing::source_path("scenarios/iraq/test_variant.yaml"),
                                 agents::model_schemas());
}

std::string error_of(const std::string& text) {
  return testing::input_error_of([&] { variant(text); });
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("the baseline declares its regions and actors as data", "[iraq][scenario]") {
  const auto s = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  CHECK(s->model() == "conflict");
  CHECK(s->entries("regions").size() == 10);
  std::map<std::string, int> kinds;
  for (const auto& a : s->entries("actors")) ++kinds[a.kind];
  CHECK(kinds == std::map<std::string, int>{{"armed_group", 6}, {"foreign_force", 1}, {"government", 1},
                                            {"protest_movement", 1}, {"sponsor", 1}});
  CHECK(s->real("regions.basra.population") == 3000000);
  CHECK(s->flag("regions.baghdad.capital"));
  CHECK(s->word("actors.thaer_allah.home_region") == "basra");
  CHECK(s->word("actors.kataib_hezbollah.sponsor") == "irgc");
  CHECK_FALSE(s->flag("actors.thaer_allah.on_state_payroll"));
  CHECK(s->parameter("actors.coalition.troops").provenance.kind == sim::Provenance::Kind::source);
  CHECK(s->parameter("armed_group_rules.foreign_attack_rate").provenance.kind == sim::Provenance::Kind::calibrated);
  double bases = 0;
  for (const auto& [region, p] : s->keyed("actors.coalition.bases")) bases += std::get<double>(p->value);
  CHECK(bases == 9);
}

TEST_CASE("a misspelt reference or key is caught with a suggestion", "[iraq][scenario][errors]") {
  const std::string region =
      error_of("confsim: 1\nextends: baseline.yaml\nactors:\n  thaer_allah:\n    home_region: basr\n");
  CHECK_THAT(region, Catch::Contains("test_variant.yaml:5:18") && Catch::Contains("actors.thaer_allah.home_region") &&
                         Catch::Contains("did you mean 'basra'?"));
  const std::string key =
      error_of("confsim: 1\nextends: baseline.yaml\nactors:\n  thaer_allah:\n    fightres: 300\n");
  CHECK_THAT(key, Catch::Contains("unknown key 'fightres' in 'actors.thaer_allah'") &&
                      Catch::Contains("did you mean 'fighters'?"));
  const std::string sponsor =
      error_of("confsim: 1\nextends: baseline.yaml\nactors:\n  badr:\n    sponsor: coalition\n");
  CHECK_THAT(sponsor, Catch::Contains("expected the name of a sponsor in actors, found 'coalition'"));
  const std::string actors = error_of("confsim: 1\nextends: baseline.yaml\nactors: 3\n");
  CHECK_THAT(actors, Catch::Contains("actors: expected a map of actors"));
  const std::string kind = error_of("confsim: 1\nextends: baseline.yaml\nactors:\n  newcomer: {kind: armed_gruop}\n");
  CHECK_THAT(kind, Catch::Contains("actors.newcomer.kind") && Catch::Contains("did you mean 'armed_group'?"));
}

TEST_CASE("an event may change several conditions at once", "[iraq][scenario]") {
  const auto s = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  std::set<std::string> changed;
  for (const auto& e : s->events())
    if (e.name == "Kadhimi takes office") changed.insert(e.target);
  CHECK(changed == std::set<std::string>{"actors.government.reform_intent", "actors.government.repression_propensity",
                                         "actors.government.mission_protection", "actors.government.bloc_dependence"});
}

TEST_CASE("extends replaces values, merges maps and matches events by name", "[iraq][scenario][extends]") {
  const auto s = variant(R"(confsim: 1
extends: baseline.yaml
name: variant
actors:
  government:
    raid_rate: {value: 0.9, assumption: test}
events:
  - name: Soleimani and al-Muhandis killed by a US strike
    omit: true
  - name: drawdown announced
    at: 2020-10-01
    set: {actors.coalition.troop_target: 2500}
    assumption: test
  - name: a new event
    at: 2021-01-01
    set: {actors.government.dialogue: 0.5}
    assumption: test
)");
  const auto base = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  CHECK(s->name() == "variant");
  CHECK(s->real("actors.government.raid_rate") == 0.9);
  CHECK(s->parameter("actors.government.raid_rate").provenance.kind == sim::Provenance::Kind::assumption);
  CHECK(s->real("actors.government.raid_detainees_mean") == base->real("actors.government.raid_detainees_mean"));
  // Actors keep the base's order, so the variant's files line up with the base's.
  std::vector<std::string> order, base_order;
  for (const auto& a : s->entries("actors")) order.push_back(a.name);
  for (const auto& a : base->entries("actors")) base_order.push_back(a.name);
  CHECK(order == base_order);
  std::map<std::string, int> names;
  for (const auto& e : s->events()) ++names[e.name];
  CHECK(names.count("Soleimani and al-Muhandis killed by a US strike") == 0);
  CHECK(names["drawdown announced"] == 1);  // replaced: one change instead of the base's two
  CHECK(names["a new event"] == 1);
  CHECK(s->events().size() == base->events().size() - 1 - 1 + 1);
  CHECK(s->text().find("extends") == std::string::npos);  // the resolved scenario is what runs record
}

TEST_CASE("extends reports a missing base, an unknown omitted event and a cycle", "[iraq][scenario][extends][errors]") {
  CHECK_THAT(error_of("confsim: 1\nextends: nowhere.yaml\n"),
             Catch::Contains("test_variant.yaml:2:10") && Catch::Contains("cannot read the base scenario"));
  CHECK_THAT(error_of("confsim: 1\nextends: baseline.yaml\nevents:\n  - {name: no such event, omit: true}\n"),
             Catch::Contains("omit names no event of the base scenario: 'no such event'"));
  const std::string loop = write_temp("loop.yaml", "confsim: 1\nextends: loop.yaml\n");
  CHECK_THAT(testing::input_error_of([&] { sim::load_scenario_file(loop, agents::model_schemas()); }),
             Catch::Contains("more than 8 scenarios extend one another"));
}

TEST_CASE("every counterfactual differs from the baseline and cites or assumes what it changes",
          "[iraq][scenario][extends]") {
  const auto base = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("scenarios/iraq/counterfactuals"))) {
    INFO(entry.path());
    const auto cf = sim::load_scenario_file(entry.path().string(), agents::model_schemas());
    ++files;
    bool differs = cf->events().size() != base->events().size();
    for (const auto& p : cf->parameters()) differs = differs || p.value != base->parameter(p.path).value;
    for (std::size_t i = 0; !differs && i < cf->events().size(); ++i)
      differs = cf->events()[i].target != base->events()[i].target || cf->events()[i].value != base->events()[i].value;
    CHECK(differs);
    for (const auto& e : cf->events()) {
      INFO(e.name);
      CHECK((e.provenance.kind == sim::Provenance::Kind::source ||
             e.provenance.kind == sim::Provenance::Kind::assumption ||
             e.provenance.kind == sim::Provenance::Kind::calibrated));
    }
  }
  CHECK(files == 4);
}

TEST_CASE("the event catalog gives every event a date, a kind and a quoted source", "[iraq][catalog]") {
  const YAML::Node catalog = YAML::LoadFile(testing::source_path("scenarios/data/iraq_events_2019_2021.yaml"));
  const std::set<std::string> documents = {"000_c7a822ba49be8669.txt", "001_cca2940ed83aab76.txt",
                                           "002_147c37b7aaa5ab37.txt", "003_81ef8f3b8094cae4.txt",
                                           "004_a44b7e60fcd0cb4a.txt"};
  std::set<std::string> ids, cited;
  REQUIRE(catalog["events"].size() >= 30);
  for (const auto& e : catalog["events"]) {
    const std::string id = e["id"].as<std::string>();
    INFO(id);
    CHECK(ids.insert(id).second);
    const bool dated = e["date"] ? sim::Date::parse_iso(e["date"].as<std::string>()).has_value()
                                 : sim::Date::parse_iso(e["from"].as<std::string>()).has_value() &&
                                       sim::Date::parse_iso(e["to"].as<std::string>()).has_value();
    CHECK(dated);
    CHECK(e["kind"]);
    CHECK(e["precision"]);
    REQUIRE(e["source"]);
    CHECK(documents.count(e["source"]["document"].as<std::string>()) == 1);
    CHECK(e["source"]["quote"].as<std::string>().size() > 10);
    cited.insert(e["source"]["document"].as<std::string>());
  }
  CHECK(cited == documents);  // every document contributes
}

TEST_CASE("the targets file loads, and malformed targets name their line", "[iraq][targets][errors]") {
  const auto targets = output::load_targets(testing::source_path("scenarios/iraq/targets.yaml"));
  CHECK(targets.size() >= 15);
  std::size_t forced = 0;
  for (const auto& t : targets) {
    INFO(t.name);
    CHECK(t.provenance.rfind("source: ", 0) == 0);
    CHECK_FALSE(t.report_only);
    if (t.by_construction) {
      ++forced;
      CHECK(t.construction.size() > 20);  // says what forces it
    }
  }
  CHECK(forced == 6);
  const auto error_of_targets = [](const std::string& text) {
    return testing::input_error_of([&] { output::load_targets(write_temp("targets.yaml", text)); });
  };
  CHECK_THAT(error_of_targets("targets:\n  - name: x\n    assumption: a\n    events: {kind: raid, from: 2020-01-01, "
                              "to: 2019-01-01}\n    mean_within: [1, 0]\n"),
             Catch::Contains("targets.yaml:4:13") && Catch::Contains("'to' is before 'from'") &&
                 Catch::Contains("expected [low, high] with low ≤ high"));
  CHECK_THAT(error_of_targets("targets:\n  - name: x\n    events: {kind: raid, from: 2020-01-01, to: 2020-02-01}\n"
                              "    mesure: count\n"),
             Catch::Contains("did you mean 'measure'?") && Catch::Contains("expected source: {document, quote}"));
  CHECK_THAT(error_of_targets("targets:\n  - name: x\n    assumption: a\n    events: {kind: raid, from: 2020-01-01, "
                              "to: 2020-02-01}\n    mean_within: [0, 1]\n"),
             Catch::Contains("missing by_construction"));
  CHECK_THAT(error_of_targets("targets:\n  - name: x\n    assumption: a\n    by_construction: true\n"
                              "    events: {kind: raid, from: 2020-01-01, to: 2020-02-01}\n    mean_within: [0, 1]\n"),
             Catch::Contains("targets.yaml:4:22") && Catch::Contains("the input or schedule that forces it"));
}
