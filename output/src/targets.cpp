#include "confsim/output/targets.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

#include "confsim/output/event_data.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/sim/input_files.hpp"
#include "confsim/sim/statistics.hpp"
#include "confsim/sim/yaml_problems.hpp"

namespace confsim::output {
namespace {

using sim::Diagnostic;
using sim::SourceLocation;

class TargetsReader {
 public:
  explicit TargetsReader(std::string file) : file_(std::move(file)), problems_(file_) {}

  std::vector<Target> read() {
    const YAML::Node root = sim::parse_input_yaml(sim::read_input_file(file_, "targets file"), file_);
    if (!root.IsMap() || !root["targets"] || !root["targets"].IsSequence())
      problems_.fail_now(root.Mark(), "targets", "expected a map with a list under 'targets'");
    problems_.reject_unknown_keys(root, "", {"confsim_targets", "name", "description", "targets"});
    std::vector<Target> out;
    const YAML::Node list = root["targets"];
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto t = target(list[i], "targets[" + std::to_string(i) + "]")) out.push_back(std::move(*t));
    problems_.throw_if_any();
    if (out.empty()) problems_.fail_now(list.Mark(), "targets", "expected at least one target");
    return out;
  }

 private:
  std::string file_;
  sim::YamlProblems problems_;

  std::optional<sim::Date> date(const YAML::Node& node, const std::string& path) {
    if (!node) {
      problems_.add(node, path, "missing date (expected YYYY-MM-DD)");
      return std::nullopt;
    }
    const auto d = node.IsScalar() ? sim::Date::parse_iso(node.Scalar()) : std::nullopt;
    if (!d)
      problems_.add(node, path,
                    "expected a date YYYY-MM-DD, found '" + (node.IsScalar() ? node.Scalar() : "a map or list") + "'");
    return d;
  }

  std::vector<std::string> names(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> out;
    if (!node) return out;
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) {
      problems_.add(node, path, "expected a name or a list of names");
      return out;
    }
    for (const auto& item : node) out.push_back(item.Scalar());
    return out;
  }

  std::optional<std::pair<double, double>> range(const YAML::Node& node, const std::string& path) {
    try {
      if (node.IsSequence() && node.size() == 2) {
        const double lo = node[0].as<double>(), hi = node[1].as<double>();
        if (!(lo <= hi)) {
          problems_.add(node, path, "expected [low, high] with low ≤ high");
          return std::nullopt;
        }
        return std::make_pair(lo, hi);
      }
    } catch (const YAML::Exception&) {
    }
    problems_.add(node, path, "expected [low, high] (numbers; .inf for no upper bound)");
    return std::nullopt;
  }

  void observed(const YAML::Node& node, const std::string& path, Target& t) {
    if (!node.IsMap() || !node["file"] || !node["statistic"]) {
      problems_.add(node, path,
                    "expected {file: an ACLED or UCDP GED CSV, statistic: coverage | crps | rank_correlation, and "
                    "optional by, measure, from, to}");
      return;
    }
    problems_.reject_unknown_keys(node, path, {"file", "statistic", "by", "measure", "from", "to"});
    ObservedTarget o;
    const std::filesystem::path given = node["file"].Scalar();
    o.file = given.is_absolute() ? given.string() : (std::filesystem::path(file_).parent_path() / given).string();
    o.statistic = node["statistic"].Scalar();
    if (o.statistic != "coverage" && o.statistic != "crps" && o.statistic != "rank_correlation")
      problems_.add(node["statistic"], path + ".statistic", "expected coverage | crps | rank_correlation");
    if (node["by"]) {
      o.by = names(node["by"], path + ".by");
      for (const auto& b : o.by)
        if (b != "month" && b != "admin1" && b != "event_type")
          problems_.add(node["by"], path + ".by", "expected month, admin1 and event_type, not '" + b + "'");
    }
    if (const auto m = node["measure"]) {
      if (!m.IsScalar() || (m.Scalar() != "events" && m.Scalar() != "fatalities"))
        problems_.add(m, path + ".measure", "expected events | fatalities");
      else
        o.fatalities = m.Scalar() == "fatalities";
    }
    if (node["from"]) o.from = date(node["from"], path + ".from");
    if (node["to"]) o.to = date(node["to"], path + ".to");
    // The observed file is input too: a bad one is refused now, at its own row and column.
    try {
      read_observed_events(o.file);
    } catch (const sim::InputError& e) {
      for (const auto& d : e.diagnostics()) problems_.add(node["file"], path + ".file", d.describe());
    }
    t.observed = std::move(o);
  }

