#pragma once
// The contract between the conflict model and an actor kind. A kind declares its parameters once
// (a ParamTable bound to its struct), what it adds to the events vocabulary, and how to build an
// actor of it; an actor (a Component) keeps its own state and, each day, decides. docs/adding-a-
// component.md walks through writing one.
//
// Phases of a day (sim::run_simulation owns the order):
//   1. react()   to a scheduled action (a strike, an election), if any;
//   2. decide()  serially, by stage, then in the scenario's order: read anything in the world,
//                write only the actor's own state, and change another actor only through the
//                effect methods that actor offers (a raid, a strike);
//   3. act_field_agents()  field agents in parallel, each writing only its own slots;
//   4. resolve() conflicts settled in a fixed order, effects applied.
// Randomness comes only from World::stream(key, purpose), keyed by the actor's name and the day.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/scenario.hpp"
#include "vocabulary.hpp"
#include "world.hpp"

namespace confsim::agents::conflict {

class Component {
 public:
  explicit Component(std::string name) : name_(std::move(name)), key_(conflict::stream_key(name_)) {}
  virtual ~Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  const std::string& name() const { return name_; }
  std::uint64_t stream_key() const { return key_; }

  // Once every actor exists, before the run: finds the actors it deals with and builds what is
  // sized by them (lattices, per-group tables).
  virtual void connect(World& world) { (void)world; }
  // Before tick 1: binds schedulable parameters to the run's live values, sets the initial state.
  virtual void initialise(World& world, const sim::LiveParameters& live) = 0;
  // After every actor is initialised, before tick 1 (state that depends on others' initial state).
  virtual void begin_run(World& world) { (void)world; }
  virtual void react(World& world, const sim::EventRecord& action) {
    (void)world;
    (void)action;
  }
  virtual void decide(World& world) = 0;
  virtual void act_field_agents(World& world) { (void)world; }
  virtual void resolve(World& world) { (void)world; }
  // Adds a line for each of its accounting identities that does not hold (Model::broken_invariants).
  virtual void check_accounts(std::vector<std::string>& broken) const { (void)broken; }
  // The series it adds to the run file, each declared once with its reader.
  virtual void declare_series(sim::SeriesTable& series) const { (void)series; }

  // Actors it brings with it that the scenario does not declare (an armed group's front groups):
  // they decide after every declared actor of the same stage, in the order given.
  virtual std::vector<std::unique_ptr<Component>> dependents() { return {}; }

  // Field agents on lattices (for the run file's dimensions, snapshots and the agent-step count).
  virtual void declare_lattices(sim::OutputSchema& schema) const { (void)schema; }
  virtual void snapshot(std::vector<sim::VariableData>& out) const { (void)out; }
  virtual std::size_t lattice_cells() const { return 0; }
  virtual std::uint64_t field_agents() const { return 0; }

 private:
  std::string name_;
  std::uint64_t key_;
};

// An actor kind: everything the model needs to know about it.
struct ComponentKind {
  std::string name;
  std::string description;
  int stage = 0;  // when its actors decide within a day (lower first)
  std::size_t min_count = 0;
  std::size_t max_count = std::numeric_limits<std::size_t>::max();
  std::vector<sim::ParamSpec> params;            // each actor's, at actors.NAME.key
  std::vector<sim::SectionSpec> shared_sections;  // rules every actor of the kind follows
  // What an actor of the kind adds to the events vocabulary.
  std::function<void(const sim::Scenario&, const sim::Entry&, VocabularyBuilder&)> vocabulary;
  std::function<std::unique_ptr<Component>(const sim::Scenario&, const sim::Entry&)> make;
  // Series about all its actors at once (along a dimension of them), declared once per run.
  std::function<void(sim::SeriesTable&, const World&)> kind_series;
  // Checks across values (a name that clashes, a section its actors need).
  std::function<std::vector<sim::Diagnostic>(const sim::Scenario&, const sim::Entry&)> check;
};

}  // namespace confsim::agents::conflict
