#pragma once
// Helpers shared by tests: temporary paths, runs of scenario text, and the raw bytes of every
// dataset in a run file (what "byte-identical" is checked on).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::testing {

// A small valid Epstein scenario with one event of each kind, shared by several tests.
extern const std::string kSmallScenario;

std::string temp_path(const std::string& name);
std::string source_path(const std::string& relative);
std::string read_text(const std::string& path);

sim::ScenarioPtr scenario_from_text(const std::string& text, const std::vector<std::string>& overrides = {});

// A run kept in memory: each series by name (tick-major, then the elements along its extra
// dimensions, e.g. regions), the events, and the schema that names their categories.
struct MemoryRun {
  std::map<std::string, std::vector<double>> series;
  std::vector<sim::EventRecord> events;
  sim::OutputSchema schema;
  // Index of a name in an event category list (kinds, actors …); throws if absent.
  static std::int32_t code(const std::vector<std::string>& names, const std::string& name);
};
MemoryRun run_in_memory(const sim::ScenarioPtr& scenario, std::uint64_t seed, int threads = 2);

// The series of run_in_memory alone.
std::map<std::string, std::vector<double>> run_series(const sim::ScenarioPtr& scenario, std::uint64_t seed,
                                                      int threads = 2);

// name → raw bytes of every dataset in the file (groups included, e.g. "events/tick").
std::map<std::string, std::string> dataset_bytes(const std::string& h5_path);

}  // namespace confsim::testing
