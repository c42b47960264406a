#include <catch2/catch.hpp>

#include "confsim/agents/registry.hpp"
#include "confsim/sim/scenario.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;
using confsim::testing::scenario_from_text;

namespace {

const std::string& kValid = confsim::testing::kSmallScenario;

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The full message of the InputError a text raises (one line per problem).
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return testing::input_error_of([&] { scenario_from_text(text, overrides); });
}

}  // namespace

TEST_CASE("a valid scenario loads with types, provenance and events", "[unit][scenario]") {
  const auto s = scenario_from_text(kValid);
  CHECK(s->name() == "small");
  CHECK(s->preset() == "netlogo");
  CHECK(*s->seed() == 5);
  CHECK(s->ticks() == 20);
  CHECK(s->start_date().iso() == "2019-10-01");
  CHECK(s->real("government.legitimacy") == 0.82);
  CHECK(s->integer("jail.max_term") == 30);
  CHECK(s->word("rules.ratio_rounding") == "floor");  // from the preset
  CHECK(s->parameter("rules.ratio_rounding").provenance.kind == sim::Provenance::Kind::preset);
  CHECK(s->parameter("government.legitimacy").provenance.kind == sim::Provenance::Kind::source);
  CHECK(s->parameter("government.legitimacy").provenance.quote == "legitimacy 0.82");
  CHECK(s->parameter("cops.vision").provenance.kind == sim::Provenance::Kind::assumption);
  CHECK(s->parameter("citizens.density").provenance.kind == sim::Provenance::Kind::unannotated);
  CHECK(s->parameter("citizens.threshold").provenance.kind == sim::Provenance::Kind::builtin_default);
  CHECK(s->parameter("citizens.density").where.line == 17);
  REQUIRE(s->events().size() == 3);
  CHECK(s->events()[0].at_tick == 5);  // 2019-10-06
  CHECK(s->events()[1].duration == 5);
  CHECK(s->events()[2].occurrences() == std::vector<std::int64_t>{10, 12, 14});
}

TEST_CASE("a section's source or assumption covers its plain values", "[unit][scenario]") {
  const auto s = scenario_from_text(
      replaced(kValid, "  height: 20\n",
               "  height: 20\n  source: {document: \"Mesa model.py\", quote: \"width=40, height=40\"}\n"));
  CHECK(s->parameter("grid.width").provenance.kind == sim::Provenance::Kind::source);
  CHECK(s->parameter("grid.height").provenance.quote == "width=40, height=40");
  CHECK(s->parameter("grid.torus").provenance.kind == sim::Provenance::Kind::builtin_default);  // not written
  // A value's own annotation wins over its section's.
  const auto t = scenario_from_text(replaced(kValid, "    assumption: \"a smaller window for a smaller grid\"\n",
                                             "    assumption: \"a smaller window for a smaller grid\"\n"
                                             "  assumption: \"all ours\"\n"));
  CHECK(t->parameter("cops.density").provenance.reason == "all ours");
  CHECK(t->parameter("cops.vision").provenance.reason == "a smaller window for a smaller grid");
  // --set still marks the value as an override.
  const auto u = scenario_from_text(replaced(kValid, "  height: 20\n", "  height: 20\n  assumption: \"small\"\n"),
                                    {"grid.width=30"});
  CHECK(u->parameter("grid.width").provenance.kind == sim::Provenance::Kind::override_);
  CHECK(u->parameter("grid.height").provenance.kind == sim::Provenance::Kind::assumption);
  CHECK_THAT(error_of(replaced(kValid, "  height: 20\n",
                               "  height: 20\n  assumption: \"a\"\n  source: {document: d, quote: q}\n")),
             Catch::Contains("grid.assumption") && Catch::Contains("either source, assumption or calibrated"));
}

TEST_CASE("a key written in the file wins over the preset", "[unit][scenario]") {
  const auto s = scenario_from_text(replaced(kValid, "jail:\n", "rules:\n  ratio_rounding: none\njail:\n"));
  CHECK(s->word("rules.ratio_rounding") == "none");
  CHECK(s->word("rules.self_count") == "twice_when_active");
}

