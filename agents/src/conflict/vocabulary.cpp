#include "vocabulary.hpp"

#include <algorithm>
#include <stdexcept>

namespace confsim::agents::conflict {

const std::vector<EventKindInfo>& event_kind_library() {
  // ACLED's event and sub-event types as its codebook (2023) names them.
  static const std::vector<EventKindInfo> kinds = {
      {EventKind::rocket_attack, "rocket_attack", "rockets or mortars fired at a target",
       "Explosions/Remote violence", "Shelling/artillery/missile attack"},
      {EventKind::ied_attack, "ied_attack", "a roadside or planted bomb", "Explosions/Remote violence",
       "Remote explosive/landmine/IED"},
      {EventKind::drone_attack, "drone_attack", "an armed drone or a drone-dropped charge",
       "Explosions/Remote violence", "Air/drone strike"},
      {EventKind::media_attack, "media_attack", "a television station or newspaper attacked or burnt",
       "Strategic developments", "Looting/property destruction"},
      {EventKind::party_office_attack, "party_office_attack", "a party's office attacked or burnt",
       "Strategic developments", "Looting/property destruction"},
      {EventKind::assassination, "assassination", "an activist or critic killed", "Violence against civilians",
       "Attack"},
      {EventKind::abduction, "abduction", "an activist or critic abducted", "Violence against civilians",
       "Abduction/forced disappearance"},
      {EventKind::reprisal, "reprisal", "civilians killed in revenge for an attack on an armed group",
       "Violence against civilians", "Attack"},
      {EventKind::protester_killed, "protester_killed",
       "protesters killed or wounded by security forces or gunmen (one row per region, day and perpetrator)",
       "Protests", "Excessive force against protesters"},
      // One protest event per region and day, as ACLED codes protests by location and day; its
      // sub-event is what the security forces and gunmen did to the crowd that day.
      {EventKind::peaceful_protest, "peaceful_protest",
       "a day of protest in a region that no one broke up (participants: the people protesting)", "Protests",
       "Peaceful protest"},
      {EventKind::protest_with_intervention, "protest_with_intervention",
       "a day of protest in a region broken up with arrests, no one killed or wounded (participants: the people "
       "protesting)",
       "Protests", "Protest with intervention"},
      {EventKind::protest_with_excessive_force, "protest_with_excessive_force",
       "a day of protest in a region in which protesters were killed or wounded (participants: the people "
       "protesting; the casualties are in the protester_killed rows of that day)",
       "Protests", "Excessive force against protesters"},
      {EventKind::raid, "raid", "security forces raid an armed group's site and detain members",
       "Strategic developments", "Arrests"},
      {EventKind::arrest, "arrest", "people arrested (protesters, attackers, officials)", "Strategic developments",
       "Arrests"},
      {EventKind::release, "release", "detainees released under pressure", "Strategic developments", "Other"},
      {EventKind::retaliation_strike, "retaliation_strike", "a foreign force strikes an armed group in retaliation",
       "Explosions/Remote violence", "Air/drone strike"},
      {EventKind::leadership_strike, "leadership_strike", "a strike that kills a sponsor's commanders",
       "Explosions/Remote violence", "Air/drone strike"},
      {EventKind::front_group_formed, "front_group_formed", "an armed group founds a front group under a new name",
       "Strategic developments", "Change to group/activity"},
      {EventKind::base_closed, "base_closed", "a foreign force hands over a base", "Strategic developments",
       "Non-violent transfer of territory"},
      {EventKind::threat, "threat", "a public threat against the government or its leader", "Strategic developments",
       "Other"},
      {EventKind::march, "march", "armed group members march on a foreign mission", "Riots",
       "Violent demonstration"},
      {EventKind::directive, "directive", "a sponsor passes a directive to one of its groups",
       "Strategic developments", "Change to group/activity"},
      {EventKind::election, "election", "an election's results change parliament", "Strategic developments", "Other"},
      {EventKind::appeal, "appeal", "a mediator appeals for calm and dialogue", "Strategic developments",
       "Agreement"},
  };
  return kinds;
}

const EventKindInfo& info(EventKind kind) {
  const auto& kinds = event_kind_library();
  const auto i = static_cast<std::size_t>(kind);
  if (i >= kinds.size() || kinds[i].kind != kind) throw std::logic_error("event kind library out of order");
  return kinds[i];
}

void VocabularyBuilder::kind(EventKind kind) { kinds_[static_cast<std::size_t>(kind)] = true; }

namespace {

template <class List>
auto find_named(List& list, const std::string& name) {
  return std::find_if(list.begin(), list.end(), [&](const auto& n) { return n.name == name; });
}

// "dhi_qar" -> "Dhi Qar": how event data names what the scenario names only by an identifier.
std::string title_case(const std::string& identifier) {
  std::string out;
  bool start = true;
  for (char c : identifier) {
    if (c == '_') {
      out += ' ';
      start = true;
    } else {
      out += start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      start = false;
    }
  }
  return out;
}

const std::string kEventData = "event_data";

std::vector<std::string> actor_type_words() {
  std::vector<std::string> words;
  for (const auto& t : sim::acled_actor_types()) words.push_back(t.word);
  return words;
}

}  // namespace

void VocabularyBuilder::actor(const std::string& name, ActorType type, const std::string& associate) {
  if (find_named(actors_, name) != actors_.end()) {
    clashes_.push_back(name);
    return;
  }
  actors_.push_back({name, type, associate});
}
void VocabularyBuilder::target(const std::string& name, ActorType type, bool generic) {
  if (find_named(targets_, name) == targets_.end()) targets_.push_back({name, type, "", generic});
}
void VocabularyBuilder::region(const std::string& name) {
  if (std::find(regions_.begin(), regions_.end(), name) == regions_.end()) regions_.push_back(name);
}
std::vector<std::string> VocabularyBuilder::actor_and_target_names() const {
  std::vector<std::string> out;
  for (const auto& a : actors_) out.push_back(a.name);
  for (const auto& t : targets_)
    if (find_named(actors_, t.name) == actors_.end()) out.push_back(t.name);
  return out;
}

std::vector<EventKind> VocabularyBuilder::kinds() const {
  std::vector<EventKind> out;
  for (const auto& k : event_kind_library())
    if (kinds_[static_cast<std::size_t>(k.kind)]) out.push_back(k.kind);
  return out;
}

sim::EventCategories VocabularyBuilder::build(const sim::Scenario& s) const {
  sim::EventCategories c;
  for (EventKind k : kinds()) {
    c.kinds.push_back(info(k).name);
    c.kind_meanings.push_back(info(k).meaning);
    c.acled_event_types.push_back(info(k).acled_event_type);
    c.acled_sub_event_types.push_back(info(k).acled_sub_event_type);
  }
  for (const auto& a : actors_) c.actors.push_back(a.name);
  for (const auto& t : targets_) c.targets.push_back(t.name);
  c.regions = regions_;

  auto& x = c.event_data;
  const std::string country_name = s.word("country.name");
  x.country = s.has(kEventData + ".country") ? s.word(kEventData + ".country") : title_case(country_name);
  if (s.has(kEventData + ".iso3")) x.iso3 = s.word(kEventData + ".iso3");
  if (s.has(kEventData + ".world_region")) x.world_region = s.word(kEventData + ".world_region");
  if (s.has(kEventData + ".iso")) x.iso = static_cast<std::int32_t>(s.integer(kEventData + ".iso"));
  if (s.has(kEventData + ".gwno")) x.gwno = static_cast<std::int32_t>(s.integer(kEventData + ".gwno"));
  const std::string names_path = kEventData + ".actor_names.", types_path = kEventData + ".actor_types.";
  const auto name_of = [&](const Named& n) {
    if (s.has(names_path + n.name)) return s.word(names_path + n.name);
    if (n.generic) return title_case(n.name) + " (" + x.country + ")";
    return title_case(n.name);
  };
  const auto type_of = [&](const Named& n) {
    if (!s.has(types_path + n.name)) return static_cast<std::int32_t>(n.type);
    const auto words = actor_type_words();
    const auto at = std::find(words.begin(), words.end(), s.word(types_path + n.name));
    return static_cast<std::int32_t>(at - words.begin()) + 1;
  };
  for (const auto& a : actors_) {
    x.actor_names.push_back(name_of(a));
    x.actor_types.push_back(type_of(a));
    const auto parent = find_named(actors_, a.associate);
    x.actor_associates.push_back(parent == actors_.end() ? "" : name_of(*parent));
  }
  for (const auto& t : targets_) {
    // A target that is also an actor (the government) is named as the actor is.
    const auto as_actor = find_named(actors_, t.name);
    x.target_names.push_back(as_actor != actors_.end() ? name_of(*as_actor) : name_of(t));
    x.target_types.push_back(as_actor != actors_.end() ? type_of(*as_actor) : type_of(t));
  }
  for (const auto& r : regions_) {
    const bool whole_country = r == country_name;
    x.admin1.push_back(whole_country                               ? ""
                       : s.has(kEventData + ".admin1." + r) ? s.word(kEventData + ".admin1." + r)
                                                                   : title_case(r));
  }
  return c;
}

sim::SectionSpec event_data_section() {
  using sim::ValueType;
  const auto optional_text = [](const char* key, const char* description) {
    return sim::ParamSpec{.key = key, .type = ValueType::text, .description = description, .optional = true};
  };
  const auto optional_code = [](const char* key, const char* description) {
    return sim::ParamSpec{.key = key, .type = ValueType::integer, .description = description, .min = 0, .max = 999,
                          .optional = true};
  };
  return {kEventData,
          "How ACLED and UCDP GED name the scenario's country, regions and actors, for `confsim export` and `confsim "
          "compare` (docs/event-data.md). Everything is optional: a name not given is the scenario's own, in title "
          "case; a code not given leaves its column empty.",
          {optional_text("country", "The country as ACLED and UCDP name it (default: country.name in title case)."),
           optional_code("iso", "ISO 3166-1 numeric code of the country (ACLED's iso column)."),
           optional_text("iso3", "ISO 3166-1 alpha-3 code, the prefix of ACLED's event_id_cnty."),
           optional_code("gwno", "Gleditsch-Ward number of the country (UCDP's country_id)."),
           optional_text("world_region", "ACLED's and UCDP's region of the world the country lies in."),
           {.key = "admin1",
            .type = ValueType::text,
            .description = "Each region's first-level administrative division as the event data spell it (admin1, "
                           "adm_1): the names observed files are matched on.",
            .keyed_by = "regions"},
           {.key = "actor_names",
            .type = ValueType::text,
            .description = "How ACLED names an actor or target of the events (actor1, actor2); ACLED names state forces "
                           "Military Forces of <country>.",
            .keyed_by = sim::kKeyedByEventNames},
           {.key = "actor_types",
            .type = ValueType::choice,
            .description = "ACLED's actor type (inter code) of an actor or target, where the default by its kind "
                           "does not fit (docs/event-data.md lists the defaults).",
            .choices = actor_type_words(),
            .keyed_by = sim::kKeyedByEventNames}},
          true};
}

std::vector<sim::Diagnostic> check_event_data(const sim::Scenario& s, const VocabularyBuilder& vocabulary) {
  std::vector<sim::Diagnostic> problems;
  const auto known = vocabulary.actor_and_target_names();
  for (const char* map : {"actor_names", "actor_types"})
    for (const auto& [name, parameter] : s.keyed(kEventData + "." + map))
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        // A name close to one the events use is a misspelling; one far from all may belong to an
        // actor that a variant of the scenario (extends:, omit:) left out, and names nothing here.
        const std::string guess = sim::closest_match(name, known);
        if (!guess.empty())
          problems.push_back({parameter->where, parameter->path,
                              "'" + name + "' is not an actor or target of this scenario's events; did you mean '" +
                                  guess + "'?"});
      }
  return problems;
}

}  // namespace confsim::agents::conflict
