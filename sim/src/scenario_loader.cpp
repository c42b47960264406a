// Strict loading of scenario YAML: every key known, every value typed and in range, every problem
// reported with file:line:column (or the --set that caused it), the key path, what was expected
// and what was found.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "confsim/sim/scenario.hpp"
#include "confsim/sim/input_files.hpp"

namespace confsim::sim {
namespace {

const char* const kEventsKey = "events";

// The node at a dotted path, or an undefined node when any step is missing or not a map.
YAML::Node node_at(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node;
  node.reset(root);
  std::stringstream parts(dotted);
  for (std::string part; std::getline(parts, part, '.');) {
    const YAML::Node& view = node;  // const access: looking up must never insert the key
    if (!view.IsMap() || !view[part]) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node child = view[part];
    node.reset(child);
  }
  return node;
}

std::string found_text(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
    case YAML::NodeType::Scalar: {
      std::string s = node.Scalar();
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "'" + s + "'";
    }
  }
  return "?";
}

// Folded YAML text (`>`) ends in a newline that would only clutter tables.
std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  const auto last = text.find_last_not_of(" \t\n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

bool valid_entry_name(const std::string& name) {
  if (name.empty() || name.size() > 48 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::vector<std::string> keys_of(const std::vector<ParamSpec>& params) {
  std::vector<std::string> out;
  for (const auto& p : params) out.push_back(p.key);
  return out;
}

class Loader {
 public:
  Loader(std::string display_name, const std::vector<const ModelSchema*>& models)
      : file_(std::move(display_name)), models_(models) {}

  ScenarioPtr load(const std::string& text, const LoadOptions& options);

 private:
  ScenarioPtr build(const YAML::Node& root, const LoadOptions& options, const std::string& text);

 private:
  std::string file_;
  const std::vector<const ModelSchema*>& models_;
  std::map<std::string, std::string> override_of_path_;
  std::vector<Diagnostic> problems_;
  // The entries of the model's collections, known before any parameter is read so that names can
  // be checked wherever they appear.
  std::map<std::string, std::vector<Entry>> entries_;

  SourceLocation where(const YAML::Node& node, const std::string& path) const {
    SourceLocation loc;
    loc.file = file_;
    for (const auto& [override_path, text] : override_of_path_)
      if (override_path == path || override_path == path + ".value") {
        loc.from_override = text;
        return loc;
      }
    if (node.IsDefined() && !node.Mark().is_null()) {
      loc.line = node.Mark().line + 1;
      loc.column = node.Mark().column + 1;
      return loc;
    }
    // A map that exists only because an override created it.
    for (const auto& [override_path, text] : override_of_path_)
      if (override_path.rfind(path + ".", 0) == 0 || path.rfind(override_path + ".", 0) == 0) {
        loc.from_override = text;
        return loc;
      }
    return loc;
  }
  void problem(const YAML::Node& node, const std::string& path, std::string message) {
    problems_.push_back({where(node, path), path, std::move(message)});
  }

  void apply_override(YAML::Node& root, const std::string& assignment);
  std::optional<Value> read_scalar(const YAML::Node& node, const ParamSpec& spec, const std::string& path);
  bool read_provenance(const YAML::Node& wrapper, const std::string& path, Provenance& out);
  // A plain value takes the provenance of its section's own source or assumption, if it has one.
  std::optional<Parameter> read_param(const YAML::Node& node, const ParamSpec& spec, const std::string& path,
                                      const std::optional<Provenance>& section_provenance = std::nullopt);
  void read_section(const YAML::Node& root, const SectionSpec& section, const ModelSchema* model,
                    const std::vector<const SectionSpec*>& all_sections, std::vector<Parameter>& out);
  // The parameters of one map (a section, or an entry of a collection) at `prefix`.
  void read_params(const YAML::Node& root, const YAML::Node& node, const std::string& prefix,
                   const std::vector<ParamSpec>& params, const Preset* preset, std::vector<Parameter>& out);
  void read_keyed(const YAML::Node& node, const ParamSpec& spec, const std::string& path,
                  const std::optional<Provenance>& section_provenance, std::vector<Parameter>& out);
  // Names and kinds of every entry of every collection (no parameters yet).
  void read_entries(const YAML::Node& root, const CollectionSpec& collection);
  void read_collection(const YAML::Node& root, const CollectionSpec& collection, std::vector<Parameter>& out);
  std::vector<std::string> names_in(const ParamSpec& spec) const;
  std::optional<ScheduledRecord> read_record(const YAML::Node& node, const std::string& path);
  // Every name a scheduled action records is in the vocabulary the scenario's runs use.
  void check_records(const Scenario& scenario, const EventCategories& vocabulary);
  void reject_unknown_keys(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& known,
                           const std::vector<const SectionSpec*>& all_sections);
  std::vector<ScheduledEvent> read_events(const YAML::Node& list, const ModelSchema* model, Date start,
                                          const std::vector<Parameter>& params);
  std::optional<std::int64_t> read_tick(const YAML::Node& node, const std::string& path, Date start);
};

void Loader::apply_override(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  SourceLocation loc;
  loc.from_override = assignment;
  if (eq == std::string::npos || eq == 0) {
    problems_.push_back({loc, "", "expected path=value (e.g. government.legitimacy=0.7), found '" + assignment + "'"});
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    problems_.push_back({loc, path, "the value is not valid YAML: " + e.msg});
    return;
  }
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  for (const auto& part : parts)
    if (part.empty()) {
      problems_.push_back({loc, path, "expected a dotted key path such as citizens.density"});
      return;
    }
  override_of_path_[path] = assignment;
  // yaml-cpp's Node::operator= assigns content, not identity: walking needs reset().
  YAML::Node node;
  node.reset(root);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!node[parts[i]] || !node[parts[i]].IsMap()) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
    YAML::Node child = node[parts[i]];
    node.reset(child);
  }
  YAML::Node leaf = node[parts.back()];
  if (leaf.IsMap() && leaf["value"])
    leaf["value"] = value;  // keeps the parameter's provenance beside the new value
  else
    node[parts.back()] = value;
}

std::optional<Value> Loader::read_scalar(const YAML::Node& node, const ParamSpec& spec, const std::string& path) {
  const auto fail = [&](const std::string& extra = "") {
    problem(node, path, "expected " + describe_type(spec) + ", found " + found_text(node) + extra);
    return std::optional<Value>();
  };
  if (spec.type == ValueType::names) {
    if (!node.IsSequence()) return fail();
    Names names;
    ParamSpec one = spec;
    one.type = ValueType::name;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const auto name = read_scalar(node[i], one, path + "[" + std::to_string(i) + "]");
      if (!name) return std::nullopt;
      const std::string& n = std::get<std::string>(*name);
      if (std::find(names.begin(), names.end(), n) != names.end()) {
        problem(node[i], path, "'" + n + "' is listed twice");
        return std::nullopt;
      }
      names.push_back(n);
    }
    return Value(names);
  }
  if (!node.IsScalar()) return fail();
  const std::string& s = node.Scalar();
  const auto in_range = [&](double x) {
    if (std::isnan(x)) return false;
    if (x < spec.min || (spec.min_exclusive && x == spec.min)) return false;
    if (x > spec.max || (spec.max_exclusive && x == spec.max)) return false;
    return true;
  };
  switch (spec.type) {
    case ValueType::real: {
      double x = 0;
      if (!YAML::convert<double>::decode(node, x) || !std::isfinite(x)) return fail();
      if (!in_range(x)) return fail();
      return Value(x);
    }
    case ValueType::integer_or_keyword:
      if (s == spec.keyword) return Value(std::int64_t{kKeywordValue});
      [[fallthrough]];
    case ValueType::integer: {
      long long i = 0;
      if (!YAML::convert<long long>::decode(node, i)) return fail();
      if (!in_range(static_cast<double>(i))) return fail();
      return Value(static_cast<std::int64_t>(i));
    }
    case ValueType::boolean:
      if (s == "true") return Value(true);
      if (s == "false") return Value(false);
      return fail();
    case ValueType::choice:
      for (const auto& c : spec.choices)
        if (s == c) return Value(s);
      {
        const std::string guess = closest_match(s, spec.choices);
        return fail(guess.empty() ? "" : "; did you mean '" + guess + "'?");
      }
    case ValueType::date:
      if (!Date::parse_iso(s)) return fail();
      return Value(s);
    case ValueType::text: return Value(s);
    case ValueType::name: {
      if (spec.collection.empty() && spec.choices.empty()) {  // a new name, e.g. of a front group
        if (valid_entry_name(s)) return Value(s);
        return fail("; names are lower-case letters, digits and _, starting with a letter");
      }
      const auto known = spec.choices.empty() ? names_in(spec) : spec.choices;
      if (std::find(known.begin(), known.end(), s) != known.end()) return Value(s);
      const std::string guess = closest_match(s, known);
      return fail(guess.empty() ? "" : "; did you mean '" + guess + "'?");
    }
    case ValueType::names: break;  // a list, not a scalar: read below
  }
  return fail();
}

std::vector<std::string> Loader::names_in(const ParamSpec& spec) const {
  std::vector<std::string> out;
  const auto it = entries_.find(spec.collection);
  if (it == entries_.end()) return out;
  for (const auto& e : it->second)
    if (spec.of_kinds.empty() || std::find(spec.of_kinds.begin(), spec.of_kinds.end(), e.kind) != spec.of_kinds.end())
      out.push_back(e.name);
  return out;
}

bool Loader::read_provenance(const YAML::Node& wrapper, const std::string& path, Provenance& out) {
  const YAML::Node source = wrapper["source"];
  const YAML::Node assumption = wrapper["assumption"];
  const YAML::Node calibrated = wrapper["calibrated"];
  if ((source ? 1 : 0) + (assumption ? 1 : 0) + (calibrated ? 1 : 0) > 1) {
    const char* second = calibrated ? "calibrated" : "assumption";
    problem(wrapper[second], path + "." + second, "give either source, assumption or calibrated, not several");
    return false;
  }
  if (calibrated) {
    if (calibrated.IsMap()) {  // written by confsim calibrate: {by: FILE, mean: M, interval: [LOW, HIGH]}
      for (const auto& kv : calibrated) {
        const auto key = kv.first.as<std::string>();
        if (key != "by" && key != "mean" && key != "interval") {
          problem(kv.first, path + ".calibrated." + key,
                  "unknown key '" + key + "' in a calibration's provenance (expected by, mean and interval)");
          return false;
        }
      }
      const YAML::Node by = calibrated["by"], interval = calibrated["interval"];
      if (!by || !by.IsScalar() || trimmed(by.Scalar()).empty()) {
        problem(calibrated, path + ".calibrated.by", "expected by: the calibration file the value comes from");
        return false;
      }
      out.reason = "by " + trimmed(by.Scalar());
      if (calibrated["mean"] && calibrated["mean"].IsScalar())
        out.reason += ": posterior mean " + calibrated["mean"].Scalar();
      if (interval && interval.IsSequence() && interval.size() == 2 && interval[0].IsScalar() && interval[1].IsScalar())
        out.reason += ", 90% interval [" + interval[0].Scalar() + ", " + interval[1].Scalar() + "]";
      else if (interval)
        problem(interval, path + ".calibrated.interval", "expected [LOW, HIGH]");
      out.kind = Provenance::Kind::calibrated;
      return true;
    }
    if (!calibrated.IsScalar() || trimmed(calibrated.Scalar()).empty()) {
      problem(calibrated, path + ".calibrated",
              "expected text naming what the value was fitted to, or {by: CALIBRATION.yaml, mean, interval}, found " +
                  found_text(calibrated));
      return false;
    }
    out.kind = Provenance::Kind::calibrated;
    out.reason = trimmed(calibrated.Scalar());
    return true;
  }
  if (source) {
    if (!source.IsMap() || !source["document"] || !source["quote"] || !source["document"].IsScalar() ||
        !source["quote"].IsScalar()) {
      problem(source, path + ".source", "expected a map {document: ..., quote: ...}, found " + found_text(source));
      return false;
    }
    for (const auto& kv : source) {
      const auto key = kv.first.as<std::string>();
      if (key != "document" && key != "quote") {
        const std::string guess = closest_match(key, {"document", "quote"});
        problem(kv.first, path + ".source." + key,
                "unknown key '" + key + "' in a source (expected document and quote)" +
                    (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
        return false;
      }
    }
    out.kind = Provenance::Kind::source;
    out.document = trimmed(source["document"].Scalar());
    out.quote = trimmed(source["quote"].Scalar());
    return true;
  }
  if (assumption) {
    if (!assumption.IsScalar() || trimmed(assumption.Scalar()).empty()) {
      problem(assumption, path + ".assumption", "expected text saying why, found " + found_text(assumption));
      return false;
    }
    out.kind = Provenance::Kind::assumption;
    out.reason = trimmed(assumption.Scalar());
    return true;
  }
  return false;
}

std::optional<Parameter> Loader::read_param(const YAML::Node& node, const ParamSpec& spec, const std::string& path,
                                            const std::optional<Provenance>& section_provenance) {
  Parameter param;
  param.path = path;
  param.spec = &spec;
  param.where = where(node, path);
  YAML::Node value_node = node;
  if (node.IsMap()) {
    // The annotated form: {value: …, source: {…}}, {value: …, assumption: "…"} or {value: …, calibrated: "…"}.
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      if (key != "value" && key != "source" && key != "assumption" && key != "calibrated") {
        const std::string guess = closest_match(key, {"value", "source", "assumption", "calibrated"});
        problem(kv.first, path + "." + key,
                "unknown key '" + key +
                    "' in an annotated parameter (expected value with source, assumption or calibrated)" +
                    (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
        return std::nullopt;
      }
    }
    if (!node["value"]) {
      problem(node, path, "an annotated parameter needs 'value' (expected " + describe_type(spec) + ")");
      return std::nullopt;
    }
    if (!read_provenance(node, path, param.provenance)) {
      if (!node["source"] && !node["assumption"] && !node["calibrated"])
        problem(node, path,
                "an annotated parameter needs 'source' {document, quote}, 'assumption' (why) or 'calibrated' "
                "(what it was fitted to)");
      return std::nullopt;
    }
    value_node = node["value"];
  } else if (section_provenance) {
    param.provenance = *section_provenance;
  } else {
    param.provenance.kind = Provenance::Kind::unannotated;
  }
  const auto value = read_scalar(value_node, spec, path);
  if (!value) return std::nullopt;
  param.value = *value;
  if (override_of_path_.count(path) || override_of_path_.count(path + ".value")) {
    param.provenance.kind = Provenance::Kind::override_;
    param.provenance.reason = override_of_path_.count(path) ? override_of_path_[path] : override_of_path_[path + ".value"];
  }
  return param;
}

void Loader::reject_unknown_keys(const YAML::Node& map, const std::string& prefix,
                                 const std::vector<std::string>& known,
                                 const std::vector<const SectionSpec*>& all_sections) {
  std::map<std::string, int> first_line_of;
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    const std::string key_path = prefix.empty() ? key : prefix + "." + key;
    if (const auto seen = first_line_of.find(key); seen != first_line_of.end()) {
      problem(kv.first, key_path, "duplicate key '" + key + "' (first given on line " + std::to_string(seen->second) + ")");
      continue;
    }
    first_line_of[key] = kv.first.Mark().line + 1;
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    std::string message = "unknown key '" + key + "'" + (prefix.empty() ? "" : " in '" + prefix + "'");
    const std::string guess = closest_match(key, known);
    std::string elsewhere;
    for (const SectionSpec* s : all_sections)
      if (s->key != prefix)
        for (const auto& p : s->params)
          if (p.key == key) elsewhere = s->key + "." + key;
    if (!guess.empty())
      message += "; did you mean '" + guess + "'?";
    else if (!elsewhere.empty())
      message += "; it belongs under '" + elsewhere.substr(0, elsewhere.rfind('.')) + "' (" + elsewhere + ")";
    else
      message += "; expected one of: " + [&] {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return list;
      }();
    problem(kv.first, path, message);
  }
}

void Loader::read_section(const YAML::Node& root, const SectionSpec& section, const ModelSchema* model,
                          const std::vector<const SectionSpec*>& all_sections, std::vector<Parameter>& out) {
  const YAML::Node node = node_at(root, section.key);
  if (node && !node.IsMap() && !node.IsNull()) {
    problem(node, section.key, "expected a map of " + section.description + ", found " + found_text(node));
    return;
  }
  if (!node && section.optional) return;
  const Preset* preset = nullptr;
  if (model && root["preset"] && root["preset"].IsScalar())
    for (const auto& p : model->presets)
      if (p.name == root["preset"].Scalar()) preset = &p;
  read_params(root, node, section.key, section.params, preset, out);
  if (node && node.IsMap()) {
    std::vector<std::string> known = keys_of(section.params);
    known.insert(known.end(), {"source", "assumption", "calibrated"});
    reject_unknown_keys(node, section.key, known, all_sections);
  }
}

void Loader::read_params(const YAML::Node& root, const YAML::Node& node, const std::string& prefix,
                         const std::vector<ParamSpec>& params, const Preset* preset, std::vector<Parameter>& out) {
  // A map's own provenance covers its plain values: {width: 40, height: 40, source: …}.
  std::optional<Provenance> section_provenance;
  if (node && node.IsMap() && (node["source"] || node["assumption"] || node["calibrated"])) {
    Provenance p;
    if (read_provenance(node, prefix, p)) section_provenance = p;
  }
  for (const auto& spec : params) {
    const std::string path = prefix + "." + spec.key;
    if (node && node.IsMap() && node[spec.key]) {
      if (!spec.keyed_by.empty())
        read_keyed(node[spec.key], spec, path, section_provenance, out);
      else if (auto param = read_param(node[spec.key], spec, path, section_provenance))
        out.push_back(std::move(*param));
      continue;
    }
    if (spec.optional || !spec.keyed_by.empty()) continue;  // absent: no value at all
    Parameter param;
    param.path = path;
    param.spec = &spec;
    param.where.file = file_;
    if (preset && preset->values.count(path)) {
      param.value = preset->values.at(path);
      param.provenance.kind = Provenance::Kind::preset;
      param.provenance.reason = preset->name;
    } else if (spec.default_value) {
      param.value = *spec.default_value;
      param.provenance.kind = Provenance::Kind::builtin_default;
      param.provenance.reason = spec.default_reason;
    } else {
      problem(node ? node : root, path,
              "missing required key '" + spec.key + "' (expected " + describe_type(spec) + ": " + spec.description + ")");
      continue;
    }
    out.push_back(std::move(param));
  }
}

void Loader::read_keyed(const YAML::Node& node, const ParamSpec& spec, const std::string& path,
                        const std::optional<Provenance>& section_provenance, std::vector<Parameter>& out) {
  ParamSpec key_spec{.key = spec.key,
                     .type = ValueType::name,
                     .collection = spec.keyed_by == kKeyedByEventNames ? "" : spec.keyed_by};
  if (!node.IsMap()) {
    problem(node, path,
            "expected a map from " +
                (spec.keyed_by == kKeyedByEventNames ? spec.keyed_by : spec.keyed_by + " names") + " to " +
                describe_type(spec) + ", found " + found_text(node));
    return;
  }
  std::optional<Provenance> map_provenance = section_provenance;
  if (node["source"] || node["assumption"] || node["calibrated"]) {
    Provenance p;
    if (read_provenance(node, path, p)) map_provenance = p;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (key == "source" || key == "assumption" || key == "calibrated") continue;
    if (!read_scalar(kv.first, key_spec, path + "." + key)) continue;
    if (auto param = read_param(kv.second, spec, path + "." + key, map_provenance)) out.push_back(std::move(*param));
  }
}

void Loader::read_entries(const YAML::Node& root, const CollectionSpec& collection) {
  auto& entries = entries_[collection.key];
  const YAML::Node node = root[collection.key];
  if (!node || node.IsNull()) {
    if (collection.min_entries > 0)
      problem(root, collection.key,
              "missing required key '" + collection.key + "' (" + collection.description + ")");
    return;
  }
  if (!node.IsMap()) {
    problem(node, collection.key,
            "expected a map of " + collection.key + ", each under a name of your choice, found " +
                found_text(node));
    return;
  }
  std::vector<std::string> kind_names;
  for (const auto& k : collection.kinds) kind_names.push_back(k.name);
  ParamSpec kind_spec{.key = "kind", .type = ValueType::choice, .choices = kind_names};
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    const std::string path = collection.key + "." + name;
    if (!seen.insert(name).second) {
      problem(kv.first, path, "duplicate name '" + name + "' in '" + collection.key + "'");
      continue;
    }
    if (!valid_entry_name(name)) {
      problem(kv.first, path,
              "'" + name + "' is not a usable name: expected lower-case letters, digits and _, starting with a "
              "letter (at most 48 characters)");
      continue;
    }
    if (!kv.second.IsMap()) {
      problem(kv.second, path, "expected a map of the parameters of '" + name + "', found " + found_text(kv.second));
      continue;
    }
    Entry entry{name, collection.kinds.front().name, where(kv.first, path)};
    if (collection.kinds.size() > 1) {
      if (!kv.second["kind"]) {
        problem(kv.second, path + ".kind", "missing required key 'kind' (expected " + describe_type(kind_spec) + ")");
        continue;
      }
      const auto kind = read_scalar(kv.second["kind"], kind_spec, path + ".kind");
      if (!kind) continue;
      entry.kind = std::get<std::string>(*kind);
    }
    entries.push_back(std::move(entry));
  }
  if (entries.size() < collection.min_entries)
    problem(node, collection.key,
            "expected at least " + std::to_string(collection.min_entries) + " entries, found " +
                std::to_string(entries.size()));
  for (const auto& kind : collection.kinds) {
    const auto n = static_cast<std::size_t>(
        std::count_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.kind == kind.name; }));
    if (n < kind.min_count)
      problem(node, collection.key,
              "expected at least " + std::to_string(kind.min_count) + " of kind '" + kind.name + "', found " +
                  std::to_string(n));
    if (n > kind.max_count)
      problem(node, collection.key,
              "expected at most " + std::to_string(kind.max_count) + " of kind '" + kind.name + "', found " +
                  std::to_string(n));
  }
}

