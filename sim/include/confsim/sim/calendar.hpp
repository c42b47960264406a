#pragma once
// Calendar dates and the clock that maps ticks to them. One tick is one day.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace confsim::sim {

// A proleptic Gregorian date, stored as days since 1970-01-01 so that differences are exact.
class Date {
 public:
  constexpr Date() = default;
  static Date from_ymd(int year, unsigned month, unsigned day);
  // Parses YYYY-MM-DD exactly; returns nothing for anything else, including impossible dates.
  static std::optional<Date> parse_iso(std::string_view text);
  static constexpr Date from_days_since_epoch(std::int64_t days) { return Date(days); }

  std::int64_t days_since_epoch() const { return days_; }
  int year() const;
  unsigned month() const;
  unsigned day() const;
  std::string iso() const;

  friend constexpr bool operator==(Date, Date) = default;
  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  explicit constexpr Date(std::int64_t days) : days_(days) {}
  std::int64_t days_ = 0;
};

class Clock {
 public:
  explicit Clock(Date start) : start_(start) {}
  Date start() const { return start_; }
  Date date_of(std::int64_t tick) const { return Date::from_days_since_epoch(start_.days_since_epoch() + tick); }
  std::int64_t tick_of(Date date) const { return date.days_since_epoch() - start_.days_since_epoch(); }
  // CF-conventions units for a time axis counted in ticks.
  std::string time_units() const { return "days since " + start_.iso(); }

 private:
  Date start_;
};

}  // namespace confsim::sim
