#pragma once
// What the engine asks of a model, and what a recorder is given. A model owns the World's state;
// the Simulation owns the order of phases; a Recorder only observes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "confsim/sim/calendar.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::sim {

struct DimensionSpec {
  std::string name;
  std::string long_name;
  std::size_t size = 0;
  std::vector<std::string> labels;  // names along a categorical dimension (region, faction …); else indices
};

enum class StorageType { int8, int16, int32, float32, float64 };

struct VariableSpec {
  std::string name;
  std::string long_name;
  std::string units;  // "1" for counts and fractions
  std::vector<std::string> dims;  // series: after time; snapshots: after snapshot_time; statics: all
  StorageType type = StorageType::float64;
  std::vector<std::pair<int, std::string>> flags;  // CF flag_values / flag_meanings for categorical codes
};

struct OutputSchema {
  std::vector<DimensionSpec> dimensions;
  std::vector<VariableSpec> series;
  std::vector<VariableSpec> snapshots;
  std::vector<VariableSpec> statics;
  EventCategories events;
};

// Something that happened, as counts (e.g. "security forces arrested 4 citizens in region R").
// A release counts the people released in `arrested`. target_actor names the actor acted upon when
// it is one of the actors (a raid on a given militia), else kNoActor.
inline constexpr std::int32_t kNoActor = -1;
struct EventRecord {
  std::int64_t tick = 0;
  std::int32_t kind = 0, actor = 0, target = 0, region = 0;
  std::int64_t killed = 0, wounded = 0, arrested = 0;
  std::int32_t target_actor = kNoActor;
  std::int64_t participants = 0;  // people taking part (a protest's crowd); 0 where it means nothing
};

using VariableData = std::variant<std::vector<std::int8_t>, std::vector<std::int16_t>, std::vector<std::int32_t>,
                                  std::vector<float>, std::vector<double>>;

// Element i of `out` as a vector of T with n elements, reusing the vector already there when it is
// one: the recorder hands the same list to every snapshot, so large arrays keep their memory.
// `out` must already hold all its elements (resize it first), so that no reference moves.
template <class T>
std::vector<T>& variable_in(std::vector<VariableData>& out, std::size_t i, std::size_t n) {
  if (!std::holds_alternative<std::vector<T>>(out.at(i))) out[i] = std::vector<T>();
  auto& v = std::get<std::vector<T>>(out[i]);
  v.resize(n);
  return v;
}

// Series declared once: name, meaning, units, dimensions and how to read the values, so that the
// order of the file's variables can never drift from what is observed.
class SeriesTable {
 public:
  using Reader = std::function<void(double* values)>;  // writes the series' values for one tick

  void add(VariableSpec spec, std::size_t values, Reader read) {
    rows_.push_back({std::move(spec), values, std::move(read)});
  }
  void add_scalar(std::string name, std::string long_name, std::string units, std::function<double()> value) {
    add({std::move(name), std::move(long_name), std::move(units), {}, StorageType::float64, {}}, 1,
        [value = std::move(value)](double* out) { *out = value(); });
  }
  // One value per element along a dimension of `size` elements (regions, factions …).
  void add_along(const std::string& dimension, std::size_t size, std::string name, std::string long_name,
                 std::string units, std::function<double(std::size_t)> value) {
    add({std::move(name), std::move(long_name), std::move(units), {dimension}, StorageType::float64, {}}, size,
        [size, value = std::move(value)](double* out) {
          for (std::size_t i = 0; i < size; ++i) out[i] = value(i);
        });
  }

  std::vector<VariableSpec> specs() const {
    std::vector<VariableSpec> out;
    for (const auto& row : rows_) out.push_back(row.spec);
    return out;
  }
  // Every series' values in declaration order, flattened along their extra dimensions.
  void observe(std::vector<double>& out) const {
    std::size_t total = 0;
    for (const auto& row : rows_) total += row.values;
    out.resize(total);
    double* next = out.data();
    for (const auto& row : rows_) {
      row.read(next);
      next += row.values;
    }
  }

