#include <catch2/catch.hpp>

#include "support/run_files.hpp"

using namespace confsim;

// The small scenario schedules: legitimacy set to 0.7 at tick 5; a ramp to 0.5 over 5 ticks from
// tick 8; a quarter of the cops withdrawn at ticks 10, 12 and 14.
TEST_CASE("scheduled events change parameters at their ticks", "[unit][simulation]") {
  const auto series = testing::run_series(testing::scenario_from_text(testing::kSmallScenario), 1);
  const auto& legitimacy = series.at("legitimacy");
  REQUIRE(legitimacy.size() == 21);  // tick 0 and 20 ticks
  CHECK(legitimacy[4] == 0.82);
  CHECK(legitimacy[5] == 0.7);
  CHECK(legitimacy[7] == 0.7);
  CHECK(legitimacy[8] == Approx(0.66));
  CHECK(legitimacy[10] == Approx(0.58));
  CHECK(legitimacy[12] == Approx(0.5));
  CHECK(legitimacy[20] == Approx(0.5));
}

TEST_CASE("remove_share withdraws a share of those present, each time it repeats", "[unit][simulation]") {
  const auto series = testing::run_series(testing::scenario_from_text(testing::kSmallScenario), 1);
  const auto& cops = series.at("cops");
  CHECK(cops[9] == 16);   // 0.04 × 400 cells
  CHECK(cops[10] == 12);  // 16 − round(0.25 × 16)
  CHECK(cops[12] == 9);   // 12 − 3
  CHECK(cops[14] == 7);   // 9 − round(2.25)
  CHECK(cops[20] == 7);
}

TEST_CASE("every citizen is quiescent, active or jailed at every tick", "[property][simulation]") {
  const auto series = testing::run_series(testing::scenario_from_text(testing::kSmallScenario), 3);
  for (std::size_t t = 0; t < series.at("active").size(); ++t)
    REQUIRE(series.at("quiescent")[t] + series.at("active")[t] + series.at("jailed")[t] == 280);  // 0.7 × 400
}