void Loader::read_collection(const YAML::Node& root, const CollectionSpec& collection, std::vector<Parameter>& out) {
  const YAML::Node node = root[collection.key];
  for (const auto& entry : entries_[collection.key]) {
    const EntryKind* kind = collection.kind(entry.kind);
    const std::string prefix = collection.key + "." + entry.name;
    const YAML::Node entry_node = node[entry.name];
    read_params(root, entry_node, prefix, kind->params, nullptr, out);
    std::vector<std::string> known = keys_of(kind->params);
    known.insert(known.end(), {"source", "assumption", "calibrated"});
    if (collection.kinds.size() > 1) known.push_back("kind");
    std::vector<const SectionSpec*> none;
    reject_unknown_keys(entry_node, prefix, known, none);
  }
}

std::optional<std::int64_t> Loader::read_tick(const YAML::Node& node, const std::string& path, Date start) {
  if (node.IsScalar()) {
    if (auto date = Date::parse_iso(node.Scalar())) {
      const std::int64_t tick = date->days_since_epoch() - start.days_since_epoch();
      if (tick < 1) {
        problem(node, path, "expected a date after the start date " + start.iso() + ", found '" + node.Scalar() + "'");
        return std::nullopt;
      }
      return tick;
    }
    long long tick = 0;
    if (YAML::convert<long long>::decode(node, tick) && tick >= 1) return tick;
  }
  problem(node, path, "expected a tick (a whole number ≥ 1) or a date YYYY-MM-DD, found " + found_text(node));
  return std::nullopt;
}

