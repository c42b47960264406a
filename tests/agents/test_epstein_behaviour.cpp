// The model's published behaviour, checked on many seeds under both activation schemes. These fail
// if the mechanism is absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "confsim/app/commands.hpp"

#include "confsim/sim/outbursts.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

std::string scenario_text(const std::string& name) {
  return testing::read_text(testing::source_path("scenarios/epstein/" + name));
}

// Each test runs once per activation scheme (rules.activation).
std::string scheme() { return GENERATE(as<std::string>{}, "random_sequential", "synchronous"); }

std::vector<double> actives(const std::string& text, std::uint64_t seed, const std::string& activation,
                            std::vector<std::string> overrides = {}) {
  overrides.push_back("rules.activation=" + activation);
  return testing::run_series(testing::scenario_from_text(text, overrides), seed).at("active");
}

double peak(const std::vector<double>& series, std::size_t from, std::size_t to) {
  return *std::max_element(series.begin() + static_cast<std::ptrdiff_t>(from),
                           series.begin() + static_cast<std::ptrdiff_t>(std::min(to, series.size())));
}

}  // namespace

TEST_CASE("Run 2 with floor rounding shows punctuated equilibrium", "[scenario][epstein][slow]") {
  const std::string run2 = scenario_text("run2.yaml"), activation = scheme();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto a = actives(run2, seed, activation, {"rules.ratio_rounding=floor", "calendar.ticks=1000"});
    const auto stats = sim::find_outbursts(a, 50);
    const auto quiet_ticks = std::count_if(a.begin(), a.end(), [](double x) { return x < 10; });
    INFO(activation << ", seed " << seed << ": " << stats.outbursts.size() << " outbursts, " << quiet_ticks << " quiet ticks");
    CHECK(stats.outbursts.size() >= 3);           // outbursts recur …
    CHECK(quiet_ticks >= 500);                    // … with quiescent spells between
    CHECK(*std::min_element(stats.waits.begin(), stats.waits.end()) >= 1);
  }
}

TEST_CASE("Run 2 without rounding shows essentially no outbursts", "[scenario][epstein][slow]") {
  const std::string run2 = scenario_text("run2.yaml"), activation = scheme();
  std::size_t outbursts = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed)
    outbursts +=
        sim::find_outbursts(actives(run2, seed, activation, {"rules.ratio_rounding=none", "calendar.ticks=1000"}), 50)
            .outbursts.size();
  INFO(activation);
  CHECK(outbursts <= 1);
}

TEST_CASE("a sudden drop of legitimacy gives a larger peak than a gradual one", "[scenario][epstein][slow]") {
  // Run 4 drops L from 0.9 to 0.7 at tick 77; the gradual variant goes the same way by 0.01 a tick.
  const std::string sudden = scenario_text("run4.yaml");
  std::string gradual = sudden;
  const std::string jump = "    set: {government.legitimacy: 0.7}";
  gradual.replace(gradual.find(jump), jump.size(), "    ramp: {path: government.legitimacy, to: 0.7, over: 20}");
  const std::string activation = scheme();
  int sudden_larger = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const double p_sudden = peak(actives(sudden, seed, activation), 77, 200);
    const double p_gradual = peak(actives(gradual, seed, activation), 77, 200);
    sudden_larger += p_sudden > p_gradual;
  }
  INFO(activation << ": " << sudden_larger << " of 20 seeds");
  CHECK(sudden_larger >= 11);
}

TEST_CASE("Run 5 tips into rebellion when cops are withdrawn", "[scenario][epstein][slow]") {
  const std::string run5 = scenario_text("run5.yaml"), activation = scheme();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto with = actives(run5, seed, activation);
    INFO(activation << ", seed " << seed << ": calm peak " << peak(with, 20, 50) << ", later peak " << peak(with, 50, 301));
    CHECK(peak(with, 20, 50) < 10);
    CHECK(peak(with, 50, 301) > 50);  // an outburst as the paper counts them
  }
}

TEST_CASE("without withdrawals Run 5 stays calm", "[scenario][epstein][slow]") {
  std::string calm = scenario_text("run5.yaml");
  calm = calm.substr(0, calm.find("events:"));
  const std::string activation = scheme();
  INFO(activation);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) CHECK(peak(actives(calm, seed, activation), 20, 301) < 50);
}

