#pragma once
// Parameter sweeps: a sweep YAML file names a base scenario, the parameters to vary and how (a
// list of values, an evenly spaced range, or a uniform interval), a design (grid, Latin
// hypercube, Sobol, or a sensitivity analysis's Saltelli or Morris design), replicates and a master seed, and the summaries to compute from each run. Expansion
// turns it into a run list; each run's seed depends only on (master seed, run index), so results
// never depend on how runs are spread over threads, ranks or array tasks.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::sim {

struct SweepParameter {
  enum class Kind { values, range, uniform };
  std::string path;  // a scenario parameter, as given to --set
  Kind kind = Kind::values;
  std::vector<std::string> values;  // values: each as YAML text
  double from = 0, to = 0;          // range, uniform
  std::int64_t steps = 0;           // range: number of values from `from` to `to`, both included
  bool whole = false;  // the scenario takes a whole number here: uniform draws are rounded
  SourceLocation where;
};

// A number to compute from every run file: a series reduced over time, or events counted.
struct SweepSummary {
  std::string name;
  std::string series, reduce;                                               // reduce: max | min | mean | final | sum
  std::vector<std::string> kinds, actors, targets, target_actors, regions;  // events (any when empty)
  std::string measure = "count";                                            // count | killed | wounded | arrested
  SourceLocation where;
};

struct Sweep {
  // saltelli and morris are the designs of a sensitivity analysis (confsim sensitivity): n base rows
  // of Saltelli's A, B and AB_i matrices, or n Morris trajectories on `levels` levels.
  enum class Design { grid, latin_hypercube, sobol, saltelli, morris };
  std::string file;  // the sweep file as given
  std::string text;  // its contents, exactly
  std::string name;
  std::string scenario;  // the base scenario, resolved against the sweep file's folder
  std::optional<std::int64_t> ticks;
  Design design = Design::grid;
  std::int64_t points = 0;  // n: latin_hypercube and sobol points, saltelli base rows, morris trajectories
  std::int64_t levels = 4;  // morris
  std::int64_t replicates = 1;
  std::uint64_t master_seed = 0;
  std::vector<SweepParameter> parameters;
  std::vector<SweepSummary> summaries;
  // false: a run's file is summarised and removed, and only its summaries are kept (run_files: discard)
  bool keep_run_files = true;
};

struct SweepRun {
  std::int64_t index = 0;      // position in the run list: run_NNNNNN.h5
  std::int64_t point = 0;      // design point
  std::int64_t replicate = 0;  // 0 … replicates − 1
  std::uint64_t seed = 0;
  std::vector<std::string> overrides;  // "path=value", one per swept parameter, in file order
  std::vector<std::string> values;     // the values alone, in the same order
};

// Reads and validates a sweep file; throws InputError (file:line:column, what was expected).
Sweep load_sweep(const std::string& path);
// The same from text, read as if it were the file at `path` (relative paths resolve from there).
Sweep load_sweep_text(const std::string& text, const std::string& path);
// The run list: design points × replicates, point-major.
std::vector<SweepRun> expand_sweep(const Sweep& sweep);
// The seed of run `index`: a keyed draw, independent of every other run. (A Morris design's runs
// take the seed of index trajectory × replicates + replicate: a trajectory's points share seeds.)
std::uint64_t sweep_run_seed(std::uint64_t master_seed, std::int64_t index);
std::string to_string(Sweep::Design design);
// The first n points of the (unscrambled) Sobol sequence in `dims` dimensions, Joe and Kuo's
// direction numbers, starting at the origin; powers of two keep its balance.
std::vector<std::vector<double>> sobol_points(std::size_t n, std::size_t dims);
std::size_t max_sobol_dimensions();

}  // namespace confsim::sim
