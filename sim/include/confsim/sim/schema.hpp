#pragma once
// Declarations of every scenario key: its type, range, default and meaning. One declaration drives
// loading, validation, `confsim explain` and docs/scenario-reference.md, so they cannot disagree.
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace confsim::sim {

struct Diagnostic;
class Scenario;

// A parameter's value. Integers that may be a keyword (e.g. "unbounded") hold kKeywordValue; a list
// of names (the regions a group operates in) is a vector of strings.
using Names = std::vector<std::string>;
using Value = std::variant<double, std::int64_t, bool, std::string, Names>;
inline constexpr std::int64_t kKeywordValue = -1;

enum class ValueType {
  real,
  integer,
  boolean,
  choice,              // one word of a fixed list
  date,                // YYYY-MM-DD
  text,                // free text
  integer_or_keyword,  // a whole number or the one keyword declared with it
  name,                // the name of an entry of a collection (ParamSpec::collection), e.g. a region
  names,               // a list of such names
};

struct ParamSpec {
  std::string key;
  ValueType type = ValueType::real;
  std::string description;
  std::string unit;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  std::vector<std::string> choices;  // for choice
  std::string keyword;               // for integer_or_keyword
  std::optional<Value> default_value;  // none: the key is required (unless a preset sets it)
  std::string default_reason;          // why the default is what it is (an assumption)
  bool schedulable = false;            // scheduled events may change it during a run
  bool optional = false;               // may be absent with no value at all (e.g. seed)
  // name / names: the collection whose entries it names ("regions"), and the kinds of entry it may
  // name (empty: any kind).
  std::string collection;
  std::vector<std::string> of_kinds;
  // Set: the key holds a map from names of this collection's entries to values of the spec's type
  // ({north: 3, south: 1}); each pair is a parameter of its own at path.key.name, with its own
  // provenance. Absent names have no parameter (models read them as the default).
  // kKeyedByEventNames instead: any name, which the model checks against its events' names.
  std::string keyed_by;
};

// ParamSpec::keyed_by for maps keyed by the names events use (actors, targets), which are known
// only once the model has built its vocabulary; its cross_check refuses names the events never use.
inline constexpr const char* kKeyedByEventNames = "names in events";

struct SectionSpec {
  std::string key;
  std::string description;
  std::vector<ParamSpec> params;
  bool optional = false;  // may be left out whole (a model checks that it is there when needed)
};

struct Preset {
  std::string name;
  std::string description;
  std::map<std::string, Value> values;  // by full path, e.g. "rules.ratio_rounding"
};

// How the event datasets researchers compare with (ACLED, UCDP GED) name what an events table names:
// each actor's and target's name and ACLED actor type ('inter' code 1-8), each region's first-level
// administrative division, and the country's codes. Filled from the scenario by models that map
// their events; empty otherwise.
struct EventDataCrosswalk {
  std::vector<std::string> actor_names;       // per EventCategories::actors
  std::vector<std::string> actor_associates;  // per actor: ACLED's assoc_actor (a front group's parent), or ""
  std::vector<std::int32_t> actor_types;      // per actor: ACLED inter code
  std::vector<std::string> target_names;      // per EventCategories::targets
  std::vector<std::int32_t> target_types;
  std::vector<std::string> admin1;  // per EventCategories::regions; "" for the country as a whole
  std::string country, iso3, world_region;
  std::int32_t iso = -1, gwno = -1;  // ISO 3166-1 numeric and Gleditsch-Ward number; -1: not given
  bool empty() const { return actor_names.empty(); }
};

// ACLED's actor types in the order of their inter codes (1 State forces … 8 External/Other forces):
// the word a scenario uses for each, and ACLED's label.
struct AcledActorType {
  const char* word;
  const char* label;
};
const std::vector<AcledActorType>& acled_actor_types();

// The names an events table uses (what happened, who acted, on whom, where); each column of the
// table holds indices into its list.
struct EventCategories {
  std::vector<std::string> kinds, actors, targets, regions;
  // Per kind, in the order of `kinds`, where the model maps its kinds to ACLED's event types (else
  // empty): what the kind means, and ACLED's event type and sub-event type for it.
  std::vector<std::string> kind_meanings, acled_event_types, acled_sub_event_types;
  EventDataCrosswalk event_data;
};

// One kind of entry in a collection (an armed group among the actors): its parameters, and how
// many entries of the kind a scenario may declare.
struct EntryKind {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  std::size_t min_count = 0;
  std::size_t max_count = std::numeric_limits<std::size_t>::max();
};

// A map of entries whose names the scenario chooses (regions, actors). Each entry's parameters live
// at collection.entry.key. With several kinds, each entry says which with `kind:`.
struct CollectionSpec {
  std::string key;
  std::string description;
  std::vector<EntryKind> kinds;
  std::size_t min_entries = 0;
  const EntryKind* kind(const std::string& name) const;
};

// What a model contributes to the scenario language.
struct ModelSchema {
  std::string name;
  std::string description;
  std::vector<SectionSpec> sections;
  std::vector<CollectionSpec> collections;  // read after the sections, in this order
  std::vector<Preset> presets;
  std::vector<std::string> removable_populations;  // what `remove_share` events may name
  // Checks that need several values at once (e.g. densities that must sum to at most 1).
  std::function<std::vector<Diagnostic>(const Scenario&)> cross_check;
  // The events vocabulary a scenario's runs use, for checking what scheduled actions record (none:
  // the model's scenarios cannot record actions).
  std::function<EventCategories(const Scenario&)> event_vocabulary;
  // Memory a run of the scenario needs at its peak (bytes, estimated from measured costs per cell),
  // and the parameter that sets most of it: checked before anything is allocated.
  std::function<double(const Scenario&)> peak_memory_bytes;
  std::string memory_parameter;
};

std::string number_text(double x);  // for people: 10 significant digits, ∞, NaN
std::string describe_value(const Value& value, const ParamSpec& spec);
std::string describe_type(const ParamSpec& spec);  // "a number in [0, 1]", "one of a | b" …
std::string describe_range(const ParamSpec& spec);

// The keys every scenario has whatever its model (name, model, calendar, output …).
const std::vector<SectionSpec>& common_sections();
// The top-level keys that are single values rather than sections.
const std::vector<ParamSpec>& top_level_params();

// Markdown reference of every key: common ones, then each model's sections and presets.
std::string scenario_reference_markdown(const std::vector<const ModelSchema*>& models);

}  // namespace confsim::sim