  std::optional<Target> target(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      problems_.add(node, path, "expected a target map");
      return std::nullopt;
    }
    problems_.reject_unknown_keys(
        node, path,
        {"name", "source", "assumption", "by_construction", "events", "measure", "series", "mean_within", "runs_within",
         "min_share", "observed", "within"});
    Target t;
    t.where = problems_.at(node.Mark());
    const std::size_t before = problems_.count();
    if (!node["name"] || !node["name"].IsScalar())
      problems_.add(node, path + ".name", "missing the target's name");
    else
      t.name = node["name"].Scalar();
    if (const auto src = node["source"]; src && src.IsMap() && src["document"] && src["quote"])
      t.provenance = "source: " + src["document"].Scalar() + ": \"" + src["quote"].Scalar() + "\"";
    else if (node["assumption"] && node["assumption"].IsScalar())
      t.provenance = "assumption: " + node["assumption"].Scalar();
    else
      problems_.add(node, path,
                    "expected source: {document, quote} or assumption: (a target says where it comes from)");

    if ((node["events"] ? 1 : 0) + (node["series"] ? 1 : 0) + (node["observed"] ? 1 : 0) > 1)
      problems_.add(node, path, "expected one of events, series or observed");
    if (const auto ob = node["observed"]) {
      observed(ob, path + ".observed", t);
      if (node["mean_within"] || node["runs_within"] || node["min_share"])
        problems_.add(node, path,
                      "an observed target's statistic is one number over all runs: give within: [low, high]");
      if (const auto r = node["within"]) {
        if (const auto lohi = range(r, path + ".within")) std::tie(t.low, t.high) = *lohi;
      } else {
        t.report_only = true;
      }
    } else if (node["within"]) {
      problems_.add(node["within"], path + ".within",
                    "within goes with observed; events and series take mean_within or runs_within");
    }
    if (const auto ev = node["events"]) {
      if (!ev.IsMap()) {
        problems_.add(ev, path + ".events",
                      "expected a map with from, to and optional kind, actor, target, target_actor, region");
      } else {
        problems_.reject_unknown_keys(ev, path + ".events",
                                      {"kind", "actor", "target", "target_actor", "region", "from", "to"});
        EventFilter f;
        f.kinds = names(ev["kind"], path + ".events.kind");
        f.actors = names(ev["actor"], path + ".events.actor");
        f.targets = names(ev["target"], path + ".events.target");
        f.target_actors = names(ev["target_actor"], path + ".events.target_actor");
        f.regions = names(ev["region"], path + ".events.region");
        const auto from = date(ev["from"], path + ".events.from"), to = date(ev["to"], path + ".events.to");
        if (from && to) {
          f.from = *from;
          f.to = *to;
          if (*to < *from) problems_.add(ev, path + ".events", "'to' is before 'from'");
        }
        t.events = f;
      }
      if (const auto m = node["measure"]) {
        try {
          t.measure = measure_from(m.IsScalar() ? m.Scalar() : "");
        } catch (const std::invalid_argument&) {
          problems_.add(m, path + ".measure", "expected one of count | killed | wounded | arrested | max_arrested");
        }
      }
    } else if (const auto se = node["series"]) {
      if (!se.IsMap() || !se["name"] || !se["at"]) {
        problems_.add(se, path + ".series", "expected {name: a series (summed over regions or factions if it has them), at: YYYY-MM-DD}");
      } else {
        problems_.reject_unknown_keys(se, path + ".series", {"name", "at"});
        t.series = se["name"].Scalar();
        if (const auto d = date(se["at"], path + ".series.at")) t.at = *d;
      }
      if (node["measure"]) problems_.add(node["measure"], path + ".measure", "a series target has no measure");
    } else if (!node["observed"]) {
      problems_.add(node, path, "expected events: {...}, series: {...} or observed: {...}");
    }