TEST_CASE("overrides given with --set are validated and recorded", "[unit][scenario]") {
  const auto s = scenario_from_text(kValid, {"government.legitimacy=0.6", "citizens.moves=false"});
  CHECK(s->real("government.legitimacy") == 0.6);
  CHECK_FALSE(s->flag("citizens.moves"));
  CHECK(s->parameter("government.legitimacy").provenance.kind == sim::Provenance::Kind::override_);
  REQUIRE(s->overrides().size() == 2);
  CHECK(s->overrides()[0].text() == "government.legitimacy=0.6");
  CHECK(s->text() == kValid);  // the file text is kept as read
}

TEST_CASE("invalid input gives a precise message", "[unit][scenario][errors]") {
  struct Case {
    const char* what;
    std::string text;
    std::vector<std::string> overrides;
    std::vector<std::string> expected;  // each must appear in the message
  };
  const std::vector<Case> cases = {
      {"broken YAML", replaced(kValid, "  width: 20", "  width: [20"), {}, {"test.yaml:", "not valid YAML"}},
      {"an empty file", "", {}, {"empty document"}},
      {"a list instead of a map", "- 1\n- 2\n", {}, {"found a list"}},
      {"a misspelt top-level key", replaced(kValid, "preset:", "prest:"), {},
       {"test.yaml:4:1", "unknown key 'prest'", "did you mean 'preset'?"}},
      {"a misspelt parameter", replaced(kValid, "  legitimacy:\n", "  legitimcy:\n"), {},
       {"test.yaml:13:3", "government.legitimcy", "did you mean 'legitimacy'?"}},
      {"a parameter in the wrong section", replaced(kValid, "  density: 0.7", "  density: 0.7\n  max_term: 3"), {},
       {"citizens.max_term", "it belongs under 'jail'"}},
      {"a density of 1.3", replaced(kValid, "density: 0.7", "density: 1.3"), {},
       {"test.yaml:17:12", "citizens.density", "expected a number in [0, 1], found '1.3'"}},
      {"a negative jail term", replaced(kValid, "max_term: 30", "max_term: -4"), {},
       {"jail.max_term", "expected a whole number in [0, 1000000000] or 'unbounded', found '-4'"}},
      {"an empty grid", replaced(kValid, "width: 20", "width: 0"), {},
       {"grid.width", "expected a whole number in [1, 65535], found '0'"}},
      {"a missing required key", replaced(kValid, "  max_term: 30\n", "  blocks_cell: true\n"), {},
       {"jail.max_term", "missing required key 'max_term'"}},
      {"text where a number belongs", replaced(kValid, "density: 0.7", "density: high"), {},
       {"citizens.density", "found 'high'"}},
      {"a misspelt choice", replaced(kValid, "jail:\n", "rules:\n  ratio_rounding: flor\njail:\n"), {},
       {"rules.ratio_rounding", "one of none | floor | round_half_even", "did you mean 'floor'?"}},
      {"an unknown preset", replaced(kValid, "preset: netlogo", "preset: netlog"), {},
       {"preset", "one of epstein2002 | netlogo | mesa", "did you mean 'netlogo'?"}},
      {"an unknown model", replaced(kValid, "model: epstein_civil_violence", "model: sugarscape"), {},
       {"model", "one of epstein_civil_violence", "found 'sugarscape'"}},
      {"a duplicate key", replaced(kValid, "  width: 20\n", "  width: 20\n  width: 30\n"), {},
       {"grid.width", "duplicate key 'width' (first given on line 10)"}},
      {"densities over 1", replaced(kValid, "density: 0.04", "density: 0.4"), {},
       {"cops.density", "citizens.density + cops.density", "expected at most 1"}},
      {"a window wider than the torus", replaced(kValid, "  vision: 3\n", "  vision: 12\n"), {},
       {"citizens.vision", "would see cells twice"}},
      {"a window too large to count", kValid, {"grid.torus=false", "citizens.vision=170"},
       {"citizens.vision", "cells; at most 65535 are supported"}},
      {"an event on a parameter events cannot change", replaced(kValid, "{government.legitimacy: 0.7}",
                                                                 "{government.legitimacyy: 0.7}"), {},
       {"events[0].set", "did you mean 'government.legitimacy'?"}},
      {"an event with two actions", replaced(kValid, "    set: {government.legitimacy: 0.7}",
                                              "    set: {government.legitimacy: 0.7}\n    ramp: {path: x, to: 1, over: 2}"),
       {}, {"events[0]", "expected one of set, ramp or remove_share (and, for an action, record), found 2"}},
      {"an event before the start", replaced(kValid, "at: 2019-10-06", "at: 2019-09-06"), {},
       {"events[0].at", "expected a date after the start date 2019-10-01"}},
      {"an event value out of range", replaced(kValid, "{government.legitimacy: 0.7}", "{government.legitimacy: 7}"),
       {}, {"events[0].set.government.legitimacy", "expected a number in [0, 1], found '7'"}},
      {"a misspelt override", kValid, {"citizens.densty=0.5"},
       {"--set citizens.densty=0.5", "did you mean 'density'?"}},
      {"an override out of range", kValid, {"government.legitimacy=1.5"},
       {"--set government.legitimacy=1.5", "expected a number in [0, 1], found '1.5'"}},
      {"an override without '='", kValid, {"government.legitimacy"}, {"expected path=value"}},
      {"an annotated value without provenance", replaced(kValid, "  density: 0.7", "  density: {value: 0.7}"), {},
       {"citizens.density", "needs 'source' {document, quote}, 'assumption' (why) or 'calibrated'"}},
      {"a source without a quote", replaced(kValid, "quote: \"legitimacy 0.82\"", "page: 3"), {},
       {"government.legitimacy.source", "expected a map {document: ..., quote: ...}"}},
      {"NaN", replaced(kValid, "density: 0.7", "density: .nan"), {}, {"citizens.density", "found '.nan'"}},
      {"infinity", replaced(kValid, "density: 0.7", "density: .inf"), {}, {"citizens.density", "found '.inf'"}},
      {"yes for a boolean", replaced(kValid, "  height: 20\n", "  height: 20\n  torus: yes\n"), {},
       {"grid.torus", "expected true or false, found 'yes'"}},
      {"an impossible date", replaced(kValid, "2019-10-01", "2019-02-30"), {},
       {"calendar.start_date", "expected a date YYYY-MM-DD, found '2019-02-30'"}},
      {"a future format version", replaced(kValid, "confsim: 1", "confsim: 2"), {},
       {"confsim", "expected a whole number in [1, 1], found '2'"}},
      {"an unknown population", replaced(kValid, "population: cops", "population: police"), {},
       {"events[2].remove_share.population", "one of cops | citizens"}},
  };
  CHECK(cases.size() >= 15);
  for (const auto& c : cases) {
    INFO(c.what);
    const std::string message = error_of(c.text, c.overrides);
    INFO(message);
    for (const auto& piece : c.expected) CHECK(message.find(piece) != std::string::npos);
  }
}

TEST_CASE("several problems are reported together", "[unit][scenario][errors]") {
  const std::string text = replaced(replaced(kValid, "density: 0.7", "density: 2"), "max_term: 30", "max_term: x");
  const auto message = error_of(text);
  CHECK(message.find("citizens.density") != std::string::npos);
  CHECK(message.find("jail.max_term") != std::string::npos);
}

TEST_CASE("a missing file or a directory is a clear error", "[unit][scenario][errors]") {
  try {
    sim::load_scenario_file("/nonexistent/x.yaml", agents::model_schemas());
    FAIL("expected an error");
  } catch (const sim::InputError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/x.yaml: error: cannot open") != std::string::npos);
  }
  try {
    sim::load_scenario_file("/tmp", agents::model_schemas());
    FAIL("expected an error");
  } catch (const sim::InputError& e) {
    CHECK(std::string(e.what()).find("/tmp: error:") != std::string::npos);
  }
}
