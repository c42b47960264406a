// Runs as ACLED and UCDP GED events: the export adds up to the run's /events, reads back as an
// observed file, and the comparison's scores are those computed by hand; bad observed files are
// refused naming their row and column.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "confsim/app/commands.hpp"
#include "confsim/output/event_data.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/output/targets.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

// A short Iraq run (120 days, coarse lattices), written once for every test here.
const std::string& iraq_run() {
  static const std::string path = [] {
    app::RunRequest request;
    request.scenario_path = testing::source_path("scenarios/iraq/baseline.yaml");
    request.output_path = testing::temp_path("event_data_iraq.h5");
    request.overrides = {"scale.people_per_agent=5000"};
    request.ticks = 120;
    request.seed = 3;
    request.threads = 2;
    app::run_scenario(request);
    return request.output_path;
  }();
  return path;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = testing::temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::int64_t total_killed(const output::EventTable& table) {
  std::int64_t killed = 0;
  for (const auto& row : table.rows) killed += row.killed;
  return killed;
}

}  // namespace

TEST_CASE("an ACLED export of an Iraq run keeps every death and makes protests one event a region and day",
          "[event_data][export]") {
  const auto run = output::read_run_events(iraq_run());
  const auto table = output::read_events(iraq_run());
  REQUIRE(total_killed(table) > 0);
  std::int64_t fatalities = 0;
  std::set<std::pair<std::int64_t, std::string>> protest_days;
  const std::set<std::string> six = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
                                     "Riots",   "Strategic developments"};
  std::size_t protests = 0, with_force = 0;
  for (const auto& e : run.acled) {
    INFO(e.notes);
    fatalities += e.fatalities;
    CHECK(six.count(e.event_type) == 1);
    CHECK(e.inter1 >= 1);
    CHECK(e.inter1 <= 8);
    if (e.event_type == "Protests") {
      ++protests;
      CHECK(protest_days.insert({e.tick, e.admin1}).second);  // one a region and day
      CHECK(e.inter1 == 6);
      if (e.sub_event_type == "Excessive force against protesters") {
        ++with_force;
        CHECK(!e.actor2.empty());
      }
      if (e.fatalities > 0) CHECK(e.sub_event_type == "Excessive force against protesters");
    }
  }
  CHECK(fatalities == total_killed(table));
  CHECK(protests > 0);
  CHECK(with_force > 0);
  // The scenario's event_data names the governorates and actors.
  std::set<std::string> admin1;
  for (const auto& e : run.acled) admin1.insert(e.admin1);
  CHECK(admin1.count("Thi-Qar") == 1);
  CHECK(admin1.count("dhi_qar") == 0);
  CHECK(run.country == "Iraq");
  CHECK(run.iso == 368);
}

TEST_CASE("a UCDP export holds the events that killed, by type of violence, and all their deaths",
          "[event_data][export]") {
  const auto run = output::read_run_events(iraq_run());
  const auto table = output::read_events(iraq_run());
  std::int64_t deaths = 0;
  std::map<int, std::size_t> types;
  for (const auto& e : run.ucdp) {
    deaths += e.best();
    ++types[e.type_of_violence];
    CHECK(e.best() > 0);
    if (e.type_of_violence == 3) CHECK(e.side_b == "Civilians");
  }
  CHECK(deaths == total_killed(table));
  CHECK(types.count(3) == 1);  // protesters shot
  for (const auto& [type, n] : types) CHECK((type >= 1 && type <= 3));
}

TEST_CASE("an export reads back as an observed file with the same events and deaths", "[event_data][export]") {
  const auto run = output::read_run_events(iraq_run());
  for (const auto format : {output::EventFormat::acled, output::EventFormat::ucdp}) {
    std::ostringstream csv;
    output::write_event_csv({run}, format, csv);
    const std::string path = write_file("roundtrip.csv", csv.str());
    const auto observed = output::read_observed_events(path);
    CHECK(observed.format == format);
    const std::size_t expected = format == output::EventFormat::acled ? run.acled.size() : run.ucdp.size();
    REQUIRE(observed.events.size() == expected);
    std::int64_t deaths = 0;
    for (const auto& e : observed.events) deaths += e.fatalities;
    CHECK(deaths == total_killed(output::read_events(iraq_run())));
    // The run compared with itself: every cell's observed value is the one run's value.
    const auto c = output::compare_events({run}, observed, {});
    CHECK(c.coverage == 1.0);
    CHECK(c.mean_crps == 0.0);
    CHECK(c.unmatched_events == 0);
  }
  // Several runs: one file, a first column numbering them.
  std::ostringstream two;
  output::write_event_csv({run, run}, output::EventFormat::acled, two);
  CHECK(two.str().rfind("run,event_id_cnty,", 0) == 0);
  CHECK(two.str().find("\r\n2,IRQ-sim2-1,") != std::string::npos);
}

