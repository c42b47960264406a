#pragma once
// A loaded, validated scenario. Immutable once built: runs read it, nothing writes it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/calendar.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::sim {

struct Provenance {
  enum class Kind { source, assumption, calibrated, unannotated, preset, builtin_default, override_ };
  Kind kind = Kind::builtin_default;
  std::string document;  // source: the document cited
  std::string quote;     // source: a short quote from it
  std::string reason;    // assumption / default: why; calibrated: what it was fitted to; preset: its name
  std::string describe() const;
};

struct Parameter {
  std::string path;
  Value value;
  Provenance provenance;
  SourceLocation where;
  const ParamSpec* spec = nullptr;
};

// What a scheduled action records in the run's events table (a strike, an election), by the names
// of the model's event vocabulary; checked against it when the scenario is loaded.
struct ScheduledRecord {
  std::string kind, actor, target, region, target_actor;  // target_actor: may be empty
  std::int64_t killed = 0, wounded = 0, arrested = 0;
};

struct ScheduledEvent {
  enum class Action { set, ramp, remove_share, record_only };
  std::string name;
  std::int64_t at_tick = 0;
  std::int64_t every = 0;   // 0: once
  std::int64_t times = 1;   // how many occurrences when repeated
  Action action = Action::set;
  std::string target;       // parameter path (set, ramp) or population (remove_share)
  double value = 0;         // set: new value; ramp: final value; remove_share: share removed
  std::int64_t duration = 0;  // ramp: ticks from the start to the final value
  std::optional<ScheduledRecord> record;  // an action, not only a condition: it appears in /events
  Provenance provenance;
  SourceLocation where;
  std::vector<std::int64_t> occurrences() const;  // the ticks at which it starts
};

// An entry of a collection (a region, an actor) as the scenario declares it, in file order.
struct Entry {
  std::string name;
  std::string kind;  // the kind's name (the collection's only kind when it has one)
  SourceLocation where;
};

struct OverrideRecord {
  std::string path;
  std::string value_text;
  std::string text() const { return path + "=" + value_text; }
};

class Scenario {
 public:
  struct Contents {
    std::string file;
    std::string text;  // the scenario file exactly as read
    std::vector<OverrideRecord> overrides;
    std::string name;
    std::string description;
    std::string model;
    std::string preset;
    std::optional<std::uint64_t> seed;
    Date start_date;
    std::int64_t ticks = 0;
    std::vector<Parameter> parameters;  // in schema order
    std::vector<ScheduledEvent> events;  // in file order
    std::map<std::string, std::vector<Entry>> collections;  // by collection key, entries in file order
  };
  explicit Scenario(Contents contents);

  const std::string& file() const { return c_.file; }
  const std::string& text() const { return c_.text; }
  const std::vector<OverrideRecord>& overrides() const { return c_.overrides; }
  const std::string& name() const { return c_.name; }
  const std::string& description() const { return c_.description; }
  const std::string& model() const { return c_.model; }
  const std::string& preset() const { return c_.preset; }
  const std::optional<std::uint64_t>& seed() const { return c_.seed; }
  Date start_date() const { return c_.start_date; }
  std::int64_t ticks() const { return c_.ticks; }
  const std::vector<Parameter>& parameters() const { return c_.parameters; }
  const std::vector<ScheduledEvent>& events() const { return c_.events; }
  // The entries of a collection in file order (none when the model has no such collection).
  const std::vector<Entry>& entries(const std::string& collection) const;

  const Parameter& parameter(const std::string& path) const;  // throws std::out_of_range
  double real(const std::string& path) const;
  std::int64_t integer(const std::string& path) const;  // kKeywordValue for the keyword
  bool flag(const std::string& path) const;
  const std::string& word(const std::string& path) const;
  const Names& names(const std::string& path) const;
  bool has(const std::string& path) const;
  // The pairs of a keyed map (ParamSpec::keyed_by) at path, in file order: (entry name, parameter).
  std::vector<std::pair<std::string, const Parameter*>> keyed(const std::string& path) const;

 private:
  Contents c_;
  std::map<std::string, std::size_t> index_;
};

using ScenarioPtr = std::shared_ptr<const Scenario>;

struct LoadOptions {
  std::vector<std::string> overrides;  // "path=value", as given to --set
  std::optional<std::int64_t> ticks;   // --ticks, recorded as an override of calendar.ticks
};

// Parses and validates; throws InputError listing every problem found.
ScenarioPtr load_scenario_file(const std::string& path, const std::vector<const ModelSchema*>& models,
                               const LoadOptions& options = {});
ScenarioPtr load_scenario_text(const std::string& text, const std::string& display_name,
                               const std::vector<const ModelSchema*>& models, const LoadOptions& options = {});

}  // namespace confsim::sim