std::optional<ScheduledRecord> Loader::read_record(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    problem(node, path,
            "expected {kind: ..., actor: ..., target: ..., region: ..., killed: n, ...}, found " + found_text(node));
    return std::nullopt;
  }
  reject_unknown_keys(node, path, {"kind", "actor", "target", "region", "target_actor", "killed", "wounded", "arrested"},
                      {});
  ScheduledRecord r;
  bool ok = true;
  for (auto [key, field] : {std::pair{"kind", &r.kind}, std::pair{"actor", &r.actor}, std::pair{"target", &r.target},
                            std::pair{"region", &r.region}, std::pair{"target_actor", &r.target_actor}}) {
    const YAML::Node value = node[key];
    const bool required = std::string(key) != "target_actor";
    if (!value) {
      if (required) {
        problem(node, path + "." + key, std::string("missing required key '") + key + "' (a name of the events vocabulary)");
        ok = false;
      }
      continue;
    }
    if (!value.IsScalar()) {
      problem(value, path + "." + key, "expected a name of the events vocabulary, found " + found_text(value));
      ok = false;
      continue;
    }
    *field = value.Scalar();
  }
  const ParamSpec count_spec{.key = "count", .type = ValueType::integer, .min = 0, .max = 1e9};
  for (auto [key, field] : {std::pair{"killed", &r.killed}, std::pair{"wounded", &r.wounded},
                            std::pair{"arrested", &r.arrested}}) {
    if (!node[key]) continue;
    const auto n = read_scalar(node[key], count_spec, path + "." + key);
    if (!n) {
      ok = false;
      continue;
    }
    *field = std::get<std::int64_t>(*n);
  }
  if (!ok) return std::nullopt;
  return r;
}