 private:
  struct Row {
    VariableSpec spec;
    std::size_t values;
    Reader read;
  };
  std::vector<Row> rows_;
};

// Parameters that scheduled events may change during a run, by path.
class LiveParameters {
 public:
  explicit LiveParameters(const Scenario& scenario);
  const double& at(const std::string& path) const;  // stable address for the whole run
  double& at(const std::string& path);

 private:
  std::map<std::string, double> values_;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual OutputSchema output_schema() const = 0;
  virtual std::size_t lattice_cells() const = 0;
  // Agents that act on the lattices every tick: what agent-steps per second count.
  virtual std::uint64_t field_agents() const = 0;
  // Places agents and draws their attributes; live holds the values events change.
  virtual void initialise(const LiveParameters& live) = 0;
  // Phase 2: strategic actors choose (nothing for models without factions).
  virtual void decide_factions(std::int64_t tick) { (void)tick; }
  // Phase 3: field agents act in parallel on a read-only view, writing only their own slots.
  virtual void act_field_agents(std::int64_t tick) = 0;
  // Phase 4: conflicting intentions settled in a fixed priority order, effects applied.
  virtual void resolve(std::int64_t tick) = 0;
  // Phase 1 helper: a scheduled event removes a share of a population's present members.
  virtual void remove_share(const std::string& population, double share, std::int64_t tick) = 0;
  // Phase 1: a scheduled action (a strike, an election) happened; the engine records it in the
  // events table, the model's rules react to it here (nothing by default).
  virtual void react_to_action(const EventRecord& action) { (void)action; }

  // What the recorder reads. Series values in schema order, flattened along their extra dims.
  virtual void observe(std::vector<double>& series) const = 0;
  virtual void take_events(std::vector<EventRecord>& out) = 0;
  virtual void snapshot(std::vector<VariableData>& out) const = 0;
  virtual void statics(std::vector<VariableData>& out) const = 0;

  // The model's own accounting, checked after a tick by tests and the parameter-space fuzzer (a pass
  // over the agents): one line for each identity that does not hold — people created or lost other
  // than as its rules say, a count below zero. None by default.
  virtual std::vector<std::string> broken_invariants() const { return {}; }

  // Wall time of the model's own steps within the engine's phases (e.g. "move"), over the run so far.
  std::map<std::string, double> step_seconds() const {
    std::map<std::string, double> by_name;
    for (const auto& [step, seconds] : step_seconds_) by_name[step] += seconds;
    return by_name;
  }

 protected:
  // Runs one of the model's steps and adds its wall time to step_seconds(): two clock reads per
  // step and tick, so models time their big steps freely. Steps are kept by the address of their
  // name (a string literal), found by a short linear search rather than a map's string compares.
  template <class Step>
  void timed(const char* step, Step&& work) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (auto& [name, total] : step_seconds_)
      if (name == step) {
        total += seconds;
        return;
      }
    step_seconds_.emplace_back(step, seconds);
  }

 private:
  std::vector<std::pair<const char*, double>> step_seconds_;
};

struct RunInfo {
  ScenarioPtr scenario;
  std::uint64_t seed = 0;
  bool seed_drawn = false;  // true when no seed was given and one was drawn
  int threads = 1;
  std::string version;
  std::int64_t snapshot_every = 0;  // resolved: 0 = none
  int compression = 4;
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void begin(const RunInfo& info, const OutputSchema& schema) = 0;
  virtual void record_statics(const std::vector<VariableData>& data) = 0;
  virtual void record_tick(std::int64_t tick, const std::vector<double>& series) = 0;
  virtual void record_events(const std::vector<EventRecord>& events) = 0;
  virtual void record_snapshot(std::int64_t tick, const std::vector<VariableData>& data) = 0;
  // Called once after the last tick with the wall time of each engine phase and of the model's
  // steps within them; a recorder that writes a file makes it final only here.
  virtual void finish(const std::map<std::string, double>& phase_seconds,
                      const std::map<std::string, double>& step_seconds) = 0;
};

}  // namespace confsim::sim
