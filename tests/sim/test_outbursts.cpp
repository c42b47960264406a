#include <catch2/catch.hpp>

#include "confsim/sim/outbursts.hpp"

using namespace confsim::sim;

TEST_CASE("outbursts are counted as the paper defines them", "[unit][outbursts]") {
  // Two outbursts above 50: ticks 2–4 (60 + 100 + 120) and ticks 8–9 (95 + 80); the last rise
  // never falls back and is not complete.
  const std::vector<double> actives = {0, 10, 60, 100, 120, 40, 0, 50, 95, 80, 20, 70, 90};
  const auto stats = find_outbursts(actives, 50);
  REQUIRE(stats.outbursts.size() == 2);
  CHECK(stats.outbursts[0].start == 2);
  CHECK(stats.outbursts[0].end == 5);
  CHECK(stats.outbursts[0].total == 280);
  CHECK(stats.outbursts[1].total == 175);
  REQUIRE(stats.waits.size() == 1);
  CHECK(stats.waits[0] == 3);
  CHECK(stats.mean_total == Approx(227.5));
}

TEST_CASE("a quiet series has no outbursts", "[unit][outbursts]") {
  CHECK(find_outbursts(std::vector<double>(100, 3.0), 50).outbursts.empty());
}