std::vector<ScheduledEvent> Loader::read_events(const YAML::Node& list, const ModelSchema* model, Date start,
                                                const std::vector<Parameter>& params) {
  std::vector<ScheduledEvent> events;
  if (!list || list.IsNull()) return events;
  if (!list.IsSequence()) {
    problem(list, kEventsKey, "expected a list of events, found " + found_text(list));
    return events;
  }
  static const std::vector<std::string> event_keys = {"name", "at", "set", "ramp", "remove_share", "record", "repeat",
                                                      "source", "assumption", "calibrated"};
  const auto schedulable = [&](const std::string& path) -> const Parameter* {
    for (const auto& p : params)
      if (p.path == path && p.spec->schedulable) return &p;
    return nullptr;
  };
  std::vector<std::string> schedulable_paths;
  for (const auto& p : params)
    if (p.spec->schedulable) schedulable_paths.push_back(p.path);
  const auto schedulable_list = [&] {
    std::string s;
    for (const auto& p : schedulable_paths) s += (s.empty() ? "" : ", ") + p;
    return s.empty() ? std::string("none in this model") : s;
  };
  const auto check_target = [&](const YAML::Node& key_node, const std::string& target, const std::string& at) {
    if (schedulable(target)) return true;
    const std::string guess = closest_match(target, schedulable_paths);
    problem(key_node, at,
            "'" + target + "' is not a parameter events may change" +
                (guess.empty() ? "" : "; did you mean '" + guess + "'?") + " (expected one of: " + schedulable_list() + ")");
    return false;
  };
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node e = list[i];
    const std::string path = std::string(kEventsKey) + "[" + std::to_string(i) + "]";
    if (!e.IsMap()) {
      problem(e, path, "expected an event map with name, at and one of set | ramp | remove_share, found " + found_text(e));
      continue;
    }
    reject_unknown_keys(e, path, event_keys, {});
    ScheduledEvent ev;
    ev.where = where(e, path);
    bool ok = true;
    if (!e["name"] || !e["name"].IsScalar() || e["name"].Scalar().empty()) {
      problem(e["name"] ? e["name"] : e, path + ".name", "expected a short name for the event, found " + found_text(e["name"]));
      ok = false;
    } else {
      ev.name = e["name"].Scalar();
    }
    if (!e["at"]) {
      problem(e, path + ".at", "missing required key 'at' (expected a tick or a date)");
      ok = false;
    } else if (auto tick = read_tick(e["at"], path + ".at", start)) {
      ev.at_tick = *tick;
    } else {
      ok = false;
    }
    const int actions = (e["set"] ? 1 : 0) + (e["ramp"] ? 1 : 0) + (e["remove_share"] ? 1 : 0);
    if (actions > 1 || (actions == 0 && !e["record"])) {
      problem(e, path,
              "expected one of set, ramp or remove_share (and, for an action, record), found " +
                  std::to_string(actions) + (e["record"] ? " and record" : ""));
      continue;
    }
    if (const YAML::Node record = e["record"]) {
      ev.record = read_record(record, path + ".record");
      if (!ev.record) continue;
      ev.action = ScheduledEvent::Action::record_only;
    }
    // A set may change several conditions at once (a new cabinet changes several policies); each
    // becomes its own scheduled change sharing the event's name, date and provenance.
    std::vector<std::pair<std::string, double>> extra_sets;
    if (const YAML::Node set = e["set"]) {
      ev.action = ScheduledEvent::Action::set;
      if (!set.IsMap() || set.size() == 0) {
        problem(set, path + ".set", "expected {parameter.path: value, ...}, found " + found_text(set));
        continue;
      }
      bool all_valid = true;
      for (const auto& kv : set) {
        const std::string target = kv.first.as<std::string>();
        if (!check_target(kv.first, target, path + ".set")) {
          all_valid = false;
          continue;
        }
        const auto value = read_scalar(kv.second, *schedulable(target)->spec, path + ".set." + target);
        if (!value) {
          all_valid = false;
          continue;
        }
        if (ev.target.empty()) {
          ev.target = target;
          ev.value = std::get<double>(*value);
        } else {
          extra_sets.emplace_back(target, std::get<double>(*value));
        }
      }
      if (!all_valid) continue;
    } else if (const YAML::Node ramp = e["ramp"]) {
      ev.action = ScheduledEvent::Action::ramp;
      if (!ramp.IsMap()) {
        problem(ramp, path + ".ramp", "expected {path: ..., to: value, over: ticks}, found " + found_text(ramp));
        continue;
      }
      reject_unknown_keys(ramp, path + ".ramp", {"path", "to", "over"}, {});
      if (!ramp["path"] || !ramp["to"] || !ramp["over"]) {
        problem(ramp, path + ".ramp", "expected all of path, to and over");
        continue;
      }
      ev.target = ramp["path"].as<std::string>();
      if (!check_target(ramp["path"], ev.target, path + ".ramp.path")) continue;
      const auto value = read_scalar(ramp["to"], *schedulable(ev.target)->spec, path + ".ramp.to");
      ParamSpec over_spec{.key = "over", .type = ValueType::integer, .min = 1, .max = 10'000'000};
      const auto over = read_scalar(ramp["over"], over_spec, path + ".ramp.over");
      if (!value || !over) continue;
      ev.value = std::get<double>(*value);
      ev.duration = std::get<std::int64_t>(*over);
    } else if (const YAML::Node removal = e["remove_share"]) {
      ev.action = ScheduledEvent::Action::remove_share;
      if (!removal.IsMap()) {
        problem(removal, path + ".remove_share", "expected {population: ..., share: s}, found " + found_text(removal));
        continue;
      }
      reject_unknown_keys(removal, path + ".remove_share", {"population", "share"}, {});
      std::vector<std::string> populations = model ? model->removable_populations : std::vector<std::string>{};
      ParamSpec population_spec{.key = "population", .type = ValueType::choice, .choices = populations};
      ParamSpec share_spec{.key = "share", .type = ValueType::real, .min = 0, .max = 1, .min_exclusive = true};
      if (!removal["population"] || !removal["share"]) {
        problem(removal, path + ".remove_share", "expected both population and share");
        continue;
      }
      const auto population = read_scalar(removal["population"], population_spec, path + ".remove_share.population");
      const auto share = read_scalar(removal["share"], share_spec, path + ".remove_share.share");
      if (!population || !share) continue;
      ev.target = std::get<std::string>(*population);
      ev.value = std::get<double>(*share);
    }
    if (const YAML::Node repeat = e["repeat"]) {
      if (!repeat.IsMap()) {
        problem(repeat, path + ".repeat", "expected {every: N, times: M}, found " + found_text(repeat));
        continue;
      }
      reject_unknown_keys(repeat, path + ".repeat", {"every", "times"}, {});
      ParamSpec every_spec{.key = "every", .type = ValueType::integer, .min = 1, .max = 10'000'000};
      ParamSpec times_spec{.key = "times", .type = ValueType::integer, .min = 1, .max = 1'000'000};
      const auto every = repeat["every"] ? read_scalar(repeat["every"], every_spec, path + ".repeat.every") : std::nullopt;
      const auto times = repeat["times"] ? read_scalar(repeat["times"], times_spec, path + ".repeat.times") : std::nullopt;
      if (!every || !times) {
        if (!repeat["every"] || !repeat["times"]) problem(repeat, path + ".repeat", "expected both every and times");
        continue;
      }
      ev.every = std::get<std::int64_t>(*every);
      ev.times = std::get<std::int64_t>(*times);
    }
    if (e["source"] || e["assumption"] || e["calibrated"]) read_provenance(e, path, ev.provenance);
    if (!ok) continue;
    for (const auto& [target, value] : extra_sets) {
      ScheduledEvent also = ev;
      also.record.reset();  // the action is recorded once, with the event's first change
      also.target = target;
      also.value = value;
      events.push_back(std::move(also));
    }
    events.insert(events.end() - static_cast<std::ptrdiff_t>(extra_sets.size()), std::move(ev));
  }
  return events;
}

