// The model's published behaviour, checked on many seeds. These fail if the mechanism is absent.
#include <catch2/catch.hpp>

#include <algorithm>

#include "confsim/sim/outbursts.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

std::string scenario_text(const std::string& name) {
  return testing::read_text(testing::source_path("scenarios/epstein/" + name));
}

std::vector<double> actives(const std::string& text, std::uint64_t seed, std::vector<std::string> overrides = {}) {
  return testing::run_series(testing::scenario_from_text(text, overrides), seed).at("active");
}

double peak(const std::vector<double>& series, std::size_t from, std::size_t to) {
  return *std::max_element(series.begin() + static_cast<std::ptrdiff_t>(from),
                           series.begin() + static_cast<std::ptrdiff_t>(std::min(to, series.size())));
}

}  // namespace

TEST_CASE("Run 2 with floor rounding shows punctuated equilibrium", "[scenario][epstein][slow]") {
  const std::string run2 = scenario_text("run2.yaml");
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto a = actives(run2, seed, {"rules.ratio_rounding=floor", "calendar.ticks=1000"});
    const auto stats = sim::find_outbursts(a, 50);
    const auto quiet_ticks = std::count_if(a.begin(), a.end(), [](double x) { return x < 10; });
    INFO("seed " << seed << ": " << stats.outbursts.size() << " outbursts, " << quiet_ticks << " quiet ticks");
    CHECK(stats.outbursts.size() >= 3);           // outbursts recur …
    CHECK(quiet_ticks >= 500);                    // … with quiescent spells between
    CHECK(*std::min_element(stats.waits.begin(), stats.waits.end()) >= 1);
  }
}

TEST_CASE("Run 2 without rounding shows essentially no outbursts", "[scenario][epstein][slow]") {
  const std::string run2 = scenario_text("run2.yaml");
  std::size_t outbursts = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed)
    outbursts += sim::find_outbursts(actives(run2, seed, {"rules.ratio_rounding=none", "calendar.ticks=1000"}), 50)
                     .outbursts.size();
  CHECK(outbursts <= 1);
}

TEST_CASE("a sudden drop of legitimacy gives a larger peak than a gradual one", "[scenario][epstein][slow]") {
  // Run 4 drops L from 0.9 to 0.7 at tick 77; the gradual variant goes the same way by 0.01 a tick.
  const std::string sudden = scenario_text("run4.yaml");
  std::string gradual = sudden;
  const std::string jump = "    set: {government.legitimacy: 0.7}";
  gradual.replace(gradual.find(jump), jump.size(), "    ramp: {path: government.legitimacy, to: 0.7, over: 20}");
  int sudden_larger = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const double p_sudden = peak(actives(sudden, seed), 77, 200);
    const double p_gradual = peak(actives(gradual, seed), 77, 200);
    sudden_larger += p_sudden > p_gradual;
  }
  INFO(sudden_larger << " of 20 seeds");
  CHECK(sudden_larger >= 11);
}

TEST_CASE("Run 5 tips into rebellion when cops are withdrawn", "[scenario][epstein][slow]") {
  const std::string run5 = scenario_text("run5.yaml");
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto with = actives(run5, seed);
    INFO("seed " << seed << ": calm peak " << peak(with, 20, 50) << ", later peak " << peak(with, 50, 301));
    CHECK(peak(with, 20, 50) < 10);
    CHECK(peak(with, 50, 301) > 50);  // an outburst as the paper counts them
  }
}

TEST_CASE("without withdrawals Run 5 stays calm", "[scenario][epstein][slow]") {
  std::string calm = scenario_text("run5.yaml");
  calm = calm.substr(0, calm.find("events:"));
  for (std::uint64_t seed = 1; seed <= 5; ++seed) CHECK(peak(actives(calm, seed), 20, 301) < 50);
}

TEST_CASE("a jail term range of 0…J−1 with J = 1 jails nobody for a whole tick", "[unit][epstein]") {
  const auto scenario = testing::scenario_from_text(scenario_text("run2.yaml"),
                                                    {"jail.max_term=1", "jail.term_range=exclusive", "calendar.ticks=200"});
  const auto series = testing::run_series(scenario, 1);
  double arrests = 0;
  for (double a : series.at("arrests")) arrests += a;
  CHECK(arrests > 0);
  CHECK(*std::max_element(series.at("jailed").begin(), series.at("jailed").end()) == 0);
}