TEST_CASE("the comparison's coverage, CRPS and rank correlation are those computed by hand", "[event_data][compare]") {
  const auto day = [](const char* iso) { return *sim::Date::parse_iso(iso); };
  const auto run_with = [&](std::vector<std::pair<const char*, int>> counts) {
    output::RunEvents r;
    r.start = day("2020-01-01");
    r.ticks = 90;
    r.admin1 = {"A", "B", "C"};
    for (const auto& [admin1, n] : counts)
      for (int i = 0; i < n; ++i)
        r.acled.push_back({.date = day("2020-01-10"), .event_type = "Riots", .admin1 = admin1});
    return r;
  };
  // Three runs: 1, 2 and 3 riots in A; 10, 20, 30 in B; 5 each in C.
  const std::vector<output::RunEvents> runs = {run_with({{"A", 1}, {"B", 10}, {"C", 5}}),
                                               run_with({{"A", 2}, {"B", 20}, {"C", 5}}),
                                               run_with({{"A", 3}, {"B", 30}, {"C", 5}})};
  output::ObservedEvents observed;
  const auto observe = [&](const char* admin1, int n) {
    for (int i = 0; i < n; ++i) observed.events.push_back({day("2020-01-20"), "Riots", admin1, 0});
  };
  observe("A", 2);
  observe("B", 40);
  observe("C", 5);
  observed.events.push_back({day("2020-01-05"), "Riots", "Atlantis", 0});
  output::ComparisonRequest request;
  request.by = {"admin1"};
  const auto c = output::compare_events(runs, observed, request);
  REQUIRE(c.cells.size() == 3);
  // A: 2 in [1.1, 2.9]; B: 40 above [11, 29]; C: 5 in [5, 5].
  CHECK(c.cells[0].inside);
  CHECK_FALSE(c.cells[1].inside);
  CHECK(c.cells[2].inside);
  CHECK(c.coverage == Approx(2.0 / 3));
  // CRPS = E|X − y| − ½E|X − X'|: A (2/3 − 4/9), B (20 − 40/9), C 0.
  CHECK(c.cells[0].crps == Approx(2.0 / 3 - 4.0 / 9));
  CHECK(c.cells[1].crps == Approx(20 - 40.0 / 9));
  CHECK(c.cells[2].crps == Approx(0).margin(1e-12));
  // Observed totals 2, 40, 5 and simulated means 2, 20, 5 have the same order.
  REQUIRE(c.admin1_rank_correlation);
  CHECK(*c.admin1_rank_correlation == Approx(1.0));
  CHECK(c.unmatched_admin1 == std::vector<std::string>{"Atlantis"});
  CHECK(c.unmatched_events == 1);
  CHECK(c.from == day("2020-01-05"));
  CHECK(c.to == day("2020-01-20"));
}

TEST_CASE("observed files with missing columns, bad values or another encoding are refused at their row and column",
          "[event_data][errors]") {
  const auto error_of = [](const std::string& name, const std::string& text) {
    return testing::input_error_of([&] { output::read_observed_events(write_file(name, text)); });
  };
  const std::string header = "event_date,event_type,admin1,fatalities\n";
  CHECK_THAT(error_of("missing.csv", "event_date,foo\n2020-13-45,1\n"),
             Catch::Contains("missing.csv:1:1") && Catch::Contains("event_type, admin1, fatalities are missing"));
  CHECK_THAT(error_of("neither.csv", "a,b\n1,2\n"), Catch::Contains("expected ACLED's columns"));
  CHECK_THAT(error_of("date.csv", header + "2020-02-30,Riots,Basrah,0\n"),
             Catch::Contains("date.csv:2:1") && Catch::Contains("event_date") &&
                 Catch::Contains("'2020-02-30' is not a date"));
  CHECK_THAT(error_of("type.csv", header + "2020-02-03,Riot,Basrah,0\n"),
             Catch::Contains("type.csv:2:12") && Catch::Contains("did you mean 'Riots'"));
  CHECK_THAT(error_of("deaths.csv", header + "2020-02-03,Riots,Basrah,-1\n"),
             Catch::Contains("deaths.csv:2:25") && Catch::Contains("a count of deaths"));
  CHECK_THAT(error_of("latin1.csv", header + "2020-02-03,Riots,Ninive\xe9,0\n"),
             Catch::Contains("latin1.csv:2:24") && Catch::Contains("not UTF-8"));
  CHECK_THAT(error_of("ragged.csv", header + "2020-02-03,Riots,Basrah\n"), Catch::Contains("has 3 fields"));
  CHECK_THAT(error_of("quote.csv", header + "2020-02-03,\"Riots,Basrah,0\n"), Catch::Contains("never closed"));
  CHECK_THAT(error_of("empty.csv", ""), Catch::Contains("empty"));
  CHECK_THAT(error_of("ged.csv", "date_start,type_of_violence,adm_1,best\n2020-01-01,4,Basra governorate,1\n"),
             Catch::Contains("ged.csv:2:12") && Catch::Contains("type of violence"));
}