void Loader::check_records(const Scenario& scenario, const EventCategories& vocabulary) {
  for (std::size_t i = 0; i < scenario.events().size(); ++i) {
    const ScheduledEvent& ev = scenario.events()[i];
    if (!ev.record) continue;
    const auto check = [&](const std::string& field, const std::string& name, const std::vector<std::string>& known) {
      if (name.empty() || std::find(known.begin(), known.end(), name) != known.end()) return;
      const std::string guess = closest_match(name, known);
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      problems_.push_back({ev.where, "events[" + ev.name + "].record." + field,
                           "'" + name + "' is not a" + (field == "actor" || field == "target_actor" ? "n " : " ") +
                               field + " of this scenario's events" +
                               (guess.empty() ? " (expected one of: " + list + ")" : "; did you mean '" + guess + "'?")});
    };
    check("kind", ev.record->kind, vocabulary.kinds);
    check("actor", ev.record->actor, vocabulary.actors);
    check("target", ev.record->target, vocabulary.targets);
    check("region", ev.record->region, vocabulary.regions);
    check("target_actor", ev.record->target_actor, vocabulary.actors);
  }
}

namespace {

// Child values replace the base's; maps merge key by key, except a parameter written with its
// provenance ({value, source|assumption}), which the child replaces whole. Events are matched by
// name: `{name: X, omit: true}` drops the base's event X, an event with the name of a base event
// replaces it, any other is added.
YAML::Node merge_onto(const YAML::Node& base, const YAML::Node& child, const std::string& file) {
  // New containers hold the original nodes, so every value keeps its line and column for errors.
  if (!base.IsMap() || !child.IsMap() || child["value"]) return child;
  YAML::Node out(YAML::NodeType::Map);
  const auto omits = [](const YAML::Node& node) {
    return node.IsMap() && node.size() == 1 && node["omit"] && node["omit"].IsScalar() && node["omit"].Scalar() == "true";
  };
  for (const auto& kv : child)
    if (omits(kv.second) && !base[kv.first.Scalar()])
      throw InputError({{{file, kv.first.Mark().line + 1, kv.first.Mark().column + 1, ""}, kv.first.Scalar(),
                         "omit names nothing of the base scenario: '" + kv.first.Scalar() + "'"}});
  // The base's keys keep their order (regions and actors are output in file order, so a variant's
  // files line up with its base's); the child's new keys follow. force_insert keeps the original
  // key nodes (and their marks); keys are unique by construction.
  for (const auto& kv : base) {
    const std::string key = kv.first.Scalar();
    const YAML::Node replacement = child[key];
    if (!replacement)
      out.force_insert(kv.first, kv.second);
    else if (!omits(replacement) && key != kEventsKey)
      out.force_insert(kv.first, merge_onto(kv.second, replacement, file));
  }
  for (const auto& kv : child) {
    const std::string key = kv.first.Scalar();
    if (base[key] && key != kEventsKey) continue;  // merged above
    if (key == kEventsKey && kv.second.IsSequence() && base[key] && base[key].IsSequence()) {
      YAML::Node events(YAML::NodeType::Sequence);
      std::vector<YAML::Node> additions;
      std::set<std::string> replaced, omitted;
      for (const auto& e : kv.second) {
        const std::string name = e.IsMap() && e["name"] ? e["name"].Scalar() : "";
        bool known = false;
        for (const auto& b : base[key]) known = known || (b.IsMap() && b["name"] && b["name"].Scalar() == name);
        if (e.IsMap() && e["omit"]) {
          if (!known)
            throw InputError({{{file, e.Mark().line + 1, e.Mark().column + 1, ""}, "events",
                               "omit names no event of the base scenario: '" + name + "'"}});
          omitted.insert(name);
        } else {
          if (known) replaced.insert(name);
          additions.push_back(e);
        }
      }
      for (const auto& b : base[key]) {
        const std::string name = b.IsMap() && b["name"] ? b["name"].Scalar() : "";
        if (!omitted.count(name) && !replaced.count(name)) events.push_back(b);
      }
      for (const auto& e : additions) events.push_back(e);
      out.force_insert(kv.first, events);
    } else {
      out.force_insert(kv.first, base[key] ? merge_onto(base[key], kv.second, file) : kv.second);
    }
  }
  return out;
}

// Applies `extends: FILE` (relative to the extending file), following chains of at most 8 files.
YAML::Node resolve_extends(const YAML::Node& root, const std::string& file, int depth = 0) {
  if (!root.IsMap() || !root["extends"]) return root;
  const YAML::Node target = root["extends"];
  const SourceLocation loc{file, target.Mark().line + 1, target.Mark().column + 1, ""};
  if (!target.IsScalar()) throw InputError({{loc, "extends", "expected the path of a scenario file"}});
  constexpr int kMaxExtends = 8;
  if (depth >= kMaxExtends)
    throw InputError({{loc, "extends", "more than 8 scenarios extend one another (a cycle?)"}});
  const std::filesystem::path base_path = std::filesystem::path(file).parent_path() / target.Scalar();
  if (!std::filesystem::is_regular_file(base_path))
    throw InputError({{loc, "extends", "cannot read the base scenario " + base_path.string()}});
  const std::string text = read_input_file(base_path.string(), "base scenario");
  const YAML::Node base = resolve_extends(parse_input_yaml(text, base_path.string()), base_path.string(), depth + 1);
  if (!base.IsMap()) throw InputError({{loc, "extends", base_path.string() + " is not a scenario (a YAML map)"}});
  YAML::Node child(YAML::NodeType::Map);
  for (const auto& kv : root)
    if (kv.first.Scalar() != "extends") child.force_insert(kv.first, kv.second);
  return merge_onto(base, child, file);
}

}  // namespace

