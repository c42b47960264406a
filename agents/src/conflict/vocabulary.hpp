#pragma once
// The conflict model's event vocabulary. Event kinds form one library, each with its meaning and its
// ACLED event type and sub-event type; a run's vocabulary holds the kinds its components can
// produce, the actors and target classes the scenario declares, and its regions. Names of places,
// groups and powers come from the scenario, never from here.
#include <cstdint>
#include <string>
#include <vector>

#include "confsim/sim/schema.hpp"

namespace confsim::agents::conflict {

enum class EventKind : std::int32_t {
  rocket_attack,
  ied_attack,
  drone_attack,
  media_attack,
  party_office_attack,
  assassination,
  abduction,
  reprisal,
  protester_killed,
  raid,
  arrest,
  release,
  retaliation_strike,
  leadership_strike,
  front_group_formed,
  base_closed,
  threat,
  march,
  directive,
  election,
  appeal,
};

struct EventKindInfo {
  EventKind kind;
  const char* name;
  const char* meaning;
  const char* acled_event_type;
  const char* acled_sub_event_type;
};

// Every kind, in the order vocabularies list them.
const std::vector<EventKindInfo>& event_kind_library();
const EventKindInfo& info(EventKind kind);

// Target classes that do not belong to a declared actor.
namespace target_class {
inline constexpr const char* armed_group = "militia";  // an armed group's members, sites or patrols
inline constexpr const char* media = "media";
inline constexpr const char* party_office = "party_office";
inline constexpr const char* activists = "activists";
inline constexpr const char* protesters = "protesters";
inline constexpr const char* civilians = "civilians";
}  // namespace target_class

// Collects a scenario's vocabulary as components declare what they produce; each list keeps the
// order of first declaration, except kinds, which follow the library's order.
class VocabularyBuilder {
 public:
  void kind(EventKind kind);
  void actor(const std::string& name);
  void target(const std::string& name);
  void region(const std::string& name);
  sim::EventCategories build() const;
  std::vector<EventKind> kinds() const;
  // Actor names added more than once (two actors, or an actor and a derived name, sharing one).
  const std::vector<std::string>& clashes() const { return clashes_; }

 private:
  std::vector<bool> kinds_ = std::vector<bool>(event_kind_library().size(), false);
  std::vector<std::string> actors_, targets_, regions_, clashes_;
};

}  // namespace confsim::agents::conflict