    if (node["mean_within"] && node["runs_within"])
      problems_.add(node, path, "expected either mean_within or runs_within with min_share, not both");
    if (const auto r = node["mean_within"]) {
      if (const auto lohi = range(r, path + ".mean_within")) std::tie(t.low, t.high) = *lohi;
      if (node["min_share"]) problems_.add(node["min_share"], path + ".min_share", "min_share goes with runs_within");
    } else if (const auto r2 = node["runs_within"]) {
      if (const auto lohi = range(r2, path + ".runs_within")) std::tie(t.low, t.high) = *lohi;
      double share = -1;
      try {
        if (node["min_share"]) share = node["min_share"].as<double>();
      } catch (const YAML::Exception&) {
      }
      if (share < 0 || share > 1)
        problems_.add(node["min_share"] ? node["min_share"] : node, path + ".min_share",
                      "expected min_share: a share of runs in [0, 1]");
      else
        t.min_share = share;
    } else if (!node["observed"]) {
      t.report_only = true;  // an outcome to report (e.g. to compare scenarios), with nothing to pass
    }
    // A target with an expectation says whether it tests the model or holds by construction.
    if (const auto bc = node["by_construction"]) {
      if (bc.IsScalar() && bc.Scalar() == "false") {
        t.by_construction = false;
      } else if (bc.IsScalar() && !bc.Scalar().empty() && bc.Scalar() != "true") {
        t.by_construction = true;
        t.construction = bc.Scalar();
      } else {
        problems_.add(bc, path + ".by_construction",
                      "expected false (the target tests the model) or the input or schedule that forces it");
      }
    } else if (!t.report_only) {
      problems_.add(node, path + ".by_construction",
                    "missing by_construction: false when the target tests the model, or the input or schedule "
                    "that makes it true whatever the model does");
    }
    if (problems_.count() != before) return std::nullopt;
    return t;
  }
};

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
  std::ostringstream out;
  out << v;
  return out.str();
}

bool listed(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// Every category a filter names must exist in the file: a typo must not silently match nothing.
void check_names(const Target& t, const EventTable& table, const std::string& file) {
  std::vector<Diagnostic> problems;
  for (const auto& unknown : unknown_event_names(*t.events, table))
    problems.push_back({t.where, t.name, "target '" + t.name + "' names " + unknown + " (" + file + ")"});
  if (!problems.empty()) throw sim::InputError(problems);
}

// Each observed target compares all the runs at once with its file; its value is the statistic.
void score_observed_targets(const std::vector<Target>& targets, const std::vector<std::string>& run_files,
                            std::vector<TargetResult>& results) {
  std::vector<RunEvents> runs;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const Target& t = targets[k];
    if (!t.observed) continue;
    if (runs.empty())
      for (const auto& f : run_files) runs.push_back(read_run_events(f));
    const auto& o = *t.observed;
    ComparisonRequest request;
    request.by = o.by;
    request.fatalities = o.fatalities;
    request.from = o.from;
    request.to = o.to;
    const Comparison c = compare_events(runs, read_observed_events(o.file), request);
    double value = std::nan("");
    if (o.statistic == "coverage") value = c.coverage;
    if (o.statistic == "crps") value = c.mean_crps;
    if (o.statistic == "rank_correlation" && c.admin1_rank_correlation) value = *c.admin1_rank_correlation;
    auto& r = results[k];
    r.mean = r.p05 = r.p95 = value;
    r.pass = t.report_only || (value >= t.low && value <= t.high);
    r.share_within = r.pass ? 1 : 0;
  }
}

}  // namespace

std::string Target::describe_expectation() const {
  if (report_only) return "(reported)";
  if (observed) return observed->statistic + " in [" + number(low) + ", " + number(high) + "]";
  const std::string span = "[" + number(low) + ", " + number(high) + "]";
  if (min_share) return "≥" + number(*min_share * 100) + "% of runs in " + span;
  return "mean in " + span;
}

std::vector<Target> load_targets(const std::string& path) {
  return sim::with_yaml_shape_errors(path, [&] { return TargetsReader(path).read(); });
}

Measure measure_from(const std::string& name) {
  static const std::map<std::string, Measure> measures = {{"count", Measure::count},
                                                          {"killed", Measure::killed},
                                                          {"wounded", Measure::wounded},
                                                          {"arrested", Measure::arrested},
                                                          {"max_arrested", Measure::max_arrested}};
  const auto it = measures.find(name);
  if (it == measures.end()) throw std::invalid_argument("no measure '" + name + "'");
  return it->second;
}