ScenarioPtr Loader::load(const std::string& original_text, const LoadOptions& options) {
  YAML::Node root = parse_input_yaml(original_text, file_);
  std::string text = original_text;
  const YAML::Node& view = root;  // const access: looking up must never insert the key
  if (view.IsMap() && view["extends"]) {
    // What a run records must re-run without the base file: the resolved scenario, as YAML.
    const std::string from = view["extends"].IsScalar() ? view["extends"].Scalar() : "?";
    root = resolve_extends(root, file_);
    YAML::Emitter out;
    out << YAML::Comment(file_ + " with its base " + from + " merged in") << root;
    text = std::string(out.c_str()) + "\n";
  }
  if (!root.IsMap()) {
    SourceLocation loc{file_, 0, 0, ""};
    throw InputError({{loc, "",
                       "expected a scenario: a YAML map with keys confsim, name, model, calendar …, found " +
                           (root.IsNull() ? std::string("an empty document") : found_text(root))}});
  }
  for (const auto& assignment : options.overrides) apply_override(root, assignment);
  if (options.ticks) apply_override(root, "calendar.ticks=" + std::to_string(*options.ticks));
  if (!problems_.empty()) throw InputError(problems_);
  const YAML::Node& croot = root;  // const from here on: reading must never insert keys
  return build(croot, options, text);
}

