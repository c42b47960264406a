#pragma once
// The tick loop: one short function that owns the order of the phases.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "confsim/sim/model.hpp"

namespace confsim::sim {

struct PhaseTimes {
  std::map<std::string, double> seconds;  // by phase name
};

// Called after every tick with the wall time of each phase so far (benchmarks time stretches of a
// run with it).
using ProgressCallback = std::function<void(std::int64_t tick, std::int64_t total, const PhaseTimes& so_far)>;

// Resolves output.snapshot_every ('auto' → 50 on lattices up to 1,000,000 cells, else 0).
std::int64_t resolve_snapshot_every(const Scenario& scenario, std::size_t lattice_cells);

// Runs the scenario's ticks: scheduled events → factions decide → field agents act →
// resolution → record. Returns the wall time spent in each phase.
PhaseTimes run_simulation(const RunInfo& info, Model& model, Recorder& recorder,
                          const ProgressCallback& progress = {});

}  // namespace confsim::sim
