#pragma once
// The files of a calibration (posterior.h5) and of a sensitivity analysis (sensitivity.h5):
// netCDF-4 tables that xarray, R's ncdf4 and MATLAB open, written atomically. Neither holds a
// time stamp, so the same study gives the same bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "confsim/sim/calibration.hpp"

namespace confsim::output {

struct PosteriorTable {
  std::vector<std::string> parameters;  // paths, the `parameter` coordinate
  std::vector<sim::Prior> priors;
  std::vector<std::string> summaries;   // what the distance compares, the `summary` coordinate
  std::vector<double> observed, scales;  // per summary
  std::vector<sim::Generation> generations;
  // per generation, particle, summary: the mean over the particle's replicate runs
  std::vector<std::vector<std::vector<double>>> particle_summaries;
  std::string calibration_file, calibration_text, scenario_file, stopped, version;
  std::uint64_t master_seed = 0;
  std::int64_t replicates = 1;
};
void write_posterior(const std::string& path, const PosteriorTable& table);

struct SensitivityTable {
  std::string method;  // saltelli | morris
  std::vector<std::string> parameters, summaries;
  std::vector<double> low, high;  // each parameter's interval
  // per summary, per parameter (Sobol)
  std::vector<std::vector<double>> first, first_low, first_high, total, total_low, total_high;
  std::vector<std::vector<double>> mu, mu_star, sigma;  // per summary, per parameter (Morris)
  std::vector<double> variance, seed_share;            // per summary
  std::vector<std::int64_t> failed_points;             // per summary: design points without a finite value
  std::int64_t design_points = 0, runs = 0, replicates = 1, base = 0, resamples = 0;
  double confidence = 0.95;
  std::string sweep_file, sweep_text, scenario_file, version;
};
void write_sensitivity(const std::string& path, const SensitivityTable& table);

}  // namespace confsim::output
