#include <catch2/catch.hpp>

#include "confsim/sim/calendar.hpp"

using namespace confsim::sim;

TEST_CASE("dates convert to and from day counts", "[unit][calendar]") {
  CHECK(Date::from_ymd(1970, 1, 1).days_since_epoch() == 0);
  CHECK(Date::from_ymd(2000, 3, 1).days_since_epoch() == 11017);
  CHECK(Date::from_ymd(2019, 10, 1).iso() == "2019-10-01");
  // 2020 is a leap year: 2019-10-01 + 791 days is 2021-11-30.
  CHECK(Clock(Date::from_ymd(2019, 10, 1)).date_of(791).iso() == "2021-11-30");
  CHECK(Clock(Date::from_ymd(2019, 10, 1)).tick_of(Date::from_ymd(2020, 1, 3)) == 94);
  CHECK(Clock(Date::from_ymd(2019, 10, 1)).time_units() == "days since 2019-10-01");
}

TEST_CASE("every day round-trips through its ISO text", "[property][calendar]") {
  for (std::int64_t d = -800000; d < 800000; d += 37) {
    const Date date = Date::from_days_since_epoch(d);
    const auto parsed = Date::parse_iso(date.iso());
    if (date.year() < 0 || date.year() > 9999) continue;
    REQUIRE(parsed);
    REQUIRE(parsed->days_since_epoch() == d);
  }
}

TEST_CASE("impossible or malformed dates are rejected", "[unit][calendar]") {
  CHECK(Date::parse_iso("2020-02-29"));
  CHECK_FALSE(Date::parse_iso("2021-02-29"));
  CHECK_FALSE(Date::parse_iso("2021-04-31"));
  CHECK_FALSE(Date::parse_iso("2021-13-01"));
  CHECK_FALSE(Date::parse_iso("2021-1-01"));
  CHECK_FALSE(Date::parse_iso("2021/01/01"));
  CHECK_FALSE(Date::parse_iso("yesterday"));
  CHECK_FALSE(Date::parse_iso(""));
}
