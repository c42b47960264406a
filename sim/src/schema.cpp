#include "confsim/sim/schema.hpp"

#include <cmath>
#include <sstream>

namespace confsim::sim {

std::string number_text(double x) {
  if (std::isinf(x)) return x > 0 ? "∞" : "-∞";
  if (std::isnan(x)) return "NaN";
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

namespace {

std::string joined(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

}  // namespace

std::string describe_range(const ParamSpec& spec) {
  const bool whole = spec.type == ValueType::integer || spec.type == ValueType::integer_or_keyword;
  const auto number_text = [whole](double x) {
    return whole && !std::isinf(x) ? std::to_string(static_cast<long long>(x)) : confsim::sim::number_text(x);
  };
  const bool has_min = !std::isinf(spec.min), has_max = !std::isinf(spec.max);
  if (!has_min && !has_max) return "";
  if (has_min && !has_max) return (spec.min_exclusive ? "> " : "≥ ") + number_text(spec.min);
  if (!has_min) return (spec.max_exclusive ? "< " : "≤ ") + number_text(spec.max);
  return std::string(spec.min_exclusive ? "(" : "[") + number_text(spec.min) + ", " + number_text(spec.max) +
         (spec.max_exclusive ? ")" : "]");
}

std::string describe_type(const ParamSpec& spec) {
  const std::string range = describe_range(spec);
  const std::string in_range = range.empty() ? "" : (range[0] == '[' || range[0] == '(' ? " in " : " ") + range;
  switch (spec.type) {
    case ValueType::real: return "a number" + in_range;
    case ValueType::integer: return "a whole number" + in_range;
    case ValueType::boolean: return "true or false";
    case ValueType::choice: return "one of " + joined(spec.choices, " | ");
    case ValueType::date: return "a date YYYY-MM-DD";
    case ValueType::text: return "text";
    case ValueType::integer_or_keyword: return "a whole number" + in_range + " or '" + spec.keyword + "'";
    case ValueType::name:
      if (!spec.choices.empty()) return "one of " + joined(spec.choices, " | ");
      if (spec.collection.empty()) return "a name (lower-case letters, digits and _)";
      return "the name of " + (spec.of_kinds.empty() ? "an entry of " + spec.collection
                                                     : "a " + joined(spec.of_kinds, " or a ") + " in " + spec.collection);
    case ValueType::names:
      if (!spec.choices.empty()) return "a list of words from " + joined(spec.choices, " | ");
      if (spec.collection.empty()) return "a list of names (lower-case letters, digits and _)";
      return "a list of names of " + (spec.of_kinds.empty() ? "entries of " + spec.collection
                                                           : joined(spec.of_kinds, " or ") + " entries of " +
                                                                 spec.collection);
  }
  return "?";
}

const EntryKind* CollectionSpec::kind(const std::string& name) const {
  for (const auto& k : kinds)
    if (k.name == name) return &k;
  return nullptr;
}

std::string describe_value(const Value& value, const ParamSpec& spec) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    if (spec.type == ValueType::integer_or_keyword && *i == kKeywordValue) return spec.keyword;
    return std::to_string(*i);
  }
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* list = std::get_if<Names>(&value)) return "[" + joined(*list, ", ") + "]";
  return std::get<std::string>(value);
}

const std::vector<ParamSpec>& top_level_params() {
  static const std::vector<ParamSpec> params = [] {
    std::vector<ParamSpec> p;
    p.push_back({.key = "confsim", .type = ValueType::integer,
                 .description = "Version of the scenario format this file is written for.", .min = 1, .max = 1});
    p.push_back({.key = "name", .type = ValueType::text, .description = "Short name of the scenario, stored in outputs."});
    p.push_back({.key = "description", .type = ValueType::text, .description = "What the scenario is for.",
                 .default_value = std::string()});
    p.push_back({.key = "model", .type = ValueType::choice,
                 .description = "The model the scenario runs (selects which sections follow)."});
    p.push_back({.key = "preset", .type = ValueType::choice,
                 .description = "A named set of defaults for the model's switches; keys written in the file "
                                "override it.",
                 .default_value = std::string(), .default_reason = "no preset: built-in defaults"});
    p.push_back({.key = "seed", .type = ValueType::integer,
                 .description = "Master seed of every random stream. `--seed` overrides it; when neither is "
                                "given a seed is drawn and written into the output.",
                 .min = 0, .max = 9007199254740991.0, .optional = true});
    return p;
  }();
  return params;
}

