// The Iraq scenario's files as data: nested sections and events that change several conditions,
// variants that extend the baseline, the event catalog, and the calibration targets.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "confsim/agents/iraq.hpp"
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

TEST_CASE("the baseline's regions and militias are nested sections", "[iraq][scenario]") {
  const auto s = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  CHECK(s->real("regions.basra.population") == 3000000);
  CHECK(s->word("militias.thaer_allah.home_region") == "basra");
  CHECK_FALSE(s->flag("militias.thaer_allah.pmf_member"));
  CHECK(s->parameter("coalition.troops").provenance.kind == sim::Provenance::Kind::source);
}

TEST_CASE("a misspelt region or group is caught with a suggestion", "[iraq][scenario][errors]") {
  const std::string region = error_of("confsim: 1\nextends: baseline.yaml\nregions:\n  bagdad: {population: 1}\n");
  CHECK_THAT(region, Catch::Contains("test_variant.yaml:4:3") && Catch::Contains("unknown key 'bagdad' in 'regions'") &&
                         Catch::Contains("did you mean 'baghdad'?"));
  const std::string group = error_of("confsim: 1\nextends: baseline.yaml\nmilitias: 3\n");
  CHECK_THAT(group, Catch::Contains("militias: expected a map with keys kataib_hezbollah"));
}

TEST_CASE("an event may change several conditions at once", "[iraq][scenario]") {
  const auto s = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  std::set<std::string> changed;
  for (const auto& e : s->events())
    if (e.name == "Kadhimi takes office") changed.insert(e.target);
  CHECK(changed == std::set<std::string>{"government.reform_intent", "government.repression_propensity",
                                         "government.mission_protection", "government.bloc_dependence"});
}

TEST_CASE("extends replaces values, merges maps and matches events by name", "[iraq][scenario][extends]") {
  const auto s = variant(R"(confsim: 1
extends: baseline.yaml
name: variant
government:
  raid_rate: {value: 0.9, assumption: test}
events:
  - name: Soleimani and al-Muhandis killed by a US strike
    omit: true
  - name: drawdown announced
    at: 2020-10-01
    set: {coalition.troop_target: 2500}
    assumption: test
  - name: a new event
    at: 2021-01-01
    set: {government.dialogue: 0.5}
    assumption: test
)");
  const auto base = sim::load_scenario_file(testing::source_path(kBaseline), agents::model_schemas());
  CHECK(s->name() == "variant");
  CHECK(s->real("government.raid_rate") == 0.9);
  CHECK(s->parameter("government.raid_rate").provenance.kind == sim::Provenance::Kind::assumption);
  CHECK(s->real("government.raid_detainees_mean") == base->real("government.raid_detainees_mean"));
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
             e.provenance.kind == sim::Provenance::Kind::assumption));
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
  for (const auto& t : targets) {
    INFO(t.name);
    CHECK(t.provenance.rfind("source: ", 0) == 0);
    CHECK_FALSE(t.report_only);
  }
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
}