ScenarioPtr Loader::build(const YAML::Node& root, const LoadOptions& options, const std::string& text) {
  // The model decides which sections exist, so it is read first.
  ParamSpec model_spec = top_level_params()[3];
  for (const ModelSchema* m : models_) model_spec.choices.push_back(m->name);
  const ModelSchema* model = nullptr;
  if (!root["model"]) {
    problem(root, "model", "missing required key 'model' (expected " + describe_type(model_spec) + ")");
  } else if (auto value = read_scalar(root["model"], model_spec, "model")) {
    for (const ModelSchema* m : models_)
      if (m->name == std::get<std::string>(*value)) model = m;
  }

  std::vector<const SectionSpec*> sections;
  for (const auto& s : common_sections()) sections.push_back(&s);
  if (model)
    for (const auto& s : model->sections) sections.push_back(&s);

  // A section key may be dotted ("grid.torus"): every map on the way holds only known children.
  std::map<std::string, std::vector<std::string>> children_of;  // by parent path; "" is the root
  for (const auto& key : keys_of(top_level_params())) children_of[""].push_back(key);
  children_of[""].push_back(kEventsKey);
  if (model)
    for (const auto& collection : model->collections) children_of[""].push_back(collection.key);
  for (const SectionSpec* s : sections) {
    std::string parent;
    std::stringstream parts(s->key);
    for (std::string part; std::getline(parts, part, '.');) {
      auto& known = children_of[parent];
      if (std::find(known.begin(), known.end(), part) == known.end()) known.push_back(part);
      parent = parent.empty() ? part : parent + "." + part;
    }
  }
  if (model)
    for (const auto& entry : children_of) {
      // Named references rather than a structured binding: lambdas below capture them (clang 14).
      const std::string& parent = entry.first;
      const std::vector<std::string>& known = entry.second;
      if (parent.empty()) {
        reject_unknown_keys(root, "", known, sections);
        continue;
      }
      if (std::any_of(sections.begin(), sections.end(), [&](const SectionSpec* s) { return s->key == parent; }))
        continue;  // a section checks its own keys
      const YAML::Node node = node_at(root, parent);
      if (node && !node.IsMap())
        problem(node, parent, "expected a map with keys " + [&] {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          return list;
        }() + ", found " + found_text(node));
      else if (node)
        reject_unknown_keys(node, parent, known, sections);
    }

  Scenario::Contents c;
  c.file = file_;
  c.text = text;
  for (const auto& assignment : options.overrides) {
    const auto eq = assignment.find('=');
    c.overrides.push_back({assignment.substr(0, eq), assignment.substr(eq + 1)});
  }
  if (options.ticks) c.overrides.push_back({"calendar.ticks", std::to_string(*options.ticks)});

  for (const ParamSpec& spec : top_level_params()) {
    if (spec.key == "model") continue;
    ParamSpec effective = spec;
    if (spec.key == "preset" && model)
      for (const auto& p : model->presets) effective.choices.push_back(p.name);
    const YAML::Node node = root[spec.key];
    if (!node) {
      if (!spec.default_value && !spec.optional)
        problem(root, spec.key, "missing required key '" + spec.key + "' (expected " + describe_type(spec) + ")");
      continue;
    }
    if (spec.key == "preset" && !model) continue;
    const auto value = read_scalar(node, effective, spec.key);
    if (!value) continue;
    if (spec.key == "name") c.name = std::get<std::string>(*value);
    if (spec.key == "description") c.description = std::get<std::string>(*value);
    if (spec.key == "preset") c.preset = std::get<std::string>(*value);
    if (spec.key == "seed") c.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(*value));
  }
  if (!model) throw InputError(problems_);
  c.model = model->name;

  for (const auto& collection : model->collections) read_entries(root, collection);
  for (const SectionSpec* s : sections) read_section(root, *s, model, sections, c.parameters);
  for (const auto& collection : model->collections) read_collection(root, collection, c.parameters);
  c.collections = entries_;
  for (const auto& p : c.parameters) {
    if (p.path == "calendar.start_date") c.start_date = *Date::parse_iso(std::get<std::string>(p.value));
    if (p.path == "calendar.ticks") c.ticks = std::get<std::int64_t>(p.value);
  }
  c.events = read_events(root[kEventsKey], model, c.start_date, c.parameters);
  if (!problems_.empty()) throw InputError(problems_);

  auto scenario = std::make_shared<const Scenario>(std::move(c));
  if (model->event_vocabulary) check_records(*scenario, model->event_vocabulary(*scenario));
  if (!problems_.empty()) throw InputError(problems_);
  if (model->cross_check) {
    auto more = model->cross_check(*scenario);
    if (!more.empty()) throw InputError(std::move(more));
  }
  return scenario;
}

}  // namespace

