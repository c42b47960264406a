#include <catch2/catch.hpp>

#include <cmath>

#include "confsim/agents/epstein.hpp"
#include "confsim/sim/distributions.hpp"

using namespace confsim::agents::epstein;

TEST_CASE("P = 0.8997 when C = A = 1 and k = 2.3", "[unit][epstein]") {
  CHECK(arrest_probability(1, 1, 2.3, RatioRounding::none) == Approx(0.8997).margin(5e-5));
  CHECK(arrest_probability(1, 1, 2.3, RatioRounding::floor) == Approx(0.8997).margin(5e-5));
  CHECK(arrest_probability(1, 1, 2.3, RatioRounding::round_half_even) == Approx(0.8997).margin(5e-5));
}

TEST_CASE("C/A is rounded as each implementation does", "[unit][epstein]") {
  CHECK(rounded_ratio(1, 2, RatioRounding::none) == 0.5);
  CHECK(rounded_ratio(1, 2, RatioRounding::floor) == 0);
  CHECK(rounded_ratio(5, 3, RatioRounding::floor) == 1);
  // Python's round: halves go to the even neighbour.
  CHECK(rounded_ratio(1, 2, RatioRounding::round_half_even) == 0);
  CHECK(rounded_ratio(3, 2, RatioRounding::round_half_even) == 2);
  CHECK(rounded_ratio(5, 2, RatioRounding::round_half_even) == 2);
  CHECK(rounded_ratio(2, 3, RatioRounding::round_half_even) == 1);
  // Floor makes P zero whenever actives outnumber cops: the source of punctuated equilibrium.
  CHECK(arrest_probability(3, 4, 2.3, RatioRounding::floor) == 0);
  CHECK(arrest_probability(3, 4, 2.3, RatioRounding::none) == Approx(1 - std::exp(-2.3 * 0.75)));
}

TEST_CASE("rule A activates strictly above the threshold", "[unit][epstein]") {
  CHECK(activates(0.5, 0.2, 0.5, 0.1));         // 0.5 − 0.1 = 0.4 > 0.1
  CHECK_FALSE(activates(0.5, 0.8, 0.5, 0.1));   // 0.5 − 0.4 = 0.1, not > 0.1
  CHECK_FALSE(activates(0.05, 0.0, 0.0, 0.1));  // grievance below T with no risk
}


TEST_CASE("rule A over a row gives the same decisions eight cells at a time as one at a time", "[property][epstein]") {
  using confsim::sim::in_high_lane;
  constexpr std::int32_t kSide = 16;  // small, so that some cells see more than the table holds
  std::vector<double> odds(kSide * kSide);
  for (std::int32_t c = 0; c < kSide; ++c)
    for (std::int32_t a = 1; a < kSide; ++a) odds[c * kSide + a] = arrest_probability(c, a, 2.3, RatioRounding::floor);
  confsim::sim::RandomStream draw(8, confsim::sim::StreamOwner::world, 0, 0, confsim::sim::Purpose::initial_attributes);
  const std::uint32_t width = 203;  // not a multiple of eight: the tail is done one at a time
  std::vector<std::int8_t> codes(width);
  std::vector<float> hardship(width), risk(width);
  std::vector<std::uint32_t> totals(width);
  for (bool twice : {false, true})
    for (int trial = 0; trial < 200; ++trial) {
      for (std::uint32_t x = 0; x < width; ++x) {
        codes[x] = static_cast<std::int8_t>(confsim::sim::draw_integer(draw, 0, 4));
        hardship[x] = static_cast<float>(confsim::sim::draw_uniform(draw, 0, 1, "hardship"));
        risk[x] = static_cast<float>(confsim::sim::draw_uniform(draw, 0, 1, "risk aversion"));
        const auto cops = static_cast<std::uint32_t>(confsim::sim::draw_integer(draw, 0, 18));
        const auto actives = static_cast<std::uint32_t>(confsim::sim::draw_integer(draw, codes[x] == active ? 1 : 0, 16));
        totals[x] = cops | in_high_lane(actives);
      }
      const RuleA rule{1.0 - confsim::sim::draw_uniform(draw, 0.5, 1, "legitimacy"), 0.1, twice, odds.data(), kSide};
      std::vector<std::int8_t> one_at_a_time = codes, vector = codes;
      const bool beyond_a = decide_row({one_at_a_time.data(), hardship.data(), risk.data(), totals.data(), width}, rule, false);
      const bool beyond_b = decide_row({vector.data(), hardship.data(), risk.data(), totals.data(), width}, rule, true);
      REQUIRE(vector == one_at_a_time);
      REQUIRE(beyond_a == beyond_b);
      for (std::uint32_t x = 0; x < width; ++x) {
        const bool free = codes[x] == quiescent || codes[x] == active;
        if (!free || beyond_odds(totals[x], rule)) {
          REQUIRE(vector[x] == codes[x]);
          continue;
        }
        const std::int32_t was_active = codes[x] == active ? 1 : 0;
        const auto c = static_cast<std::int32_t>(confsim::sim::low_lane(totals[x]));
        const std::int32_t a = 1 + static_cast<std::int32_t>(confsim::sim::high_lane(totals[x])) - was_active + (twice ? was_active : 0);
        const bool expected = activates(hardship[x] * rule.lawfulness, risk[x], arrest_probability(c, a, 2.3, RatioRounding::floor), 0.1);
        REQUIRE(vector[x] == (expected ? active : quiescent));
      }
    }
}
