#pragma once
// Runs as the event datasets conflict researchers use: a run's /events written as ACLED or UCDP GED
// rows through the crosswalk its file carries (/vocabulary), observed ACLED or GED files read, and
// runs scored against them by month, admin1 and event type. docs/event-data.md describes the
// mapping and what is left empty.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/calendar.hpp"

namespace confsim::output {

// One event as ACLED records it. Protests are one event per region and day: the day's protest row
// absorbs the casualties and arrests inflicted on protesters there (ACLED codes a protest and what
// was done to it as one event, by location and day).
struct AcledEvent {
  std::int64_t tick = 0;
  sim::Date date;
  std::string event_type, sub_event_type;
  std::string actor1, assoc_actor_1, actor2, assoc_actor_2;
  std::int32_t inter1 = 0, inter2 = 0;  // 0: no second actor
  std::string admin1;
  std::int64_t fatalities = 0, participants = 0;
  bool civilian_targeting = false;
  std::string notes;
};

// One event as UCDP GED records it: organised violence with at least one death.
struct UcdpEvent {
  std::int64_t tick = 0;
  sim::Date date;
  int type_of_violence = 0;  // 1 state-based, 2 non-state, 3 one-sided
  std::string side_a, side_b, admin1, notes;
  std::int64_t deaths_a = 0, deaths_b = 0, deaths_civilians = 0, deaths_unknown = 0;
  std::int64_t best() const { return deaths_a + deaths_b + deaths_civilians + deaths_unknown; }
};

// A run's events in each dataset's terms, with the country's codes. Throws std::runtime_error with
// a one-line reason for a missing, foreign or damaged file, or one without a crosswalk.
struct RunEvents {
  std::string path;
  std::string seed;
  std::string country, iso3, world_region;
  std::int32_t iso = -1, gwno = -1;
  sim::Date start;
  std::int64_t ticks = 0;
  std::vector<std::string> admin1;  // every region's, "" for the country as a whole
  std::vector<AcledEvent> acled;
  std::vector<UcdpEvent> ucdp;
};
RunEvents read_run_events(const std::string& run_file);

enum class EventFormat { acled, ucdp };
// One CSV (RFC 4180, UTF-8) for all the runs; with several runs a first column `run` numbers them
// 1, 2 … in the order given.
void write_event_csv(const std::vector<RunEvents>& runs, EventFormat format, std::ostream& out);

// The columns written, in order.
const std::vector<std::string>& acled_columns();
const std::vector<std::string>& ucdp_columns();

// An observed event, reduced to what a comparison bins on.
struct ObservedEvent {
  sim::Date date;
  std::string event_type;  // ACLED's event type, or UCDP's type of violence as a word
  std::string admin1;
  std::int64_t fatalities = 0;
};
struct ObservedEvents {
  EventFormat format = EventFormat::acled;
  std::vector<ObservedEvent> events;
};
// Reads an ACLED or UCDP GED CSV (told apart by their columns). Throws sim::InputError naming the
// file, row and column of the first problems: missing columns, a value that is not a date, an
// event type or a count, or bytes that are not UTF-8.
ObservedEvents read_observed_events(const std::string& path);

// UCDP's types of violence, 1..3, as the words a comparison and an export use.
const char* ucdp_violence_word(int type_of_violence);

struct ComparisonRequest {
  std::vector<std::string> by = {"month", "admin1", "event_type"};  // any of these, in this order
  bool fatalities = false;                                          // compare fatalities instead of counts of events
  std::optional<sim::Date> from, to;  // default: the observed file's dates within the runs' period
};

struct ComparisonCell {
  std::vector<std::string> key;  // one value per `by`
  double observed = 0;
  std::vector<double> simulated;  // one per run
  double mean = 0, p05 = 0, p95 = 0, crps = 0;
  bool inside = false;  // p05 <= observed <= p95
};

struct Comparison {
  std::vector<std::string> by;
  sim::Date from, to;
  std::vector<ComparisonCell> cells;
  double coverage = 0;   // share of cells whose observed value lies in the runs' 90% interval
  double mean_crps = 0;  // continuous ranked probability score, mean over cells (lower is better)
  std::optional<double> admin1_rank_correlation;  // Spearman's, observed vs mean simulated totals by admin1
  std::size_t admin1_compared = 0;
  std::size_t observed_outside = 0;           // observed events outside the period
  std::vector<std::string> unmatched_admin1;  // observed admin1 names no run has (their events are left out)
  std::size_t unmatched_events = 0;
};

// Throws std::invalid_argument for a bad request (an unknown `by`, an empty period).
Comparison compare_events(const std::vector<RunEvents>& runs, const ObservedEvents& observed,
                          const ComparisonRequest& request);
void print_comparison(const Comparison& comparison, bool fatalities, bool tsv, std::ostream& out);

}  // namespace confsim::output