std::string Provenance::describe() const {
  switch (kind) {
    case Kind::source: return "source: " + document + ": \"" + quote + "\"";
    case Kind::assumption: return "assumption: " + reason;
    case Kind::calibrated: return "calibrated: " + reason;
    case Kind::unannotated: return "set in the file without source or assumption";
    case Kind::preset: return "preset " + reason;
    case Kind::builtin_default: return "default" + (reason.empty() ? std::string() : ": " + reason);
    case Kind::override_: return "override --set " + reason;
  }
  return "?";
}

std::vector<std::int64_t> ScheduledEvent::occurrences() const {
  std::vector<std::int64_t> ticks;
  for (std::int64_t k = 0; k < (every > 0 ? times : 1); ++k) ticks.push_back(at_tick + k * every);
  return ticks;
}

Scenario::Scenario(Contents contents) : c_(std::move(contents)) {
  for (std::size_t i = 0; i < c_.parameters.size(); ++i) index_[c_.parameters[i].path] = i;
}

const Parameter& Scenario::parameter(const std::string& path) const {
  const auto it = index_.find(path);
  if (it == index_.end()) throw std::out_of_range("no scenario parameter '" + path + "'");
  return c_.parameters[it->second];
}
double Scenario::real(const std::string& path) const { return std::get<double>(parameter(path).value); }
std::int64_t Scenario::integer(const std::string& path) const { return std::get<std::int64_t>(parameter(path).value); }
bool Scenario::flag(const std::string& path) const { return std::get<bool>(parameter(path).value); }
const std::string& Scenario::word(const std::string& path) const { return std::get<std::string>(parameter(path).value); }
const Names& Scenario::names(const std::string& path) const { return std::get<Names>(parameter(path).value); }
bool Scenario::has(const std::string& path) const { return index_.count(path) > 0; }

const std::vector<Entry>& Scenario::entries(const std::string& collection) const {
  static const std::vector<Entry> none;
  const auto it = c_.collections.find(collection);
  return it == c_.collections.end() ? none : it->second;
}

std::vector<std::pair<std::string, const Parameter*>> Scenario::keyed(const std::string& path) const {
  std::vector<std::pair<std::string, const Parameter*>> out;
  const std::string prefix = path + ".";
  for (const auto& p : c_.parameters)
    if (p.path.size() > prefix.size() && p.path.compare(0, prefix.size(), prefix) == 0 && p.spec &&
        !p.spec->keyed_by.empty() && p.path.find('.', prefix.size()) == std::string::npos)
      out.emplace_back(p.path.substr(prefix.size()), &p);
  return out;
}

ScenarioPtr load_scenario_text(const std::string& text, const std::string& display_name,
                               const std::vector<const ModelSchema*>& models, const LoadOptions& options) {
  return with_yaml_shape_errors(display_name, [&] { return Loader(display_name, models).load(text, options); });
}

ScenarioPtr load_scenario_file(const std::string& path, const std::vector<const ModelSchema*>& models,
                               const LoadOptions& options) {
  return load_scenario_text(read_input_file(path, "scenario file"), path, models, options);
}

}  // namespace confsim::sim
