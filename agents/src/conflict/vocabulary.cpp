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
void add_once(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}
}  // namespace

void VocabularyBuilder::actor(const std::string& name) {
  if (std::find(actors_.begin(), actors_.end(), name) != actors_.end()) clashes_.push_back(name);
  add_once(actors_, name);
}
void VocabularyBuilder::target(const std::string& name) { add_once(targets_, name); }
void VocabularyBuilder::region(const std::string& name) { add_once(regions_, name); }

std::vector<EventKind> VocabularyBuilder::kinds() const {
  std::vector<EventKind> out;
  for (const auto& k : event_kind_library())
    if (kinds_[static_cast<std::size_t>(k.kind)]) out.push_back(k.kind);
  return out;
}

sim::EventCategories VocabularyBuilder::build() const {
  sim::EventCategories c;
  for (EventKind k : kinds()) {
    c.kinds.push_back(info(k).name);
    c.kind_meanings.push_back(info(k).meaning);
    c.acled_event_types.push_back(info(k).acled_event_type);
    c.acled_sub_event_types.push_back(info(k).acled_sub_event_type);
  }
  c.actors = actors_;
  c.targets = targets_;
  c.regions = regions_;
  return c;
}

}  // namespace confsim::agents::conflict
