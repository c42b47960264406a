#include <catch2/catch.hpp>

#include <cmath>

#include "confsim/agents/epstein.hpp"

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

TEST_CASE("whole-number rounding of C/A equals rounding in double for every count a window holds",
          "[property][epstein]") {
  // Windows are capped below 2^16 cells; every pair up to 1,200 and a band near the cap.
  const auto check = [](std::int32_t cops, std::int32_t actives) {
    for (RatioRounding r : {RatioRounding::floor, RatioRounding::round_half_even})
      if (rounded_ratio_whole(cops, actives, r) != static_cast<std::int32_t>(rounded_ratio(cops, actives, r))) {
        FAIL("C = " << cops << ", A = " << actives);
      }
  };
  for (std::int32_t c = 0; c <= 1200; ++c)
    for (std::int32_t a = 1; a <= 1200; ++a) check(c, a);
  for (std::int32_t c = 65000; c <= 65535; ++c)
    for (std::int32_t a : {1, 2, 3, 7, 130, 131, 255, 256, 257, 65534, 65535}) check(c, a);
  SUCCEED();
}
