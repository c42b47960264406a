#pragma once
// Calibration targets: what a set of runs must show, each with its source, and the scoring of run
// files against them. Targets count events in a date window (optionally by kind, actor, target,
// region) or read a series on a date; each expects the mean over runs in a range, or a share of
// runs whose own value lies in a range, or only reports the outcome (to compare scenarios).
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/calendar.hpp"
#include "confsim/sim/diagnostics.hpp"

namespace confsim::output {

struct EventFilter {
  std::vector<std::string> kinds, actors, targets, target_actors, regions;  // empty: any
  std::optional<sim::Date> from, to;                                        // both ends included; none: the whole run
};

enum class Measure { count, killed, wounded, arrested, max_arrested };
Measure measure_from(const std::string& name);  // throws std::invalid_argument for an unknown name

struct EventTable;
// The count (or sum of a column) over the events a filter selects.
double measure_events(const EventFilter& filter, Measure measure, const EventTable& table);
// "column 'name'" for every name the filter gives that the table's categories lack, with a
// suggestion where one is close.
std::vector<std::string> unknown_event_names(const EventFilter& filter, const EventTable& table);

// A comparison with an observed ACLED or UCDP GED file (confsim compare), reduced to one statistic
// over all the runs.
struct ObservedTarget {
  std::string file;  // as resolved: relative paths are taken from the targets file's folder
  std::vector<std::string> by = {"month", "admin1", "event_type"};
  bool fatalities = false;
  std::string statistic;  // coverage | crps | rank_correlation
  std::optional<sim::Date> from, to;
};

struct Target {
  std::string name;
  std::string provenance;  // "source: doc: \"quote\"" or "assumption: ..."
  sim::SourceLocation where;
  std::optional<EventFilter> events;
  Measure measure = Measure::count;
  std::string series;  // a series along time, read on `at`
  std::optional<ObservedTarget> observed;  // set: the statistic must lie in [low, high]
  sim::Date at;
  double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();
  std::optional<double> min_share;  // set: pass when at least this share of runs lies in [low, high]
  bool report_only = false;         // no expectation: the outcome is reported, never failed
  // True when an input or a schedule forces the outcome (the start's troop level, a switch that
  // forbids an action before a date): such a target checks the scenario, not the model's mechanisms.
  bool by_construction = false;
  std::string construction;  // what forces it
  std::string describe_expectation() const;
};

// Throws sim::InputError (file:line:column, what was expected) for a malformed targets file.
std::vector<Target> load_targets(const std::string& path);

struct TargetResult {
  const Target* target = nullptr;
  std::vector<double> per_run;
  double mean = 0, p05 = 0, p95 = 0, share_within = 0;
  bool pass = false;
};

// Reads each run file (throws std::runtime_error with a one-line reason for a foreign or damaged
// file; sim::InputError when a target names a kind, actor, target or region the files do not have).
std::vector<TargetResult> score_runs(const std::vector<Target>& targets, const std::vector<std::string>& run_files);

}  // namespace confsim::output
