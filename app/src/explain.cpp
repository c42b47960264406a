// `confsim explain`: every parameter of a loaded scenario with its value, range and provenance, as
// an aligned table for people or as JSON for programs (sweep builders, the parameter-space fuzzer).
#include <charconv>
#include <cmath>
#include <iomanip>
#include <ostream>

#include "confsim/app/commands.hpp"
#include "json_writer.hpp"
#include "confsim/sim/calendar.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::app {
namespace {

const char* type_name(sim::ValueType type) {
  switch (type) {
    case sim::ValueType::real: return "real";
    case sim::ValueType::integer: return "integer";
    case sim::ValueType::boolean: return "boolean";
    case sim::ValueType::choice: return "choice";
    case sim::ValueType::date: return "date";
    case sim::ValueType::text: return "text";
    case sim::ValueType::integer_or_keyword: return "integer_or_keyword";
    case sim::ValueType::name: return "name";
    case sim::ValueType::names: return "names";
  }
  return "?";
}

const char* provenance_kind(sim::Provenance::Kind kind) {
  switch (kind) {
    case sim::Provenance::Kind::source: return "source";
    case sim::Provenance::Kind::assumption: return "assumption";
    case sim::Provenance::Kind::calibrated: return "calibrated";
    case sim::Provenance::Kind::unannotated: return "unannotated";
    case sim::Provenance::Kind::preset: return "preset";
    case sim::Provenance::Kind::builtin_default: return "default";
    case sim::Provenance::Kind::override_: return "override";
  }
  return "?";
}

const char* action_name(sim::ScheduledEvent::Action action) {
  switch (action) {
    case sim::ScheduledEvent::Action::set: return "set";
    case sim::ScheduledEvent::Action::ramp: return "ramp";
    case sim::ScheduledEvent::Action::remove_share: return "remove_share";
    case sim::ScheduledEvent::Action::record_only: return "record";
  }
  return "?";
}

// A bound of a range: whole numbers for whole-number parameters, so that tools can pass it back
// to --set as it is.
void bound(Json& json, double x, const sim::ParamSpec& spec) {
  const bool whole = spec.type == sim::ValueType::integer || spec.type == sim::ValueType::integer_or_keyword;
  if (whole && std::isfinite(x))
    json.whole(static_cast<std::int64_t>(x));
  else
    json.number(x);
}

void value(Json& json, const sim::Value& v, const sim::ParamSpec& spec) {
  if (const auto* x = std::get_if<double>(&v)) return json.number(*x);
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    if (spec.type == sim::ValueType::integer_or_keyword && *i == sim::kKeywordValue) return json.string(spec.keyword);
    return json.whole(*i);
  }
  if (const auto* b = std::get_if<bool>(&v)) return json.boolean(*b);
  if (const auto* s = std::get_if<std::string>(&v)) return json.string(*s);
  json.open('[');
  for (const auto& name : std::get<sim::Names>(v)) {
    json.element();
    json.string(name);
  }
  json.close(']');
}

}  // namespace

void print_explanation(const sim::Scenario& scenario, std::ostream& out) {
  out << "scenario " << scenario.name() << " (" << scenario.file() << ")\n"
      << "model    " << scenario.model() << (scenario.preset().empty() ? "" : ", preset " + scenario.preset()) << "\n"
      << "seed     " << (scenario.seed() ? std::to_string(*scenario.seed()) : "none: drawn at run time") << "\n"
      << "calendar " << scenario.start_date().iso() << " + " << scenario.ticks() << " ticks (to "
      << sim::Clock(scenario.start_date()).date_of(scenario.ticks()).iso() << ")\n\n";
  const auto value_text = [](const sim::Parameter& p) {
    std::string value = sim::describe_value(p.value, *p.spec);
    if (!p.spec->unit.empty() && value != p.spec->keyword) value += " " + p.spec->unit;
    return value;
  };
  std::size_t path_width = 9, value_width = 5;
  for (const auto& p : scenario.parameters()) {
    path_width = std::max(path_width, p.path.size());
    value_width = std::max(value_width, value_text(p).size());
  }
  const auto path_column = static_cast<int>(path_width + 2), value_column = static_cast<int>(value_width + 2);
  out << std::left << std::setw(path_column) << "parameter" << std::setw(value_column) << "value" << "provenance\n";
  for (const auto& p : scenario.parameters())
    out << std::setw(path_column) << p.path << std::setw(value_column) << value_text(p) << p.provenance.describe()
        << "\n";
  if (!scenario.events().empty()) {
    out << "\nscheduled events\n";
    const sim::Clock clock(scenario.start_date());
    for (const auto& ev : scenario.events()) {
      out << "  tick " << ev.at_tick << " (" << clock.date_of(ev.at_tick).iso() << ")  " << ev.name << ": ";
      switch (ev.action) {
        case sim::ScheduledEvent::Action::set: out << "set " << ev.target << " = " << ev.value; break;
        case sim::ScheduledEvent::Action::ramp:
          out << "ramp " << ev.target << " to " << ev.value << " over " << ev.duration << " ticks";
          break;
        case sim::ScheduledEvent::Action::remove_share: out << "remove " << ev.value << " of " << ev.target; break;
        case sim::ScheduledEvent::Action::record_only: break;
      }
      if (ev.record)
        out << (ev.action == sim::ScheduledEvent::Action::record_only ? "" : "; ") << "record " << ev.record->kind
            << " by " << ev.record->actor << " on " << ev.record->target << " in " << ev.record->region;
      if (ev.every > 0) out << ", every " << ev.every << " ticks, " << ev.times << " times";
      if (ev.provenance.kind == sim::Provenance::Kind::source || ev.provenance.kind == sim::Provenance::Kind::assumption ||
          ev.provenance.kind == sim::Provenance::Kind::calibrated)
        out << "  [" << ev.provenance.describe() << "]";
      out << "\n";
    }
  }
}