TEST_CASE("a jail term range of 0…J−1 with J = 1 jails nobody for a whole tick", "[unit][epstein]") {
  const auto scenario = testing::scenario_from_text(
      scenario_text("run2.yaml"),
      {"jail.max_term=1", "jail.term_range=exclusive", "calendar.ticks=200", "rules.activation=" + scheme()});
  const auto series = testing::run_series(scenario, 1);
  double arrests = 0;
  for (double a : series.at("arrests")) arrests += a;
  CHECK(arrests > 0);
  CHECK(*std::max_element(series.at("jailed").begin(), series.at("jailed").end()) == 0);
}

TEST_CASE("without cops, both schemes activate exactly the citizens whose grievance exceeds T", "[unit][epstein]") {
  // P = 0 when no cop is in sight, so rule A reduces to H(1 − L) > T whatever the order of turns:
  // the random-sequential scheme, as the oracle, and the synchronous one must both give that count
  // at every tick, computed here from the hardships the run file stores.
  std::vector<std::vector<double>> per_scheme;
  for (const std::string activation : {"random_sequential", "synchronous"}) {
    app::RunRequest request;
    request.scenario_path = testing::source_path("scenarios/epstein/run2.yaml");
    request.output_path = testing::temp_path("no_cops_" + activation + ".h5");
    request.seed = 4;
    request.ticks = 60;
    request.threads = 2;
    request.overrides = {"cops.density=0", "government.legitimacy=0.7", "rules.activation=" + activation};
    app::run_scenario(request);
    const auto bytes = testing::dataset_bytes(request.output_path);
    std::vector<float> hardship(bytes.at("citizen_hardship").size() / sizeof(float));
    std::memcpy(hardship.data(), bytes.at("citizen_hardship").data(), bytes.at("citizen_hardship").size());
    const auto aggrieved = std::count_if(hardship.begin(), hardship.end(), [](float h) { return h * (1.0 - 0.7) > 0.1; });
    std::vector<std::int32_t> active(bytes.at("active").size() / sizeof(std::int32_t));
    std::memcpy(active.data(), bytes.at("active").data(), bytes.at("active").size());
    INFO(activation << ": " << aggrieved << " citizens with H(1 − L) > T");
    REQUIRE(aggrieved > 100);
    CHECK(active.front() == 0);
    for (std::size_t t = 1; t < active.size(); ++t) CHECK(active[t] == aggrieved);
  }
}

TEST_CASE("the two schemes agree on Run 2's jailed population and differ in its outbursts", "[scenario][epstein][slow]") {
  // Random-sequential activation is the reference the parallel scheme is held to: both jail about
  // as many citizens on average (the flow into jail is set by cops' reach, not by the order of
  // turns), while outbursts, which spread from neighbour to neighbour, may differ.
  const std::string run2 = scenario_text("run2.yaml");
  const auto mean_jailed = [&](const std::string& activation) {
    double sum = 0;
    int n = 0;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const auto series = testing::run_series(
          testing::scenario_from_text(run2, {"calendar.ticks=800", "rules.activation=" + activation}), seed);
      const auto& jailed = series.at("jailed");
      for (std::size_t t = 200; t < jailed.size(); ++t, ++n) sum += jailed[t];
    }
    return sum / n;
  };
  const double reference = mean_jailed("random_sequential"), parallel = mean_jailed("synchronous");
  INFO("mean jailed: random-sequential " << reference << ", synchronous " << parallel);
  CHECK(reference > 50);
  CHECK(std::abs(parallel - reference) < 0.2 * reference);
}

TEST_CASE("NetLogo's cops step onto the cell of the citizen they jail", "[unit][epstein]") {
  // The switch changes where cops stand, so it changes the run.
  const auto run = [](const std::string& step) {
    return testing::run_series(testing::scenario_from_text(scenario_text("run2.yaml"),
                                                           {"calendar.ticks=200", "cops.step_onto_arrest=" + step}),
                               3);
  };
  CHECK(run("true").at("active") != run("false").at("active"));
}
