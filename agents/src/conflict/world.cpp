#include "world.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace confsim::agents::conflict {

std::uint64_t stream_key(const std::string& name) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

double decay_per_tick(double half_life) { return std::exp2(-1.0 / half_life); }

namespace {
std::int32_t index_in(const std::vector<std::string>& names, const std::string& name, const char* what) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::logic_error(std::string("'") + name + "' is not a " + what + " of this run");
  return static_cast<std::int32_t>(it - names.begin());
}
}  // namespace

World::World(std::vector<Region> regions, const sim::EventCategories& vocabulary, std::vector<EventKind> kinds,
             std::uint64_t seed)
    : regions_(std::move(regions)),
      legitimacy_shock_(regions_.size(), 0.0),
      vocabulary_(vocabulary),
      kind_code_(event_kind_library().size(), -1),
      seed_(seed) {
  for (std::size_t r = 0; r < regions_.size(); ++r)
    if (regions_[r].capital) capital_ = r;
  for (std::size_t i = 0; i < kinds.size(); ++i) kind_code_[static_cast<std::size_t>(kinds[i])] = static_cast<std::int32_t>(i);
}

std::size_t World::region(const std::string& name) const {
  for (std::size_t r = 0; r < regions_.size(); ++r)
    if (regions_[r].name == name) return r;
  throw std::logic_error("'" + name + "' is not a region of this run");
}

double World::legitimacy(std::size_t r) const {
  return std::clamp(static_cast<double>(regions_[r].legitimacy) + legitimacy_shock_[r], 0.0, 1.0);
}

void World::shift_legitimacy_everywhere(double delta) {
  for (auto& shock : legitimacy_shock_) shock += delta;
}

void World::fade_legitimacy_shocks(double recovered_share) {
  for (auto& shock : legitimacy_shock_) shock *= 1.0 - recovered_share;
}

double World::national_legitimacy() const {
  double weighted = 0, people = 0;
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    weighted += legitimacy(r) * regions_[r].population;
    people += regions_[r].population;
  }
  return people > 0 ? weighted / people : 0.0;
}

std::int32_t World::actor(const std::string& name) const { return index_in(vocabulary_.actors, name, "actor"); }
std::int32_t World::target(const std::string& name) const { return index_in(vocabulary_.targets, name, "target"); }
bool World::has_target(const std::string& name) const {
  return std::find(vocabulary_.targets.begin(), vocabulary_.targets.end(), name) != vocabulary_.targets.end();
}

void World::emit(EventKind kind, std::int32_t actor, std::int32_t target, std::int32_t region, std::int64_t killed,
                 std::int64_t wounded, std::int64_t arrested, std::int32_t target_actor, std::int64_t participants) {
  const std::int32_t code = kind_code_[static_cast<std::size_t>(kind)];
  if (code < 0)
    throw std::logic_error(std::string("the event kind '") + info(kind).name +
                           "' was emitted but no component declared it in the vocabulary");
  events_.push_back({tick_, code, actor, target, region, killed, wounded, arrested, target_actor, participants});
}

void World::take_events(std::vector<sim::EventRecord>& out) {
  out.insert(out.end(), events_.begin(), events_.end());
  events_.clear();
}

}  // namespace confsim::agents::conflict
