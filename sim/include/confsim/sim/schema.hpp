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

// A parameter's value. Integers that may be a keyword (e.g. "unbounded") hold kKeywordValue.
using Value = std::variant<double, std::int64_t, bool, std::string>;
inline constexpr std::int64_t kKeywordValue = -1;

enum class ValueType {
  real,
  integer,
  boolean,
  choice,              // one word of a fixed list
  date,                // YYYY-MM-DD
  text,                // free text
  integer_or_keyword,  // a whole number or the one keyword declared with it
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
};

struct SectionSpec {
  std::string key;
  std::string description;
  std::vector<ParamSpec> params;
};

struct Preset {
  std::string name;
  std::string description;
  std::map<std::string, Value> values;  // by full path, e.g. "rules.ratio_rounding"
};

// What a model contributes to the scenario language.
struct ModelSchema {
  std::string name;
  std::string description;
  std::vector<SectionSpec> sections;
  std::vector<Preset> presets;
  std::vector<std::string> removable_populations;  // what `remove_share` events may name
  // Checks that need several values at once (e.g. densities that must sum to at most 1).
  std::function<std::vector<Diagnostic>(const Scenario&)> cross_check;
  // Memory a run of the scenario needs at its peak (bytes, estimated from measured costs per cell),
  // and the parameter that sets most of it: checked before anything is allocated.
  std::function<double(const Scenario&)> peak_memory_bytes;
  std::string memory_parameter;
};

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