TEST_CASE("observed files in ACLED's and GED's own spellings are read", "[event_data][observed]") {
  // ACLED's older exports write dates in words; quoted fields hold commas, quotes and line breaks.
  const auto acled =
      output::read_observed_events(write_file("acled_words.csv",
                                              "\xEF\xBB\xBFnotes,event_date,event_type,admin1,fatalities\r\n"
                                              "\"a, \"\"quoted\"\"\nnote\",12 October 2019,Protests,Baghdad,3\r\n"
                                              "x,2019-10-13,Battles,Ninewa,0\r\n"));
  REQUIRE(acled.events.size() == 2);
  CHECK(acled.events[0].date == *sim::Date::parse_iso("2019-10-12"));
  CHECK(acled.events[0].fatalities == 3);
  CHECK(acled.events[1].admin1 == "Ninewa");
  const auto ged = output::read_observed_events(write_file(
      "ged.csv", "id,date_start,type_of_violence,adm_1,best\n1,2020-01-03 00:00:00.000,1,Baghdad governorate,2\n"));
  REQUIRE(ged.events.size() == 1);
  CHECK(ged.format == output::EventFormat::ucdp);
  CHECK(ged.events[0].event_type == "state-based");
  CHECK(ged.events[0].admin1 == "Baghdad");
}

TEST_CASE("the shipped documented events are an ACLED file the Iraq runs are compared with", "[event_data][iraq]") {
  const auto observed = output::read_observed_events(testing::source_path("scenarios/data/iraq_documented_events.csv"));
  CHECK(observed.format == output::EventFormat::acled);
  CHECK(observed.events.size() >= 25);
  const auto c = output::compare_events({output::read_run_events(iraq_run())}, observed, {});
  CHECK(c.unmatched_events == 0);  // every governorate the documents name is one of the scenario's
  CHECK_FALSE(c.cells.empty());
}

TEST_CASE("event_data refuses a misspelt actor and accepts one a variant left out", "[event_data][scenario]") {
  const std::string base = testing::read_text(testing::source_path("scenarios/iraq/baseline.yaml"));
  const auto load_with = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return testing::scenario_from_text(text);
  };
  CHECK_THAT(testing::input_error_of([&] { load_with("    thaer_allah: Thaer Allah", "    thaer_alah: Thaer Allah"); }),
             Catch::Contains("event_data.actor_names.thaer_alah") && Catch::Contains("did you mean 'thaer_allah'"));
  CHECK_NOTHROW(load_with("    thaer_allah: Thaer Allah", "    hashd_unit_99: Thaer Allah"));
}

TEST_CASE("a targets file may compare runs with an observed file, and refuses a bad one at its row",
          "[event_data][targets]") {
  const auto targets = output::load_targets(testing::source_path("scenarios/iraq/observed_targets.yaml"));
  REQUIRE(targets.size() == 3);
  for (const auto& t : targets) {
    REQUIRE(t.observed);
    CHECK(t.report_only);
  }
  const auto results = output::score_runs(targets, {iraq_run()});
  CHECK(results[0].mean >= -1);  // Spearman's rank correlation
  CHECK(results[0].mean <= 1);
  CHECK(results[2].mean >= 0);  // CRPS

  // With an expectation the statistic passes or fails; the comparison is that of confsim compare.
  const std::string observed = write_file("observed_self.csv", [] {
    std::ostringstream csv;
    output::write_event_csv({output::read_run_events(iraq_run())}, output::EventFormat::acled, csv);
    return csv.str();
  }());
  const auto targets_with = [&](const std::string& within) {
    return write_file("observed_targets.yaml",
                      "targets:\n  - name: against itself\n    assumption: test\n    by_construction: false\n"
                      "    observed: {file: observed_self.csv, statistic: coverage, by: [month, admin1]}\n"
                      "    within: " +
                          within + "\n");
  };
  const auto pass = output::score_runs(output::load_targets(targets_with("[0.99, 1]")), {iraq_run()});
  CHECK(pass[0].mean == 1.0);
  CHECK(pass[0].pass);
  const auto fail = output::score_runs(output::load_targets(targets_with("[0, 0.5]")), {iraq_run()});
  CHECK_FALSE(fail[0].pass);

  const auto error_of = [](const std::string& text) {
    return testing::input_error_of([&] { output::load_targets(write_file("bad_observed_targets.yaml", text)); });
  };
  write_file("bad_observed.csv", "event_date,event_type,admin1,fatalities\n2020-01-01,Riots,Basrah,many\n");
  CHECK_THAT(
      error_of(
          "targets:\n  - name: x\n    assumption: a\n    observed: {file: bad_observed.csv, statistic: coverage}\n"),
      Catch::Contains("bad_observed.csv:2:25") && Catch::Contains("count of deaths"));
  CHECK_THAT(
      error_of("targets:\n  - name: x\n    assumption: a\n    observed: {file: observed_self.csv, statistic: mse}\n"),
      Catch::Contains("coverage | crps | rank_correlation"));
  CHECK_THAT(error_of("targets:\n  - name: x\n    assumption: a\n    by_construction: false\n"
                      "    observed: {file: observed_self.csv, statistic: crps}\n    mean_within: [0, 1]\n"),
             Catch::Contains("give within: [low, high]"));
}