void print_explanation_json(const sim::Scenario& scenario, std::ostream& out) {
  Json json(out);
  json.open('{');
  json.key("scenario"), json.string(scenario.name());
  json.key("file"), json.string(scenario.file());
  json.key("model"), json.string(scenario.model());
  json.key("preset"), scenario.preset().empty() ? json.null() : json.string(scenario.preset());
  json.key("seed");
  if (scenario.seed())
    json.whole(static_cast<std::int64_t>(*scenario.seed()));
  else
    json.null();
  json.key("start_date"), json.string(scenario.start_date().iso());
  json.key("ticks"), json.whole(scenario.ticks());
  json.key("parameters");
  json.open('[');
  for (const auto& p : scenario.parameters()) {
    const auto& spec = *p.spec;
    json.element(",\n  ");
    json.open('{');
    json.key("path"), json.string(p.path);
    json.key("type"), json.string(type_name(spec.type));
    json.key("value"), value(json, p.value, spec);
    json.key("unit"), json.string(spec.unit);
    const bool numeric = spec.type == sim::ValueType::real || spec.type == sim::ValueType::integer ||
                         spec.type == sim::ValueType::integer_or_keyword;
    if (numeric) {
      json.key("min"), bound(json, spec.min, spec);
      json.key("max"), bound(json, spec.max, spec);
      json.key("min_open"), json.boolean(spec.min_exclusive);
      json.key("max_open"), json.boolean(spec.max_exclusive);
    }
    if (!spec.choices.empty()) {
      json.key("choices");
      json.open('[');
      for (const auto& c : spec.choices) json.element(), json.string(c);
      json.close(']');
    }
    if (spec.type == sim::ValueType::integer_or_keyword) json.key("keyword"), json.string(spec.keyword);
    if (!spec.collection.empty()) json.key("collection"), json.string(spec.collection);
    json.key("schedulable"), json.boolean(spec.schedulable);
    json.key("description"), json.string(spec.description);
    json.key("provenance");
    json.open('{');
    json.key("kind"), json.string(provenance_kind(p.provenance.kind));
    if (!p.provenance.document.empty()) json.key("document"), json.string(p.provenance.document);
    if (!p.provenance.quote.empty()) json.key("quote"), json.string(p.provenance.quote);
    if (!p.provenance.reason.empty()) json.key("reason"), json.string(p.provenance.reason);
    json.close('}');
    if (p.where.line > 0) json.key("line"), json.whole(p.where.line);
    json.close('}');
  }
  json.close(']');
  json.key("events");
  json.open('[');
  for (const auto& ev : scenario.events()) {
    json.element(",\n  ");
    json.open('{');
    json.key("name"), json.string(ev.name);
    json.key("tick"), json.whole(ev.at_tick);
    json.key("action"), json.string(action_name(ev.action));
    if (ev.action != sim::ScheduledEvent::Action::record_only) {
      json.key("target"), json.string(ev.target);
      json.key("value"), json.number(ev.value);
    }
    if (ev.action == sim::ScheduledEvent::Action::ramp) json.key("duration"), json.whole(ev.duration);
    if (ev.every > 0) json.key("every"), json.whole(ev.every), json.key("times"), json.whole(ev.times);
    if (ev.record) {
      json.key("record");
      json.open('{');
      json.key("kind"), json.string(ev.record->kind);
      json.key("actor"), json.string(ev.record->actor);
      json.key("target"), json.string(ev.record->target);
      json.key("region"), json.string(ev.record->region);
      json.close('}');
    }
    json.close('}');
  }
  json.close(']');
  json.close('}');
  out << "\n";
}

}  // namespace confsim::app
