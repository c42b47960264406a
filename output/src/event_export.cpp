// A run's /events in ACLED's and UCDP GED's terms, through the crosswalk its /vocabulary carries.
#include <algorithm>
#include <map>
#include <ostream>
#include <stdexcept>
#include <tuple>

#include "confsim/output/event_data.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::output {
namespace {

constexpr std::int32_t kProtesters = 6, kCivilians = 7;
constexpr std::int32_t kStateForces = 1, kExternal = 8;

const EventVocabulary::Named& named(const std::map<std::string, EventVocabulary::Named>& table, const std::string& name,
                                    const std::string& path) {
  const auto it = table.find(name);
  if (it == table.end()) throw std::runtime_error(path + ": /vocabulary does not map '" + name + "'");
  return it->second;
}

std::string admin1_of(const EventVocabulary& v, const std::string& region) {
  const auto it = v.admin1.find(region);
  return it == v.admin1.end() ? "" : it->second;
}

// Who was acted upon: the actor when the row names one, else the target.
const EventVocabulary::Named& acted_upon(const EventRow& row, const EventVocabulary& v, const std::string& path) {
  if (!row.target_actor.empty() && row.target_actor != "none") return named(v.actors, row.target_actor, path);
  return named(v.targets, row.target, path);
}

std::string describe_row(const EventRow& row) {
  std::string text = row.kind + " by " + row.actor + " on " + row.target;
  if (!row.target_actor.empty() && row.target_actor != "none") text += " (" + row.target_actor + ")";
  return text;
}

// ACLED's disorder type follows from the event type (Codebook 2023, "disorder_type").
std::string disorder_type(const AcledEvent& e) {
  if (e.event_type == "Strategic developments") return "Strategic developments";
  if (e.event_type == "Riots" || e.sub_event_type == "Excessive force against protesters")
    return "Political violence; Demonstrations";
  if (e.event_type == "Protests") return "Demonstrations";
  return "Political violence";
}

int interaction(std::int32_t a, std::int32_t b) {
  if (b == 0) return a * 10;
  return std::min(a, b) * 10 + std::max(a, b);
}

// A protest and what was done to it that day in that region, gathered into one ACLED event.
struct ProtestDay {
  std::size_t first_row = 0;
  const EventRow* protest = nullptr;           // the movement's own row, when it protested
  std::vector<const EventRow*> interventions;  // rows acting on the protesters
};

std::vector<AcledEvent> acled_view(const EventTable& table, const EventVocabulary& v, const sim::Clock& clock,
                                   const std::string& path) {
  const auto acled_type = [&](const std::string& kind) {
    const auto it = v.acled_types.find(kind);
    if (it == v.acled_types.end()) throw std::runtime_error(path + ": /vocabulary has no ACLED type for " + kind);
    return it->second;
  };
  const auto on_protesters = [&](const EventRow& row) { return acted_upon(row, v, path).type == kProtesters; };
  const auto by_protesters = [&](const EventRow& row) {
    return named(v.actors, row.actor, path).type == kProtesters && acled_type(row.kind).first == "Protests";
  };
  std::map<std::pair<std::int64_t, std::string>, ProtestDay> days;
  std::vector<std::pair<std::size_t, AcledEvent>> ordered;  // by the row that starts each event
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const EventRow& row = table.rows[i];
    if (by_protesters(row) || on_protesters(row)) {
      auto [it, fresh] = days.try_emplace({row.tick, row.region});
      if (fresh) it->second.first_row = i;
      if (by_protesters(row))
        it->second.protest = &row;
      else
        it->second.interventions.push_back(&row);
      continue;
    }
    AcledEvent e;
    e.tick = row.tick;
    e.date = clock.date_of(row.tick);
    std::tie(e.event_type, e.sub_event_type) = acled_type(row.kind);
    const auto& actor = named(v.actors, row.actor, path);
    const auto& other = acted_upon(row, v, path);
    e.actor1 = actor.name;
    e.assoc_actor_1 = actor.associate;
    e.inter1 = actor.type;
    e.actor2 = other.name;
    e.assoc_actor_2 = other.associate;
    e.inter2 = other.type;
    e.admin1 = admin1_of(v, row.region);
    e.fatalities = row.killed;
    e.participants = row.participants;
    e.civilian_targeting = other.type == kCivilians;
    e.notes = "simulated: " + describe_row(row);
    if (row.wounded > 0) e.notes += "; " + std::to_string(row.wounded) + " wounded";
    if (row.arrested > 0) e.notes += "; " + std::to_string(row.arrested) + " arrested";
    ordered.emplace_back(i, std::move(e));
  }
  for (auto& [key, day] : days) {
    AcledEvent e;
    e.tick = key.first;
    e.date = clock.date_of(key.first);
    e.event_type = "Protests";
    std::int64_t killed = 0, wounded = 0, arrested = 0;
    for (const EventRow* r : day.interventions) {
      killed += r->killed;
      wounded += r->wounded;
      arrested += r->arrested;
    }
    // ACLED: excessive force is lethal force or serious injury; intervention, any other suppression.
    e.sub_event_type = killed + wounded > 0 ? "Excessive force against protesters"
                       : arrested > 0       ? "Protest with intervention"
                       : day.protest        ? acled_type(day.protest->kind).second
                                            : "Protest with intervention";
    const EventRow& first = day.protest ? *day.protest : *day.interventions.front();
    const auto& protesters = day.protest ? named(v.actors, day.protest->actor, path) : acted_upon(first, v, path);
    e.actor1 = protesters.name;
    e.inter1 = kProtesters;
    // The intervening actor who did most harm is actor2; the others are associated with it.
    std::vector<const EventRow*> by_harm = day.interventions;
    std::stable_sort(by_harm.begin(), by_harm.end(), [](const EventRow* a, const EventRow* b) {
      return a->killed + a->wounded + a->arrested > b->killed + b->wounded + b->arrested;
    });
    std::vector<std::string> intervening;
    for (const EventRow* r : by_harm) {
      const std::string name = named(v.actors, r->actor, path).name;
      if (std::find(intervening.begin(), intervening.end(), name) == intervening.end()) intervening.push_back(name);
    }
    if (!intervening.empty()) {
      e.actor2 = intervening.front();
      e.inter2 = named(v.actors, by_harm.front()->actor, path).type;
      for (std::size_t k = 1; k < intervening.size(); ++k) e.assoc_actor_2 += (k > 1 ? "; " : "") + intervening[k];
    }
    e.admin1 = admin1_of(v, key.second);
    e.fatalities = killed;
    e.participants = day.protest ? day.protest->participants : 0;
    e.notes = "simulated: " + (day.protest ? std::to_string(e.participants) + " people protesting" : "protesters");
    if (killed + wounded + arrested > 0)
      e.notes += "; " + std::to_string(killed) + " killed, " + std::to_string(wounded) + " wounded, " +
                 std::to_string(arrested) + " arrested";
    ordered.emplace_back(day.first_row, std::move(e));
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<AcledEvent> out;
  out.reserve(ordered.size());
  for (auto& [row, e] : ordered) out.push_back(std::move(e));
  return out;
}

// GED records organised violence that kills: state-based when a state fights an organised group,
// non-state between organised groups, one-sided against civilians (protesters are civilians).
std::vector<UcdpEvent> ucdp_view(const EventTable& table, const EventVocabulary& v, const sim::Clock& clock,
                                 const std::string& path) {
  std::vector<UcdpEvent> out;
  const auto is_state = [](std::int32_t type) { return type == kStateForces || type == kExternal; };
  for (const EventRow& row : table.rows) {
    if (row.killed <= 0) continue;
    const auto& actor = named(v.actors, row.actor, path);
    const auto& other = acted_upon(row, v, path);
    UcdpEvent e;
    e.tick = row.tick;
    e.date = clock.date_of(row.tick);
    e.admin1 = admin1_of(v, row.region);
    e.notes = "simulated: " + describe_row(row);
    if (other.type == kCivilians || other.type == kProtesters) {
      e.type_of_violence = 3;
      e.side_a = actor.name;
      e.side_b = "Civilians";
      e.deaths_civilians = row.killed;
    } else if (is_state(actor.type) || is_state(other.type)) {
      e.type_of_violence = 1;
      // Side A of a state-based event is the state; the dead are of the side acted upon.
      const bool actor_is_a = is_state(actor.type);
      e.side_a = actor_is_a ? actor.name : other.name;
      e.side_b = actor_is_a ? other.name : actor.name;
      (actor_is_a ? e.deaths_b : e.deaths_a) = row.killed;
    } else {
      e.type_of_violence = 2;
      e.side_a = actor.name;
      e.side_b = other.name;
      e.deaths_b = row.killed;
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string code_or_empty(std::int32_t code) { return code < 0 ? "" : std::to_string(code); }

}  // namespace

const char* ucdp_violence_word(int type_of_violence) {
  switch (type_of_violence) {
    case 1:
      return "state-based";
    case 2:
      return "non-state";
    case 3:
      return "one-sided";
    default:
      return "";
  }
}

RunEvents read_run_events(const std::string& run_file) {
  const EventVocabulary vocabulary = read_event_vocabulary(run_file);
  const EventTable table = read_events(run_file);
  RunEvents r;
  r.path = run_file;
  r.seed = read_root_attribute(run_file, "seed");
  r.country = vocabulary.country;
  r.iso3 = vocabulary.iso3;
  r.world_region = vocabulary.world_region;
  r.iso = vocabulary.iso;
  r.gwno = vocabulary.gwno;
  for (const auto& [region, admin1] : vocabulary.admin1) r.admin1.push_back(admin1);
  const auto start = sim::Date::parse_iso(table.start_date);
  if (!start) throw std::runtime_error(run_file + ": start_date '" + table.start_date + "' is not a date");
  r.start = *start;
  r.ticks = std::stoll(read_root_attribute(run_file, "ticks"));
  const sim::Clock clock(*start);
  r.acled = acled_view(table, vocabulary, clock, run_file);
  r.ucdp = ucdp_view(table, vocabulary, clock, run_file);
  return r;
}

const std::vector<std::string>& acled_columns() {
  // ACLED's export columns (Codebook 2023), in its order.
  static const std::vector<std::string> columns = {
      "event_id_cnty", "event_date",     "year",     "time_precision", "disorder_type",
      "event_type",    "sub_event_type", "actor1",   "assoc_actor_1",  "inter1",
      "actor2",        "assoc_actor_2",  "inter2",   "interaction",    "civilian_targeting",
      "iso",           "region",         "country",  "admin1",         "admin2",
      "admin3",        "location",       "latitude", "longitude",      "geo_precision",
      "source",        "source_scale",   "notes",    "fatalities",     "tags",
      "timestamp"};
  return columns;
}

const std::vector<std::string>& ucdp_columns() {
  // The columns of UCDP GED (version 23.1 codebook) that a run can fill, in GED's order.
  static const std::vector<std::string> columns = {"id",
                                                   "year",
                                                   "type_of_violence",
                                                   "conflict_name",
                                                   "dyad_name",
                                                   "side_a",
                                                   "side_b",
                                                   "source_article",
                                                   "where_prec",
                                                   "where_description",
                                                   "adm_1",
                                                   "adm_2",
                                                   "latitude",
                                                   "longitude",
                                                   "country",
                                                   "country_id",
                                                   "region",
                                                   "event_clarity",
                                                   "date_prec",
                                                   "date_start",
                                                   "date_end",
                                                   "deaths_a",
                                                   "deaths_b",
                                                   "deaths_civilians",
                                                   "deaths_unknown",
                                                   "best",
                                                   "high",
                                                   "low"};
  return columns;
}

void write_event_csv(const std::vector<RunEvents>& runs, EventFormat format, std::ostream& out) {
  const bool several = runs.size() > 1;
  const auto& columns = format == EventFormat::acled ? acled_columns() : ucdp_columns();
  const auto line = [&](std::size_t run, const std::vector<std::string>& fields) {
    if (several) out << run << ',';
    for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_field(fields[i]);
    out << "\r\n";  // RFC 4180
  };
  if (several) out << "run,";
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
  out << "\r\n";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const RunEvents& r = runs[k];
    const std::string prefix = r.iso3.empty() ? r.country : r.iso3;
    const std::string source = "simulated (confsim, seed " + r.seed + ")";
    std::size_t n = 0;
    if (format == EventFormat::acled) {
      for (const AcledEvent& e : r.acled) {
        ++n;
        line(k + 1,
             {prefix + "-sim" + std::to_string(k + 1) + "-" + std::to_string(n),
              e.date.iso(),
              std::to_string(e.date.year()),
              "1",
              disorder_type(e),
              e.event_type,
              e.sub_event_type,
              e.actor1,
              e.assoc_actor_1,
              std::to_string(e.inter1),
              e.actor2,
              e.assoc_actor_2,
              e.inter2 ? std::to_string(e.inter2) : "",
              std::to_string(interaction(e.inter1, e.inter2)),
              e.civilian_targeting ? "Civilian targeting" : "",
              code_or_empty(r.iso),
              r.world_region,
              r.country,
              e.admin1,
              "",
              "",
              "",
              "",
              "",
              "",
              source,
              "simulated",
              e.notes,
              std::to_string(e.fatalities),
              e.event_type == "Protests" && e.participants > 0 ? "crowd size=" + std::to_string(e.participants) : "",
              ""});
      }
    } else {
      for (const UcdpEvent& e : r.ucdp) {
        ++n;
        const std::string deaths = std::to_string(e.best());
        line(k + 1, {std::to_string(n),
                     std::to_string(e.date.year()),
                     std::to_string(e.type_of_violence),
                     "",
                     e.side_a + " - " + e.side_b,
                     e.side_a,
                     e.side_b,
                     source,
                     e.admin1.empty() ? "6" : "4",
                     e.notes,
                     e.admin1,
                     "",
                     "",
                     "",
                     r.country,
                     code_or_empty(r.gwno),
                     r.world_region,
                     "1",
                     "1",
                     e.date.iso(),
                     e.date.iso(),
                     std::to_string(e.deaths_a),
                     std::to_string(e.deaths_b),
                     std::to_string(e.deaths_civilians),
                     std::to_string(e.deaths_unknown),
                     deaths,
                     deaths,
                     deaths});
      }
    }
  }
}

}  // namespace confsim::output