const std::vector<SectionSpec>& common_sections() {
  static const std::vector<SectionSpec> sections = {
      {"calendar", "Time: one tick is one day.",
       {{.key = "start_date", .type = ValueType::date, .description = "Date of tick 0.",
         .default_value = std::string("2000-01-01"),
         .default_reason = "a model without a calendar needs some date for the time axis"},
        {.key = "ticks", .type = ValueType::integer, .description = "Number of ticks to run after tick 0.",
         .unit = "days", .min = 1, .max = 10'000'000}}},
      {"output", "What the run file records besides the per-tick series.",
       {{.key = "snapshot_every", .type = ValueType::integer_or_keyword,
         .description = "Record per-agent and per-cell state every N ticks (0: never). `auto` records every 50 "
                        "ticks on lattices of up to 1,000,000 cells and never on larger ones.",
         .unit = "ticks", .min = 0, .max = 10'000'000, .keyword = "auto",
         .default_value = std::int64_t{kKeywordValue},
         .default_reason = "snapshots grow with agents × ticks; large runs opt in"},
        {.key = "compression", .type = ValueType::integer,
         .description = "gzip level of snapshot datasets (0: none).", .min = 0, .max = 9,
         .default_value = std::int64_t{1},
         .default_reason = "the fastest level, and nearly the smallest files for state grids: a 4000 × 4000 Epstein "
                           "snapshot takes 0.8 s and 80 MB at level 1, 1.2 s and 79 MB at level 4"}}},
  };
  return sections;
}