std::vector<std::string> unknown_event_names(const EventFilter& filter, const EventTable& table) {
  std::vector<std::string> out;
  const auto check = [&](const std::vector<std::string>& wanted, const char* column) {
    const auto it = table.categories.find(column);
    for (const auto& name : wanted)
      if (it == table.categories.end() || std::find(it->second.begin(), it->second.end(), name) == it->second.end()) {
        std::string message = std::string(column) + " '" + name + "', which the run file does not have";
        if (it != table.categories.end()) {
          const std::string guess = sim::closest_match(name, it->second);
          if (!guess.empty()) message += "; did you mean '" + guess + "'?";
        }
        out.push_back(message);
      }
  };
  check(filter.kinds, "kind");
  check(filter.actors, "actor");
  check(filter.targets, "target");
  check(filter.target_actors, "target_actor");
  check(filter.regions, "region");
  return out;
}

double measure_events(const EventFilter& f, Measure measure, const EventTable& table) {
  const auto start = sim::Date::parse_iso(table.start_date);
  if (!start) throw std::runtime_error("the run file's start_date is not a date: " + table.start_date);
  const std::int64_t first = f.from ? f.from->days_since_epoch() - start->days_since_epoch() : INT64_MIN;
  const std::int64_t last = f.to ? f.to->days_since_epoch() - start->days_since_epoch() : INT64_MAX;
  double value = 0;
  for (const auto& row : table.rows) {
    if (row.tick < first || row.tick > last || !listed(f.kinds, row.kind) || !listed(f.actors, row.actor) ||
        !listed(f.targets, row.target) || !listed(f.target_actors, row.target_actor) || !listed(f.regions, row.region))
      continue;
    switch (measure) {
      case Measure::count:
        value += 1;
        break;
      case Measure::killed:
        value += static_cast<double>(row.killed);
        break;
      case Measure::wounded:
        value += static_cast<double>(row.wounded);
        break;
      case Measure::arrested:
        value += static_cast<double>(row.arrested);
        break;
      case Measure::max_arrested:
        value = std::max(value, static_cast<double>(row.arrested));
        break;
    }
  }
  return value;
}

std::vector<TargetResult> score_runs(const std::vector<Target>& targets, const std::vector<std::string>& run_files) {
  std::vector<TargetResult> results(targets.size());
  for (std::size_t k = 0; k < targets.size(); ++k) results[k].target = &targets[k];
  for (const auto& file : run_files) {
    const EventTable table = read_events(file);
    const auto start = sim::Date::parse_iso(table.start_date);
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const Target& t = targets[k];
      if (t.observed) continue;
      if (t.events) {
        check_names(t, table, file);
        results[k].per_run.push_back(measure_events(*t.events, t.measure, table));
      } else {
        const auto values = read_series(file, t.series);
        const std::int64_t tick = t.at.days_since_epoch() - (start ? start->days_since_epoch() : 0);
        if (tick < 0 || tick >= static_cast<std::int64_t>(values.size()))
          throw std::runtime_error(file + ": target '" + t.name + "' reads " + t.series + " on " + t.at.iso() +
                                   ", outside the run (" + table.start_date + " + " +
                                   std::to_string(values.size() - 1) + " days)");
        results[k].per_run.push_back(values[static_cast<std::size_t>(tick)]);
      }
    }
  }
  score_observed_targets(targets, run_files, results);
  for (auto& r : results) {
    const auto& v = r.per_run;
    if (v.empty() || r.target->observed) continue;
    r.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    r.p05 = sim::quantile(v, 0.05);
    r.p95 = sim::quantile(v, 0.95);
    const auto within =
        std::count_if(v.begin(), v.end(), [&](double x) { return x >= r.target->low && x <= r.target->high; });
    r.share_within = static_cast<double>(within) / static_cast<double>(v.size());
    r.pass = r.target->report_only || (r.target->min_share ? r.share_within >= *r.target->min_share
                                                           : r.mean >= r.target->low && r.mean <= r.target->high);
  }
  return results;
}

}  // namespace confsim::output
