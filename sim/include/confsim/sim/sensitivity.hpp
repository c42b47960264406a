#pragma once
// Global sensitivity analysis on the unit cube: Sobol first- and total-order indices from a
// Saltelli design, and Morris elementary effects from random trajectories. The designs are lists
// of points in [0, 1]^k that a caller maps to parameter values and runs; the estimators take the
// outputs in design order. Everything random (Morris trajectories, bootstrap resamples) is drawn
// from keyed streams of a seed, so a design and its intervals are the same on every machine.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace confsim::sim {

// Saltelli (2010): matrices A and B of `base` rows each, from one Sobol sequence in 2k dimensions
// (A its first k coordinates, B the last k; the origin skipped), and for each parameter i the
// matrix AB_i, A with column i taken from B. `points` holds A, B, AB_1 … AB_k, `base` rows each:
// (k + 2) × base points in all.
inline constexpr std::size_t kSaltelliMaxParameters = 1000;  // 2k of the 3,667 dimensions of Boost's Sobol table
struct SaltelliDesign {
  std::size_t base = 0, parameters = 0;
  std::vector<std::vector<double>> points;
};
SaltelliDesign saltelli_design(std::size_t base, std::size_t parameters);

struct SobolIndices {
  std::vector<double> first, total;  // per parameter
  std::vector<double> first_low, first_high, total_low, total_high;  // bootstrap percentile intervals
  double variance = 0;  // of the output over A and B
};
// Saltelli's (2010) first-order estimator, V⁻¹·mean(f(B)·(f(AB_i) − f(A))), and Jansen's total-order
// one, V⁻¹·mean((f(A) − f(AB_i))²)/2; intervals from `resamples` bootstrap resamples of the base rows
// at `confidence` (e.g. 0.95). outputs: one per design point, in design order.
SobolIndices sobol_indices(const SaltelliDesign& design, const std::vector<double>& outputs, std::size_t resamples,
                           double confidence, std::uint64_t seed);

// Morris (1991) trajectories on a grid of `levels` levels (even), step Δ = levels / (2 (levels − 1)):
// each starts at a random grid point and moves one parameter at a time, in a random order, by +Δ or
// −Δ, so a trajectory is k + 1 points. `points` holds the trajectories one after another.
struct MorrisDesign {
  std::size_t trajectories = 0, parameters = 0, levels = 0;
  double delta = 0;
  std::vector<std::vector<double>> points;
  std::vector<std::vector<std::size_t>> moved;  // per trajectory, the parameter each step moves
};
MorrisDesign morris_design(std::size_t trajectories, std::size_t parameters, std::size_t levels, std::uint64_t seed);

struct MorrisEffects {
  std::vector<double> mu, mu_star, sigma;  // per parameter: mean, mean absolute, standard deviation of the effects
};
// Elementary effects (f(x + Δeᵢ) − f(x)) / Δ along each trajectory (Campolongo et al. 2007's mu*).
MorrisEffects morris_effects(const MorrisDesign& design, const std::vector<double>& outputs);

}  // namespace confsim::sim
