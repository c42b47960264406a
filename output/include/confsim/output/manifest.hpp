#pragma once
// A sweep's manifest: one netCDF-4 table along dimension `run` (parameters, seed, status, wall
// time, summaries) with HDF5 external links to every finished run file, so xarray opens the table
// and h5py follows a link to any run. Written atomically, like a run file.
#include <string>
#include <vector>

#include "confsim/sim/sweep.hpp"

namespace confsim::output {

inline constexpr int kManifestFormat = 1;

struct SweepRunResult {
  sim::SweepRun run;
  bool finished = false;
  double wall_seconds = 0;
  std::vector<double> summaries;  // in the sweep's order; NaN when not finished
  bool file_kept = true;          // false: only the run's summaries were kept (run_files: discard)
};

// The path of a run's file inside a sweep directory, relative to it: runs/run_NNNNNN.h5.
std::string run_file_name(std::int64_t index);

// True when the file is a complete run file written for exactly this run (its seed and overrides);
// otherwise false with the reason. Never throws for a damaged file: it is simply not finished.
bool is_finished_run(const std::string& path, const sim::SweepRun& run, std::string& why_not);

// The sweep's summaries computed from a finished run file, and its recorded wall time.
std::vector<double> summarise_run(const std::string& path, const std::vector<sim::SweepSummary>& summaries);
double run_wall_seconds(const std::string& path);

// A run's summaries alone, for sweeps and studies that do not keep run files: a small text file
// with the run's seed and overrides (so a record made for another run is never taken for it), its
// wall time and each summary by name, numbers in hexadecimal floating point (exact).
std::string summary_record_name(std::int64_t index);  // runs/run_NNNNNN.summaries
// A failed run's record has NaN values and the reason it failed.
void write_summary_record(const std::string& path, const sim::SweepRun& run, double wall_seconds,
                          const std::vector<std::string>& names, const std::vector<double>& values,
                          const std::string& failure = "");
// True, with the values in the order of `names`, when the record is complete and was made for this run.
bool read_summary_record(const std::string& path, const sim::SweepRun& run, const std::vector<std::string>& names,
                         std::vector<double>& values, double& wall_seconds);

void write_manifest(const std::string& path, const sim::Sweep& sweep, const std::vector<SweepRunResult>& results,
                    const std::string& version);

}  // namespace confsim::output
