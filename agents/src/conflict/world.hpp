#pragma once
// What the conflict model's components share: the regions (with the government's legitimacy in
// each), the events vocabulary and the day's events, keyed random streams, and typed access to the
// other actors. Mechanisms ask the world for "the capital" or "the armed groups" instead of naming
// places or groups.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/param_table.hpp"
#include "confsim/sim/rng.hpp"
#include "vocabulary.hpp"

namespace confsim::agents::conflict {

class Component;

struct Region {
  std::string name;
  double population = 0;
  sim::Live legitimacy;  // the government's legitimacy there before any shock (events may set it)
  double hardship = 0;   // mean perceived hardship H
  bool capital = false;
};

// The key of an actor's random streams: its name's hash, so that adding or removing an actor leaves
// every other actor's draws unchanged (FNV-1a, 64 bits).
std::uint64_t stream_key(const std::string& name);

class World {
 public:
  World(std::vector<Region> regions, const sim::EventCategories& vocabulary, std::vector<EventKind> kinds,
        std::uint64_t seed);

  // Binds each region's baseline legitimacy to the run's live value.
  void bind(const sim::LiveParameters& live) {
    for (auto& r : regions_) r.legitimacy.bind(live.at("regions." + r.name + ".legitimacy"));
  }

  // ---- regions ----
  const std::vector<Region>& regions() const { return regions_; }
  std::size_t region(const std::string& name) const;  // index; throws for an unknown name
  std::size_t capital() const { return capital_; }
  double legitimacy(std::size_t r) const;
  void shift_legitimacy(std::size_t r, double delta) { legitimacy_shock_[r] += delta; }
  void shift_legitimacy_everywhere(double delta);
  // Shocks fade back towards each region's baseline by this share a day.
  void fade_legitimacy_shocks(double recovered_share);
  double national_legitimacy() const;  // weighted by population

  // ---- events ----
  std::int32_t actor(const std::string& name) const;   // code in the actors list; throws if absent
  std::int32_t target(const std::string& name) const;  // code in the targets list; throws if absent
  bool has_target(const std::string& name) const;
  // The code of an event kind in this run's vocabulary; −1 when no component declared it.
  std::int32_t kind_code(EventKind kind) const { return kind_code_[static_cast<std::size_t>(kind)]; }
  void emit(EventKind kind, std::int32_t actor, std::int32_t target, std::int32_t region, std::int64_t killed = 0,
            std::int64_t wounded = 0, std::int64_t arrested = 0, std::int32_t target_actor = sim::kNoActor,
            std::int64_t participants = 0);
  void take_events(std::vector<sim::EventRecord>& out);

  // ---- time and randomness ----
  std::int64_t tick() const { return tick_; }
  void start_day(std::int64_t tick) { tick_ = tick; }
  std::uint64_t seed() const { return seed_; }
  // A stream of an actor's own for today and this purpose.
  sim::RandomStream stream(std::uint64_t key, sim::Purpose purpose) const {
    return sim::RandomStream(seed_, sim::StreamOwner::faction, key, static_cast<std::uint64_t>(tick_), purpose);
  }

  // ---- the other actors ----
  void set_components(std::vector<Component*> components) { components_ = std::move(components); }
  template <class Kind>
  std::vector<Kind*> all() const {
    std::vector<Kind*> out;
    for (Component* c : components_)
      if (auto* k = dynamic_cast<Kind*>(c)) out.push_back(k);
    return out;
  }
  template <class Kind>
  Kind* first() const {
    for (Component* c : components_)
      if (auto* k = dynamic_cast<Kind*>(c)) return k;
    return nullptr;
  }

 private:
  std::vector<Region> regions_;
  std::size_t capital_ = 0;
  std::vector<double> legitimacy_shock_;
  sim::EventCategories vocabulary_;
  std::vector<std::int32_t> kind_code_;  // by EventKind; −1 when the run's vocabulary lacks it
  std::vector<sim::EventRecord> events_;
  std::uint64_t seed_;
  std::int64_t tick_ = 0;
  std::vector<Component*> components_;
};

// A value that halves every half_life ticks: the factor one tick applies.
double decay_per_tick(double half_life);

}  // namespace confsim::agents::conflict