namespace {

std::string markdown_escape(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

void write_param_table(std::ostringstream& out, const std::string& prefix, const std::vector<ParamSpec>& params) {
  out << "| key | type | default | events may change | meaning |\n|---|---|---|---|---|\n";
  for (const auto& p : params) {
    std::string def = p.optional ? "none" : "**required**";
    if (p.default_value) {
      def = "`" + describe_value(*p.default_value, p) + "`";
      if (p.type == ValueType::text && std::get<std::string>(*p.default_value).empty()) def = "empty";
      if (p.type == ValueType::choice && std::get<std::string>(*p.default_value).empty()) def = "none";
    }
    std::string meaning = p.description;
    if (!p.unit.empty()) meaning += " Unit: " + p.unit + ".";
    if (p.default_value && !p.default_reason.empty()) meaning += " Default: " + p.default_reason + ".";
    if (!p.keyed_by.empty()) def = "none";
    const std::string key = p.keyed_by.empty() ? p.key : p.key + ".NAME";
    const std::string type = p.keyed_by.empty() ? describe_type(p)
                                                : "a map from " + (p.keyed_by == kKeyedByEventNames ? p.keyed_by : "names of " + p.keyed_by) + " to " + describe_type(p);
    out << "| `" << prefix << key << "` | " << markdown_escape(type) << " | " << markdown_escape(def)
        << " | " << (p.schedulable ? "yes" : "") << " | " << markdown_escape(meaning) << " |\n";
  }
  out << "\n";
}

}  // namespace

const std::vector<AcledActorType>& acled_actor_types() {
  // ACLED Codebook (2023), "Actor Names, Types, and 'Inter' Codes".
  static const std::vector<AcledActorType> types = {
      {"state_forces", "State forces"},           {"rebel_groups", "Rebel groups"},
      {"political_militias", "Political militias"}, {"identity_militias", "Identity militias"},
      {"rioters", "Rioters"},                     {"protesters", "Protesters"},
      {"civilians", "Civilians"},                 {"external_other", "External/Other forces"}};
  return types;
}

std::string scenario_reference_markdown(const std::vector<const ModelSchema*>& models) {
  std::ostringstream out;
  out << "# Scenario reference\n\n"
         "Generated by `confsim reference` from the declarations the loader uses, so it always "
         "matches the code (a test compares the two).\n\n"
         "A scenario is a YAML map. Unknown keys are errors. Any parameter may be written as a plain value "
         "or as a map that also says where the value comes from:\n\n"
         "```yaml\n"
         "legitimacy: 0.82                      # plain\n"
         "legitimacy:                           # from a document\n"
         "  value: 0.82\n"
         "  source: {document: \"Epstein 2002, Table 2\", quote: \"Run 2 ... L = 0.82\"}\n"
         "threshold:                            # a modelling choice\n"
         "  value: 0.1\n"
         "  assumption: \"Epstein's T; no document measures it\"\n"
         "attack_rate:                          # fitted to a calibration target\n"
         "  value: 0.05\n"
         "  calibrated: \"attacks on foreign forces, Oct 2019 - Jun 2020 (targets.yaml)\"\n"
         "```\n\n"
         "Use `calibrated` for a value fitted until a run matches a target, never a `source` whose quote "
         "is the target itself: the quote gives the target, not the value. `confsim calibrate` writes the "
         "form `calibrated: {by: CALIBRATION.yaml, mean: M, interval: [LOW, HIGH]}` (the posterior mean and "
         "its 90% interval; docs/calibration.md).\n\n"
         "A section may carry its own `source` or `assumption`, which then covers the plain values in it "
         "(a value's own annotation still wins), so that values one document gives together stay plain "
         "numbers that scripts can rewrite:\n\n"
         "```yaml\n"
         "grid:\n"
         "  width: 40\n"
         "  height: 40\n"
         "  source: {document: \"Mesa 3.3 examples/.../model.py\", quote: \"width=40, height=40\"}\n"
         "```\n\n"
         "`confsim explain FILE` prints every parameter with its value and provenance (source, "
         "assumption, preset, built-in default or `--set` override).\n\n"
         "`--set path=value` overrides any parameter, e.g. `--set government.legitimacy=0.7`; the value is "
         "checked like one written in the file and the override is recorded in the output.\n\n"
         "## Top-level keys\n\n";
  std::vector<ParamSpec> top = top_level_params();
  for (auto& p : top) {
    if (p.key == "model")
      for (const ModelSchema* m : models) p.choices.push_back(m->name);
    if (p.key == "preset") p.choices = {"the presets of the model (listed with each model below)"};
  }
  write_param_table(out, "", top);
  for (const auto& section : common_sections()) {
    out << "## `" << section.key << "`\n\n" << section.description << "\n\n";
    write_param_table(out, section.key + ".", section.params);
  }
  out << "## `events`\n\n"
         "A list of scheduled events. An event changes a parameter or a condition at a tick; it never "
         "schedules an outcome. Keys of each event:\n\n"
         "| key | meaning |\n|---|---|\n"
         "| `name` | **required**: a short name, recorded in the output's `/schedule` group |\n"
         "| `at` | **required**: the tick (a whole number ≥ 1) or a date YYYY-MM-DD within the run |\n"
         "| `set` | `{path: value, ...}`: set one or more parameters that events may change, together |\n"
         "| `ramp` | `{path: …, to: value, over: ticks}`: move a parameter linearly from its value at `at` "
         "to `to` over `over` ticks |\n"
         "| `remove_share` | `{population: …, share: s}`: remove the share s ∈ (0, 1] of the population's "
         "present members, chosen at random |\n"
         "| `record` | `{kind, actor, target, region, target_actor, killed, wounded, arrested}`: the event is "
         "an action (a strike, an election), not only a change of conditions: it is written to the run's "
         "`/events` table with these names of the model's vocabulary (region and target_actor may be left "
         "out; counts default to 0) and the model's rules react to it |\n"
         "| `repeat` | `{every: N, times: M}`: repeat the event M times in all, N ticks apart |\n"
         "| `source` / `assumption` / `calibrated` | provenance, as for parameters |\n\n"
         "At most one of `set`, `ramp` and `remove_share` is given; an event with none of them has a "
         "`record`.\n\n"
         "## Variants: `extends`\n\n"
         "`extends: base.yaml` (a path relative to the file) starts from another scenario and changes only "
         "what the file states: a value replaces the base's (a parameter written with `value:` is replaced "
         "whole, provenance included); maps merge key by key. Events are matched by name: an event with the "
         "name of a base event replaces it, `{name: X, omit: true}` drops the base's event X, any other "
         "event is added. An entry of a collection (a region, an actor) written as `{omit: true}` removes "
         "the base's entry of that name. Regions and actors keep the base's order, and new ones follow it. "
         "Run files record the resolved scenario, so `confsim rerun` needs no base file. "
         "Counterfactuals are written this way (e.g. `scenarios/iraq/counterfactuals/`).\n\n";
  for (const ModelSchema* model : models) {
    out << "## Model `" << model->name << "`\n\n" << model->description << "\n\n";
    for (const auto& section : model->sections) {
      out << "### `" << section.key << "`\n\n" << section.description
          << (section.optional ? " The section may be left out when nothing needs it." : "") << "\n\n";
      write_param_table(out, section.key + ".", section.params);
    }
    for (const auto& collection : model->collections) {
      out << "### `" << collection.key << "`\n\n" << collection.description
          << " A map: each entry under a name of the scenario's choosing (lower-case letters, digits and _), "
             "its parameters at `"
          << collection.key << ".NAME.key`"
          << (collection.kinds.size() > 1 ? "; `kind:` says which of the kinds below it is" : "") << ".\n\n";
      for (const auto& kind : collection.kinds) {
        if (collection.kinds.size() > 1) {
          out << "#### " << collection.key << " of kind `" << kind.name << "`\n\n" << kind.description;
          if (kind.max_count == 1)
            out << (kind.min_count == 1 ? " Exactly one." : " At most one.");
          else if (kind.min_count > 0)
            out << " At least " << kind.min_count << ".";
          out << "\n\n";
        }
        write_param_table(out, collection.key + ".NAME.", kind.params);
      }
    }
    if (!model->removable_populations.empty())
      out << "Populations that `remove_share` may name: " << joined(model->removable_populations, ", ") << ".\n\n";
    if (!model->presets.empty()) {
      out << "### Presets\n\n";
      for (const auto& preset : model->presets) {
        out << "- `" << preset.name << "`: " << preset.description << " Sets:";
        bool first = true;
        for (const auto& [path, value] : preset.values) {
          const ParamSpec* spec = nullptr;
          for (const auto& section : model->sections)
            for (const auto& p : section.params)
              if (section.key + "." + p.key == path) spec = &p;
          out << (first ? " " : ", ") << "`" << path << " = " << (spec ? describe_value(value, *spec) : "?") << "`";
          first = false;
        }
        out << ".\n";
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace confsim::sim
