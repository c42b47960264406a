#pragma once
// The conflict model's event vocabulary. Event kinds form one library, each with its meaning and its
// ACLED event type and sub-event type; a run's vocabulary holds the kinds its components can
// produce, the actors and target classes the scenario declares, and its regions. Names of places,
// groups and powers come from the scenario, never from here.
#include <cstdint>
#include <string>
#include <vector>

#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/scenario.hpp"
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
  peaceful_protest,
  protest_with_intervention,
  protest_with_excessive_force,
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

// ACLED's actor types, by inter code (sim::acled_actor_types() names them): what an actor or a
// target is in ACLED's terms unless the scenario's event_data says otherwise.
enum class ActorType : std::int32_t {
  state_forces = 1,
  rebel_groups,
  political_militias,
  identity_militias,
  rioters,
  protesters,
  civilians,
  external_other,
};

// Collects a scenario's vocabulary as components declare what they produce; each list keeps the
// order of first declaration, except kinds, which follow the library's order. Each actor and
// target comes with its ACLED actor type; an actor acting under another's banner (a front group)
// names it as its associate.
class VocabularyBuilder {
 public:
  void kind(EventKind kind);
  void actor(const std::string& name, ActorType type, const std::string& associate = "");
  // A target class shared by all scenarios (protesters, civilians …) is named after the country in
  // event data, as ACLED names such actors: "Protesters (Iraq)".
  void target(const std::string& name, ActorType type, bool generic = false);
  void region(const std::string& name);
  // The vocabulary, with its crosswalk to event data from the scenario's country and event_data.
  sim::EventCategories build(const sim::Scenario& scenario) const;
  std::vector<EventKind> kinds() const;
  // Actor names added more than once (two actors, or an actor and a derived name, sharing one).
  const std::vector<std::string>& clashes() const { return clashes_; }
  std::vector<std::string> actor_and_target_names() const;

 private:
  struct Named {
    std::string name;
    ActorType type;
    std::string associate;
    bool generic = false;
  };
  std::vector<bool> kinds_ = std::vector<bool>(event_kind_library().size(), false);
  std::vector<Named> actors_, targets_;
  std::vector<std::string> regions_, clashes_;
};

// The scenario section `event_data` (how ACLED and UCDP name the scenario's country, regions and
// actors), and the names it gives that misspell one the events use.
sim::SectionSpec event_data_section();
std::vector<sim::Diagnostic> check_event_data(const sim::Scenario& scenario, const VocabularyBuilder& vocabulary);

}  // namespace confsim::agents::conflict
